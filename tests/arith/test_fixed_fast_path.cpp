// The fast paths of the fixed-point arithmetic (round_shift's inline branch-free part, FixedOps'
// precomputed ranges, the ETU update specialised per rounding mode) against the plain
// definitions they replace, bit for bit: results and saturation counts, for every shift and
// rounding mode and for random valid QuantConfigs.
#include <catch2/catch.hpp>

#include <cstdint>
#include <vector>

#include "hw_model/arith/eligibility.hpp"

namespace {
using namespace nchip::arith;

constexpr Rounding kModes[] = {Rounding::nearest, Rounding::truncate, Rounding::stochastic};

struct Rng {
  uint64_t state;
  uint64_t next() { return state = splitmix64_mix(state); }
  int below(int n) { return static_cast<int>(next() % static_cast<uint64_t>(n)); }
};

// x values that probe every rounding decision: zero, +-1, ties and near-ties at many bit positions,
// the int32 extremes and their product (2^62, the largest |x| a mul can give), and random values.
std::vector<int64_t> probe_values(Rng& rng) {
  std::vector<int64_t> xs = {0, 1, -1, INT32_MAX, INT32_MIN, int64_t{1} << 62, -(int64_t{1} << 62),
                             int64_t{INT32_MIN} * INT32_MIN, int64_t{INT32_MIN} * INT32_MAX};
  for (int k = 0; k < 62; ++k) {
    const int64_t p = int64_t{1} << k;
    for (int64_t x : {p, p - 1, p + 1, 3 * p, 3 * p - 1, 3 * p + 1}) {
      xs.push_back(x);
      xs.push_back(-x);
    }
  }
  for (int i = 0; i < 2000; ++i) {
    const int bits = 1 + rng.below(62);  // |x| < 2^62
    const int64_t x = static_cast<int64_t>(rng.next() >> (64 - bits));
    xs.push_back(rng.below(2) ? x : -x);
  }
  return xs;
}

// ---- the plain definitions: each operation reads its formats from the config ----------------
int64_t saturate_ref(int64_t x, const Format& f, uint64_t& saturations) {
  if (x < f.min_raw() || x > f.max_raw()) {
    ++saturations;
    return x < f.min_raw() ? f.min_raw() : f.max_raw();
  }
  return x;
}

struct RefOps {
  template <Quantity Q>
  using Num = Fx<Q>;
  const QuantConfig* q;
  SaturationCounts* sat;

  template <Quantity Q>
  Fx<Q> clamp(int64_t raw) const {
    return Fx<Q>{static_cast<int32_t>(saturate_ref(raw, (*q)[Q], sat->count[index_of(Q)]))};
  }
  int64_t shift(int64_t x, int by, const DrawKey& key) const {
    const uint64_t bits = q->rounding == Rounding::stochastic ? counter_random(key) : 0;
    return round_shift_general(x, by, q->rounding, bits);
  }
};

template <Quantity R, Quantity A, Quantity B>
Fx<R> mul(const RefOps& ops, Fx<A> a, Fx<B> b, const DrawKey& key) {
  const int by = (*ops.q)[A].frac + (*ops.q)[B].frac - (*ops.q)[R].frac;
  return ops.clamp<R>(ops.shift(int64_t{a.raw} * int64_t{b.raw}, by, key));
}
template <Quantity R, Quantity A>
Fx<R> convert(const RefOps& ops, Fx<A> a, const DrawKey& key) {
  return ops.clamp<R>(ops.shift(a.raw, (*ops.q)[A].frac - (*ops.q)[R].frac, key));
}
template <Quantity Q>
Fx<Q> add(const RefOps& ops, Fx<Q> a, Fx<Q> b) { return ops.clamp<Q>(int64_t{a.raw} + b.raw); }
template <Quantity Q>
Fx<Q> sub(const RefOps& ops, Fx<Q> a, Fx<Q> b) { return ops.clamp<Q>(int64_t{a.raw} - b.raw); }

// A random valid config: widths, fraction bits (so shifts from about -40 to 80: left shifts, exact,
// ordinary and beyond 63) and signedness vary per quantity.
QuantConfig random_config(Rng& rng, Rounding rounding) {
  for (;;) {
    QuantConfig c;
    c.rounding = rounding;
    for (Quantity q : kAllQuantities) {
      Format& f = c[q];
      f.is_signed = q != Quantity::decay && rng.below(4) != 0;
      f.width = 2 + rng.below(f.is_signed ? 31 : 30);
      f.frac = rng.below(4) == 0 ? rng.below(41) : rng.below(f.width + 1);
    }
    if (c.problem().empty()) return c;
  }
}

template <Quantity Q>
Fx<Q> random_raw(Rng& rng, const QuantConfig& c) {
  // Mostly in range, sometimes anywhere in int32 (as a caller may hand over).
  const Format& f = c[Q];
  if (rng.below(8) == 0) return Fx<Q>{static_cast<int32_t>(rng.next())};
  const uint64_t span = static_cast<uint64_t>(f.max_raw() - f.min_raw()) + 1;
  return Fx<Q>{static_cast<int32_t>(f.min_raw() + static_cast<int64_t>(rng.next() % span))};
}
}  // namespace

TEST_CASE("round_shift equals round_shift_general for every shift and mode") {
  Rng rng{42};
  const std::vector<int64_t> xs = probe_values(rng);
  for (Rounding mode : kModes) {
    for (int shift = -70; shift <= 130; ++shift) {
      for (int64_t x : xs) {
        for (uint64_t bits : {uint64_t{0}, ~uint64_t{0}, rng.next(), uint64_t{1} << (shift & 63)}) {
          const int64_t fast = round_shift(x, shift, mode, bits);
          const int64_t plain = round_shift_general(x, shift, mode, bits);
          if (fast != plain) {
            INFO("x " << x << " shift " << shift << " mode " << to_string(mode) << " bits " << bits);
            REQUIRE(fast == plain);
          }
        }
      }
    }
  }
}

TEST_CASE("saturate with precomputed limits equals the format's clamp and counts alike") {
  Rng rng{7};
  for (int i = 0; i < 200; ++i) {
    const QuantConfig c = random_config(rng, Rounding::nearest);
    for (Quantity q : kAllQuantities) {
      for (int64_t x : {int64_t{0}, c[q].max_raw(), c[q].max_raw() + 1, c[q].min_raw(), c[q].min_raw() - 1,
                        static_cast<int64_t>(rng.next()) >> rng.below(64)}) {
        uint64_t fast_count = 0, plain_count = 0;
        CHECK(saturate(x, c[q], fast_count) == saturate_ref(x, c[q], plain_count));
        CHECK(fast_count == plain_count);
      }
    }
  }
}

TEST_CASE("FixedOps operations equal the plain definitions on random configs") {
  Rng rng{11};
  for (Rounding mode : kModes) {
    for (int round = 0; round < 300; ++round) {
      const QuantConfig c = random_config(rng, mode);
      SaturationCounts fast_counts, plain_counts;
      const FixedOps fast(c, fast_counts);
      const RefOps plain{&c, &plain_counts};
      for (int i = 0; i < 200; ++i) {
        const DrawKey key{rng.next(), static_cast<uint32_t>(rng.next()), static_cast<uint32_t>(rng.next()),
                          rng.next()};
        const auto h = random_raw<Quantity::pseudo_derivative>(rng, c);
        const auto e = random_raw<Quantity::eligibility>(rng, c);
        const auto e2 = random_raw<Quantity::eligibility>(rng, c);
        const auto v = random_raw<Quantity::voltage>(rng, c);
        const auto w = random_raw<Quantity::weight>(rng, c);
        const auto z = random_raw<Quantity::trace>(rng, c);
        const auto d = random_raw<Quantity::decay>(rng, c);
        const auto l = random_raw<Quantity::learning_signal>(rng, c);
        CHECK(mul<Quantity::eligibility>(fast, h, e, key) == mul<Quantity::eligibility>(plain, h, e, key));
        CHECK(mul<Quantity::eligibility>(fast, v, e, key) == mul<Quantity::eligibility>(plain, v, e, key));
        CHECK(mul<Quantity::eligibility>(fast, d, e, key) == mul<Quantity::eligibility>(plain, d, e, key));
        CHECK(mul<Quantity::eligibility>(fast, h, z, key) == mul<Quantity::eligibility>(plain, h, z, key));
        CHECK(mul<Quantity::update_accumulator>(fast, l, e, key) ==
              mul<Quantity::update_accumulator>(plain, l, e, key));
        CHECK(mul<Quantity::voltage>(fast, d, v, key) == mul<Quantity::voltage>(plain, d, v, key));
        CHECK(convert<Quantity::eligibility>(fast, z, key) == convert<Quantity::eligibility>(plain, z, key));
        CHECK(convert<Quantity::voltage>(fast, w, key) == convert<Quantity::voltage>(plain, w, key));
        CHECK(convert<Quantity::weight>(fast, v, key) == convert<Quantity::weight>(plain, v, key));
        CHECK(add(fast, e, e2) == add(plain, e, e2));
        CHECK(sub(fast, e, e2) == sub(plain, e, e2));
      }
      REQUIRE(fast_counts == plain_counts);
    }
  }
}

TEST_CASE("etu_update with FixedOps equals the plain definitions on random configs and states") {
  Rng rng{5};
  for (Rounding mode : kModes) {
    for (int round = 0; round < 200; ++round) {
      const QuantConfig c = random_config(rng, mode);
      SaturationCounts fast_counts, plain_counts;
      const FixedOps fast(c, fast_counts);
      const RefOps plain{&c, &plain_counts};
      EtuNeuronInput<FixedOps> n;
      n.rho = random_raw<Quantity::decay>(rng, c);
      n.beta = random_raw<Quantity::voltage>(rng, c);
      n.kappa = random_raw<Quantity::decay>(rng, c);
      n.adaptive = rng.below(2) != 0;
      EtuSynapseState<FixedOps> s{random_raw<Quantity::eligibility>(rng, c), random_raw<Quantity::eligibility>(rng, c),
                                  random_raw<Quantity::update_accumulator>(rng, c)};
      EtuSynapseState<RefOps> r{s.eps_a, s.filtered, s.accumulator};
      for (uint64_t step = 0; step < 50; ++step) {
        n.h = random_raw<Quantity::pseudo_derivative>(rng, c);
        n.L = random_raw<Quantity::learning_signal>(rng, c);
        const EtuNeuronInput<RefOps> m{n.h, n.rho, n.beta, n.kappa, n.L, n.adaptive};
        const auto zbar = random_raw<Quantity::trace>(rng, c);
        const DrawKey key{rng.next(), 0, static_cast<uint32_t>(round), step};
        const auto e_fast = etu_update(fast, n, zbar, s, key);
        const auto e_plain = etu_update(plain, m, zbar, r, key);
        REQUIRE(e_fast == e_plain);
        REQUIRE(s.eps_a == r.eps_a);
        REQUIRE(s.filtered == r.filtered);
        REQUIRE(s.accumulator == r.accumulator);
      }
      REQUIRE(fast_counts == plain_counts);
    }
  }
}
