// The vectorized ETU kernel (etu_run_rows) against its plain definition (etu_run_rows_reference:
// one arith::etu_update per synapse and step) on random configurations: every rounding mode,
// formats 4..32 bits wide with random fraction bits, raw inputs drawn over each format's whole
// range (so products, sums and conversions saturate), LIF and ALIF rows of every length from 1 to
// past two vectors (full chunks, tails, consecutive and scattered trace slots). State must be
// identical value for value and saturation counts count for count.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "hw_model/arith/counter_rng.hpp"
#include "hw_model/error.hpp"
#include "hw_model/learning/etu_kernel.hpp"

namespace {

using nchip::arith::FixedOps;
using nchip::arith::FloatOps;
using nchip::arith::Format;
using nchip::arith::Fx;
using nchip::arith::Quantity;
using nchip::arith::QuantConfig;
using nchip::arith::Rounding;
using nchip::arith::SaturationCounts;
using nchip::learning::EtuColumns;
using nchip::learning::EtuNeuronConstants;
using nchip::learning::EtuRows;
using nchip::learning::EtuWindow;

struct Rng {
  uint64_t seed, n = 0;
  uint64_t next() { return nchip::arith::counter_random({seed, 7, 0, n++}); }
  uint64_t below(uint64_t m) { return next() % m; }
};

// Rows of lengths 1..max_len, targets 0..rows-1 (a random third adaptive); a row's slots are
// consecutive from a random start, scattered (repeats allowed, as shared sources do), or
// consecutive with one slot skipped.
EtuRows random_rows(Rng& rng, size_t n_rows, uint32_t max_len, uint32_t n_slots) {
  EtuRows rows;
  uint32_t key = 0;
  for (uint32_t r = 0; r < n_rows; ++r) {
    const uint32_t len = 1 + static_cast<uint32_t>(rng.below(max_len));
    rows.row_neuron.push_back(r);
    rows.row_adaptive.push_back(rng.below(3) == 0);
    rows.row_start.push_back(rows.row_start.back() + len);
    // 0: consecutive slots; 1: scattered; 2: consecutive but for one skipped slot (a recurrent row
    // without its own neuron), so some chunks of the row load and others gather.
    const uint64_t kind = rng.below(3);
    const uint32_t start = static_cast<uint32_t>(rng.below(n_slots - len));
    const uint32_t skip = static_cast<uint32_t>(rng.below(len));
    for (uint32_t i = 0; i < len; ++i) {
      const uint32_t scattered = static_cast<uint32_t>(rng.below(n_slots));
      rows.trace_slot.push_back(kind == 0 ? start + i : kind == 1 ? scattered : start + i + (i >= skip));
      key += 1 + static_cast<uint32_t>(rng.below(5));
      rows.key_index.push_back(key);
    }
  }
  return rows;
}

Format random_format(Rng& rng, bool is_signed) {
  Format f;
  f.is_signed = is_signed;
  f.width = 4 + static_cast<int>(rng.below(is_signed ? 29 : 28));  // 4..32 signed, 4..31 unsigned
  f.frac = static_cast<int>(rng.below(static_cast<uint64_t>(f.width) + 9));
  return f;
}

// `small`: within 1/256 of the range and no corners (values that mostly stay in range, so the
// kernel's fast pass - no clamp fires in a chunk - is what runs).
template <Quantity Q>
Fx<Q> any_raw(Rng& rng, const QuantConfig& q, bool small = false) {
  const Format& f = q[Q];
  if (small) {
    const int64_t lo = f.min_raw() / 256, hi = f.max_raw() / 256;
    return Fx<Q>{static_cast<int32_t>(lo + static_cast<int64_t>(rng.below(static_cast<uint64_t>(hi - lo) + 1)))};
  }
  // Mostly uniform over the range; one in eight at an end (the corners saturate most).
  const uint64_t pick = rng.below(8);
  if (pick == 0) return Fx<Q>{static_cast<int32_t>(f.max_raw())};
  if (pick == 1) return Fx<Q>{static_cast<int32_t>(f.min_raw())};
  const uint64_t span = static_cast<uint64_t>(f.max_raw() - f.min_raw()) + 1;
  return Fx<Q>{static_cast<int32_t>(f.min_raw() + static_cast<int64_t>(rng.below(span)))};
}

struct Inputs {
  std::vector<uint64_t> step;
  size_t n_neurons = 0, n_slots = 0;
};

template <class Ops>
struct Window {
  std::vector<nchip::arith::Num<Ops, Quantity::pseudo_derivative>> h;
  std::vector<nchip::arith::Num<Ops, Quantity::learning_signal>> L;
  std::vector<nchip::arith::Num<Ops, Quantity::trace>> traces;
  std::vector<nchip::arith::Num<Ops, Quantity::decay>> rho;
  std::vector<nchip::arith::Num<Ops, Quantity::voltage>> beta;
  nchip::arith::Num<Ops, Quantity::decay> kappa{};
  std::vector<uint64_t> step;
  EtuWindow<Ops> view(size_t n_neurons, size_t n_slots, uint64_t seed) const {
    EtuWindow<Ops> w;
    w.steps = step.size();
    w.step = step.data();
    w.h = h.data();
    w.L = L.data();
    w.neuron_stride = n_neurons;
    w.traces = traces.data();
    w.trace_stride = n_slots;
    w.seed = seed;
    return w;
  }
};

// Runs `body` once per instruction set the kernel was compiled for and this CPU runs (AVX-512,
// AVX2, SSE4, portable ...), so every dispatch target is checked, not only the best one.
template <class Body>
void for_each_target(Body body) {
  const std::vector<std::string> targets = nchip::learning::etu_kernel_targets();
  for (const std::string& target : targets) {
    nchip::learning::etu_kernel_use_target(target);
    INFO("target " << target);
    CHECK(nchip::learning::etu_kernel_target() == target);
    body();
  }
  nchip::learning::etu_kernel_use_target("");
  CHECK(targets.size() >= 2);  // at least SSE4 and the portable baseline on any x86-64 in use
  CHECK(nchip::learning::etu_kernel_target() == targets.front());
}

}  // namespace

TEST_CASE("ETU kernel equals the plain definition on random fixed-point configurations") {
  for_each_target([&] {
  size_t vectorized = 0, configs = 0, clean = 0, saturated = 0, left_shifting = 0;
  for (uint64_t trial = 0; trial < 120; ++trial) {
    const bool small = trial % 2 == 1;
    Rng rng{1000 + trial};
    QuantConfig q;
    q.rounding = static_cast<Rounding>(trial % 3);
    q[Quantity::pseudo_derivative] = random_format(rng, false);
    q[Quantity::trace] = random_format(rng, false);
    q[Quantity::eligibility] = random_format(rng, true);
    q[Quantity::voltage] = random_format(rng, true);
    q[Quantity::decay] = random_format(rng, false);
    q[Quantity::learning_signal] = random_format(rng, true);
    q[Quantity::update_accumulator] = random_format(rng, true);
    if (trial % 10 == 9) {
      // Fraction bits 70 apart (h x zbar -> eligibility shifts by 70): the reference path.
      q[Quantity::pseudo_derivative].frac = 40;
      q[Quantity::trace].frac = 40;
      q[Quantity::eligibility].frac = 10;
    } else if (trial % 4 < 2) {
      // Right shifts everywhere (the vector path) with the accumulator at most as fine as e * L.
      q[Quantity::eligibility].frac = std::min(q[Quantity::eligibility].frac, q[Quantity::trace].frac);
      q[Quantity::update_accumulator].frac =
          std::min(q[Quantity::update_accumulator].frac,
                   q[Quantity::learning_signal].frac + q[Quantity::eligibility].frac);
    }
    const size_t n_rows = 12, n_slots = 64, steps = 1 + rng.below(33);
    const EtuRows rows = random_rows(rng, n_rows, 40, n_slots);

    SaturationCounts counts_ref, counts_fast;
    const FixedOps ops_ref(q, counts_ref), ops_fast(q, counts_fast);
    ++configs;
    const bool vector_path = nchip::learning::etu_kernel_vectorizes(ops_fast);
    vectorized += vector_path;
    // A left shift somewhere: a trace or product with fewer fraction bits than its result.
    const int f_el = q[Quantity::eligibility].frac, f_tr = q[Quantity::trace].frac;
    const bool left = f_tr < f_el || q[Quantity::pseudo_derivative].frac + f_tr < f_el ||
                      q[Quantity::learning_signal].frac + f_el < q[Quantity::update_accumulator].frac;
    left_shifting += vector_path && left;

    Window<FixedOps> w;
    for (size_t k = 0; k < steps; ++k) w.step.push_back(rng.next());
    for (size_t i = 0; i < steps * n_rows; ++i) {
      w.h.push_back(any_raw<Quantity::pseudo_derivative>(rng, q, small));
      w.L.push_back(any_raw<Quantity::learning_signal>(rng, q, small));
    }
    for (size_t i = 0; i < steps * n_slots; ++i) w.traces.push_back(any_raw<Quantity::trace>(rng, q, small));
    for (size_t j = 0; j < n_rows; ++j) {
      w.rho.push_back(any_raw<Quantity::decay>(rng, q, small));
      w.beta.push_back(any_raw<Quantity::voltage>(rng, q, small));
    }
    w.kappa = any_raw<Quantity::decay>(rng, q, small);
    const uint64_t seed = rng.next();
    const auto view = w.view(n_rows, n_slots, seed);
    const EtuNeuronConstants<FixedOps> c{w.rho.data(), w.beta.data(), w.kappa};

    EtuColumns<FixedOps> ref, fast;
    ref.resize(rows.positions());
    for (size_t p = 0; p < rows.positions(); ++p) {
      ref.eps_a[p] = any_raw<Quantity::eligibility>(rng, q, small);
      ref.filtered[p] = any_raw<Quantity::eligibility>(rng, q, small);
      ref.accumulator[p] = any_raw<Quantity::update_accumulator>(rng, q, small);
    }
    fast = ref;
    // Two calls over a split of the rows, as the thread pool makes them.
    nchip::learning::etu_run_rows_reference(ops_ref, rows, 0, n_rows, c, view, ref);
    nchip::learning::etu_run_rows(ops_fast, rows, 0, 5, c, view, fast);
    nchip::learning::etu_run_rows(ops_fast, rows, 5, n_rows, c, view, fast);

    INFO("trial " << trial << " rounding " << nchip::arith::to_string(q.rounding) << " steps " << steps);
    for (size_t p = 0; p < rows.positions(); ++p) {
      INFO("position " << p);
      REQUIRE(fast.eps_a[p] == ref.eps_a[p]);
      REQUIRE(fast.filtered[p] == ref.filtered[p]);
      REQUIRE(fast.accumulator[p] == ref.accumulator[p]);
    }
    REQUIRE(counts_fast == counts_ref);
    if (nchip::learning::etu_kernel_vectorizes(ops_fast)) ++(counts_ref.total() == 0 ? clean : saturated);
  }
  // Both sides were exercised: most configurations vectorize (left shifts included), some fall back.
  CHECK(vectorized >= configs / 2);
  CHECK(vectorized < configs);   // the forced 70-bit shifts
  CHECK(left_shifting >= 10);    // left shifts on the vector path
  // ... and on the vector path, windows with no saturation (the fast pass stands) and with some
  // (chunks rerun with exact clamps and counts).
  CHECK(clean >= 5);
  CHECK(saturated >= 5);
  });
}

TEST_CASE("ETU kernel equals the plain definition with the default formats, every rounding mode") {
  for_each_target([&] {
  // Inputs over the whole formats (traces beyond the eligibility range: the trace conversion
  // saturates) and small ones (every trace fits: the conversion is skipped as the identity).
  for (const bool small : {false, true})
  for (Rounding rounding : {Rounding::nearest, Rounding::truncate, Rounding::stochastic}) {
    Rng rng{77 + static_cast<uint64_t>(rounding) + (small ? 10 : 0)};
    QuantConfig q;
    q.rounding = rounding;
    SaturationCounts counts_ref, counts_fast;
    const FixedOps ops_ref(q, counts_ref), ops_fast(q, counts_fast);
    REQUIRE(nchip::learning::etu_kernel_vectorizes(ops_fast));
    const size_t n_rows = 9, n_slots = 80, steps = 32;
    const EtuRows rows = random_rows(rng, n_rows, 70, n_slots);
    Window<FixedOps> w;
    for (size_t k = 0; k < steps; ++k) w.step.push_back(5000 + k);
    for (size_t i = 0; i < steps * n_rows; ++i) {
      w.h.push_back(any_raw<Quantity::pseudo_derivative>(rng, q, small));
      w.L.push_back(any_raw<Quantity::learning_signal>(rng, q, small));
    }
    for (size_t i = 0; i < steps * n_slots; ++i) w.traces.push_back(any_raw<Quantity::trace>(rng, q, small));
    for (size_t j = 0; j < n_rows; ++j) {
      w.rho.push_back(any_raw<Quantity::decay>(rng, q, small));
      w.beta.push_back(any_raw<Quantity::voltage>(rng, q, small));
    }
    w.kappa = any_raw<Quantity::decay>(rng, q, small);
    const auto view = w.view(n_rows, n_slots, 12345);
    const EtuNeuronConstants<FixedOps> c{w.rho.data(), w.beta.data(), w.kappa};
    EtuColumns<FixedOps> ref, fast;
    ref.resize(rows.positions());
    fast.resize(rows.positions());
    nchip::learning::etu_run_rows_reference(ops_ref, rows, 0, n_rows, c, view, ref);
    nchip::learning::etu_run_rows(ops_fast, rows, 0, n_rows, c, view, fast);
    INFO("rounding " << nchip::arith::to_string(rounding) << " small " << small);
    CHECK(fast.eps_a == ref.eps_a);
    CHECK(fast.filtered == ref.filtered);
    CHECK(fast.accumulator == ref.accumulator);
    CHECK(counts_fast == counts_ref);
  }
  });
}

TEST_CASE("ETU kernel: pinning an instruction set this CPU lacks or that is not compiled is an InputError") {
  CHECK_THROWS_AS(nchip::learning::etu_kernel_use_target("NEON"), nchip::InputError);
  CHECK(nchip::learning::etu_kernel_target() == nchip::learning::etu_kernel_targets().front());
}

TEST_CASE("ETU kernel equals the plain definition in float, bit for bit") {
  for_each_target([&] {
  Rng rng{4242};
  const size_t n_rows = 15, n_slots = 90, steps = 29;
  const EtuRows rows = random_rows(rng, n_rows, 50, n_slots);
  const auto uniform = [&](double lo, double hi) {
    return lo + (hi - lo) * static_cast<double>(rng.next() >> 11) * 0x1.0p-53;
  };
  Window<FloatOps> w;
  for (size_t k = 0; k < steps; ++k) w.step.push_back(k);
  for (size_t i = 0; i < steps * n_rows; ++i) {
    w.h.push_back(uniform(0, 0.3));
    w.L.push_back(uniform(-2, 2));
  }
  for (size_t i = 0; i < steps * n_slots; ++i) w.traces.push_back(uniform(0, 20));
  for (size_t j = 0; j < n_rows; ++j) {
    w.rho.push_back(uniform(0.9, 1));
    w.beta.push_back(uniform(0, 2));
  }
  w.kappa = uniform(0.9, 1);
  const auto view = w.view(n_rows, n_slots, 0);
  const EtuNeuronConstants<FloatOps> c{w.rho.data(), w.beta.data(), w.kappa};
  EtuColumns<FloatOps> ref;
  ref.resize(rows.positions());
  for (size_t p = 0; p < rows.positions(); ++p) {
    ref.eps_a[p] = uniform(-1, 1);
    ref.filtered[p] = uniform(-1, 1);
    ref.accumulator[p] = uniform(-1, 1);
  }
  EtuColumns<FloatOps> fast = ref;
  const FloatOps ops;
  nchip::learning::etu_run_rows_reference(ops, rows, 0, n_rows, c, view, ref);
  nchip::learning::etu_run_rows(ops, rows, 0, n_rows, c, view, fast);
  for (size_t p = 0; p < rows.positions(); ++p) {
    INFO("position " << p);
    REQUIRE(fast.eps_a[p] == ref.eps_a[p]);  // exact: same operations in the same order, no FMA
    REQUIRE(fast.filtered[p] == ref.filtered[p]);
    REQUIRE(fast.accumulator[p] == ref.accumulator[p]);
  }
  CHECK(std::string(nchip::learning::etu_kernel_target()).size() > 0);
  });
}
