#include "rtl/cosim/etu_stimulus.hpp"

#include <algorithm>
#include <cmath>

#include "hw_model/arith/counter_rng.hpp"

namespace nchip::rtl {

using arith::Format;
using arith::Quantity;

const char* to_string(Distribution d) {
  switch (d) {
    case Distribution::uniform: return "uniform";
    case Distribution::edges: return "edges";
    case Distribution::log: return "log";
    case Distribution::mixed: return "mixed";
  }
  return "?";
}

bool distribution_from_string(const std::string& text, Distribution& out) {
  for (Distribution d : {Distribution::uniform, Distribution::edges, Distribution::log,
                         Distribution::mixed}) {
    if (text == to_string(d)) {
      out = d;
      return true;
    }
  }
  return false;
}

namespace {

// Sequential SplitMix64: a portable stream (std:: distributions differ between libraries).
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    const uint64_t v = arith::splitmix64_mix(state_);
    state_ += 0x9E3779B97F4A7C15ULL;
    return v;
  }
  // Uniform in [lo, hi] for spans up to 2^32 (every format is at most 32 bits wide).
  int64_t between(int64_t lo, int64_t hi) {
    const uint64_t span = static_cast<uint64_t>(hi - lo) + 1;
    return lo + static_cast<int64_t>(((next() >> 32) * span) >> 32);
  }
  bool coin() { return (next() >> 63) != 0; }

 private:
  uint64_t state_;
};

int64_t clamp_to(int64_t v, const Format& f) { return std::clamp(v, f.min_raw(), f.max_raw()); }

// The edge values of a format: extremes and their neighbours, 0, +-1 LSB, 1.0 and 0.5.
std::vector<int64_t> edge_values(const Format& f) {
  std::vector<int64_t> v = {f.min_raw(), f.min_raw() + 1, 0, 1, f.max_raw() - 1, f.max_raw()};
  if (f.is_signed) v.push_back(-1);
  v.push_back(clamp_to(int64_t{1} << f.frac, f));
  if (f.frac > 0) v.push_back(clamp_to(int64_t{1} << (f.frac - 1), f));
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  return v;
}

// Draws raw values of one format; the edge list is built once (the stimulus must not be the
// bottleneck of a co-simulation that runs a million updates per second).
class FieldDraw {
 public:
  explicit FieldDraw(const Format& f)
      : f_(f), edges_(edge_values(f)), magnitude_bits_(f.is_signed ? f.width - 1 : f.width) {}

  int64_t operator()(Rng& rng, Distribution d) const {
    if (d == Distribution::mixed) {
      const uint64_t pick = ((rng.next() >> 32) * 3) >> 32;
      d = pick == 0 ? Distribution::uniform : pick == 1 ? Distribution::edges : Distribution::log;
    }
    switch (d) {
      case Distribution::edges:
        return edges_[((rng.next() >> 32) * edges_.size()) >> 32];
      case Distribution::log: {
        const int k = static_cast<int>(rng.between(0, magnitude_bits_));
        int64_t magnitude = k == 0 ? 0 : rng.between(int64_t{1} << (k - 1), (int64_t{1} << k) - 1);
        if (f_.is_signed && rng.coin()) magnitude = -magnitude - (k == magnitude_bits_ ? 1 : 0);
        return clamp_to(magnitude, f_);
      }
      default:
        return rng.between(f_.min_raw(), f_.max_raw());
    }
  }

 private:
  Format f_;
  std::vector<int64_t> edges_;
  int magnitude_bits_;
};

class RandomSource : public EtuSource {
 public:
  RandomSource(const arith::QuantConfig& q, uint64_t seed, uint64_t count, Distribution d)
      : rng_(seed ^ 0x45545552414E44ULL), left_(count), d_(d),
        h_(q[Quantity::pseudo_derivative]), decay_(q[Quantity::decay]), beta_(q[Quantity::voltage]),
        l_(q[Quantity::learning_signal]), zbar_(q[Quantity::trace]), e_(q[Quantity::eligibility]),
        acc_(q[Quantity::update_accumulator]) {}

  bool next(EtuRecord& r) override {
    if (left_ == 0) return false;
    --left_;
    auto value = [&](const FieldDraw& draw) { return static_cast<int32_t>(draw(rng_, d_)); };
    r.h = value(h_);
    r.rho = value(decay_);
    r.beta = value(beta_);
    r.kappa = value(decay_);
    r.L = value(l_);
    r.adaptive = rng_.coin();
    r.zbar = value(zbar_);
    r.eps_a = value(e_);
    r.filtered = value(e_);
    r.accumulator = value(acc_);
    // Keys: random, with their own extremes now and then (every bit of the hash inputs matters).
    const uint64_t k = rng_.next();
    r.key.seed = (k & 15) == 0 ? 0 : (k & 15) == 1 ? ~uint64_t{0} : rng_.next();
    r.key.stream = static_cast<uint32_t>(rng_.next());
    r.key.index = (k & 0xF0) == 0 ? 0xFFFFFFFFu : static_cast<uint32_t>(rng_.next());
    r.key.step = (k & 0xF00) == 0 ? ~uint64_t{0} : rng_.next();
    return true;
  }

 private:
  Rng rng_;
  uint64_t left_;
  Distribution d_;
  FieldDraw h_, decay_, beta_, l_, zbar_, e_, acc_;
};

class VectorSource : public EtuSource {
 public:
  explicit VectorSource(std::vector<EtuRecord> records) : records_(std::move(records)) {}
  bool next(EtuRecord& r) override {
    if (at_ >= records_.size()) return false;
    r = records_[at_++];
    return true;
  }

 private:
  std::vector<EtuRecord> records_;
  size_t at_ = 0;
};

class RecordedSource : public EtuSource {
 public:
  RecordedSource(const std::string& path, uint64_t limit) : reader_(path), left_(limit) {}
  bool next(EtuRecord& r) override {
    if (left_ == 0) return false;
    --left_;
    return reader_.next(r);
  }

 private:
  EtuRecordReader reader_;
  uint64_t left_;
};

// Raw value of a real number in a format (nearest, clamped): the corners' operating point.
int32_t raw_of(double value, const Format& f) {
  return static_cast<int32_t>(clamp_to(std::llround(std::ldexp(value, f.frac)), f));
}

// 2^k as a raw value if the format holds it, else -1.
int64_t power_of_two(int k, const Format& f) {
  if (k < 0 || k > 62 || (int64_t{1} << k) > f.max_raw()) return -1;
  return int64_t{1} << k;
}

}  // namespace

std::unique_ptr<EtuSource> make_random_source(const arith::QuantConfig& quant, uint64_t seed,
                                              uint64_t count, Distribution distribution) {
  return std::make_unique<RandomSource>(quant, seed, count, distribution);
}

std::unique_ptr<EtuSource> make_vector_source(std::vector<EtuRecord> records) {
  return std::make_unique<VectorSource>(std::move(records));
}

std::unique_ptr<EtuSource> make_recorded_source(const std::string& path, uint64_t limit) {
  return std::make_unique<RecordedSource>(path, limit);
}

std::vector<EtuRecord> corner_records(const arith::QuantConfig& q) {
  const Format& fP = q[Quantity::pseudo_derivative];
  const Format& fD = q[Quantity::decay];
  const Format& fV = q[Quantity::voltage];
  const Format& fL = q[Quantity::learning_signal];
  const Format& fT = q[Quantity::trace];
  const Format& fE = q[Quantity::eligibility];
  const Format& fA = q[Quantity::update_accumulator];
  std::vector<EtuRecord> out;

  // 1. Cross product of min / 0 / max (h and zbar also 1 LSB; decays 0 = no memory, max = full).
  auto three = [](const Format& f) {
    std::vector<int32_t> v = {static_cast<int32_t>(f.min_raw()), 0, static_cast<int32_t>(f.max_raw())};
    v.erase(std::unique(v.begin(), v.end()), v.end());  // unsigned: min == 0
    return v;
  };
  const std::vector<int32_t> hs = {0, 1, static_cast<int32_t>(fP.max_raw())};  // h = 0: refractory
  const std::vector<int32_t> zs = {0, 1, static_cast<int32_t>(fT.max_raw())};
  const std::vector<int32_t> ds = {0, static_cast<int32_t>(fD.max_raw())};
  for (bool adaptive : {false, true})
    for (int32_t h : hs)
      for (int32_t zbar : zs)
        for (int32_t rho : ds)
          for (int32_t kappa : ds)
            for (int32_t beta : three(fV))
              for (int32_t L : three(fL))
                for (int32_t eps : three(fE))
                  for (int32_t filt : three(fE))
                    for (int32_t acc : three(fA)) {
                      EtuRecord r;
                      r.adaptive = adaptive;
                      r.h = h;
                      r.zbar = zbar;
                      r.rho = rho;
                      r.kappa = kappa;
                      r.beta = beta;
                      r.L = L;
                      r.eps_a = eps;
                      r.filtered = filt;
                      r.accumulator = acc;
                      out.push_back(r);
                    }

  // 2. One field at a time over its edge values, around a typical operating point.
  EtuRecord base;
  base.h = raw_of(0.3, fP);
  base.rho = raw_of(std::exp(-1.0 / 1200.0), fD);
  base.kappa = raw_of(std::exp(-1.0 / 20.0), fD);
  base.beta = raw_of(1.7, fV);
  base.L = raw_of(0.5, fL);
  base.zbar = raw_of(1.0, fT);
  base.eps_a = raw_of(0.25, fE);
  base.filtered = raw_of(-0.5, fE);
  base.accumulator = raw_of(0.125, fA);
  const struct {
    int32_t EtuRecord::*field;
    const Format* format;
  } sweeps[] = {{&EtuRecord::h, &fP},     {&EtuRecord::rho, &fD},   {&EtuRecord::beta, &fV},
                {&EtuRecord::kappa, &fD}, {&EtuRecord::L, &fL},     {&EtuRecord::zbar, &fT},
                {&EtuRecord::eps_a, &fE}, {&EtuRecord::filtered, &fE},
                {&EtuRecord::accumulator, &fA}};
  for (bool adaptive : {false, true})
    for (const auto& s : sweeps)
      for (int64_t v : edge_values(*s.format)) {
        EtuRecord r = base;
        r.adaptive = adaptive;
        r.*s.field = static_cast<int32_t>(v);
        out.push_back(r);
      }

  // 3. Rounding ties: a = 2^(s-1) times an odd b puts exactly one half below the kept bits of a
  // product shifted by s; odd b of both signs covers both parities of the kept part.
  std::vector<int32_t> odds = {1, 3, 5, 7, 255};
  if (fE.is_signed) odds.insert(odds.end(), {-1, -3, -5, -7, -255});
  auto half_of = [](int shift, const Format& f) { return power_of_two(shift - 1, f); };
  const int s_h_zbar = fP.frac + fT.frac - fE.frac;  // h * zbar -> eligibility
  const int s_acc = fL.frac + fE.frac - fA.frac;     // L * filtered -> accumulator
  for (bool adaptive : {false, true})
    for (int32_t odd : odds) {
      auto tie = base;
      tie.adaptive = adaptive;
      tie.beta = 0;  // keep zbar - beta eps = zbar so the h * (...) tie survives
      if (int64_t h = half_of(s_h_zbar, fP); h >= 0 && odd > 0) {  // e (LIF), drive (ALIF)
        auto r = tie;
        r.h = static_cast<int32_t>(h);
        r.zbar = odd;
        out.push_back(r);
      }
      if (int64_t h = power_of_two(fP.frac - 1, fP); h >= 0) {  // h * eps_a, and h * (zbar - ...)
        auto r = tie;
        r.h = static_cast<int32_t>(h);
        r.eps_a = odd;
        out.push_back(r);
        if (odd > 0) {
          r.zbar = odd;
          out.push_back(r);
        }
      }
      if (int64_t rho = power_of_two(fD.frac - 1, fD); rho >= 0) {  // rho eps_a, kappa filtered
        auto r = tie;
        r.rho = static_cast<int32_t>(rho);
        r.kappa = static_cast<int32_t>(rho);
        r.eps_a = odd;
        r.filtered = odd;
        out.push_back(r);
      }
      if (int64_t beta = power_of_two(fV.frac - 1, fV); beta >= 0) {  // beta eps_a, beta (h eps_a)
        auto r = tie;
        r.beta = static_cast<int32_t>(beta);
        r.eps_a = odd;
        out.push_back(r);
        if (int64_t h = power_of_two(fP.frac - 1, fP); h >= 0) {
          r.h = static_cast<int32_t>(h);
          r.eps_a = static_cast<int32_t>(clamp_to(2 * int64_t{odd}, fE));  // h eps_a = odd, exact
          out.push_back(r);
        }
      }
      // L * filtered': filtered' = e = h zbar exactly 2^(s_acc - 1) (kappa = 0), L odd.
      const int64_t h = power_of_two(fP.frac - 1, fP);
      const int64_t zbar = power_of_two(s_acc + fT.frac - fE.frac, fT);
      if (h >= 0 && zbar >= 0 && s_acc >= 1 && odd >= fL.min_raw() && odd <= fL.max_raw()) {
        auto r = tie;
        r.adaptive = false;
        r.kappa = 0;
        r.h = static_cast<int32_t>(h);
        r.zbar = static_cast<int32_t>(zbar);
        r.L = odd;
        out.push_back(r);
      }
    }

  // Odd operands may not fit a narrow custom format: keep only records in range.
  out.erase(std::remove_if(out.begin(), out.end(),
                           [&](const EtuRecord& r) { return !record_range_problem(r, q).empty(); }),
            out.end());

  // Keys: spread seeds, streams, indices and steps (their extremes included) over the corners.
  const uint64_t seeds[] = {0, 1, 0x0123456789ABCDEFULL, ~uint64_t{0}};
  for (size_t i = 0; i < out.size(); ++i) {
    EtuRecord& r = out[i];
    r.key.seed = seeds[i % 4];
    r.key.stream = static_cast<uint32_t>(i % 7 == 0 ? 0xFFFFFFFFu : i * 7);
    r.key.index = static_cast<uint32_t>(i % 5 == 0 ? 0xFFFFFFFFu : i);
    r.key.step = i % 3 == 0 ? ~uint64_t{0} : i / 3;
  }
  return out;
}

}  // namespace nchip::rtl
