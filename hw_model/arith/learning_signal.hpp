// The learning-signal unit: readout errors and the per-neuron learning signals of e-prop 1
// (Bellec et al. 2019, Methods, eq. 42-53), written once for FloatOps and FixedOps where the
// datapath is the same, and per number system where the chip has to approximate (softmax).
//
//   regression      err_k = y_k - y*_k                       (dE/dy_k of E = 1/2 sum (y - y*)^2)
//   classification  err_k = pi_k - pi*_k, pi = softmax(y)    (eq. 51-53, cross-entropy)
//   learning signal L_j = sum_k B_jk err_k  (+ the neuron's regularization term, eq. 55)
// The sign is that of dE/dz: weights move by -lr * sum_t L ebar (the paper writes the update with
// y* - y; same thing).
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>

#include "hw_model/arith/ops.hpp"

namespace nchip::arith {

enum LearningSignalStream : uint32_t {
  kStreamError = 28,     // y - y* into the learning-signal format
  kStreamFeedback = 29,  // B_jk * err_k
};

// How the chip turns readouts into class probabilities. The float reference uses the exact
// softmax (or, to measure its cost in isolation, the hard sigmoid); the chip has no exp().
enum class ClassificationError : uint8_t {
  softmax_exact,  // float only: pi = exp(y) / sum exp(y)
  softmax_exp_lut,// fixed only: exp(-(y_max - y)) from a 64-entry table over [0, 8), then a divide
  hard_sigmoid,   // both: pi_k = clamp(1/2 + y_k / 4, 0, 1) per output, no normalisation (ReckOn)
};

// err = y - y* (dE/dy of the squared error), in the learning-signal format.
template <class Ops>
inline Num<Ops, Quantity::learning_signal> regression_error(const Ops& ops,
                                                            Num<Ops, Quantity::voltage> y,
                                                            Num<Ops, Quantity::voltage> target,
                                                            const DrawKey& key) {
  return convert<Quantity::learning_signal>(ops, sub(ops, y, target), key.with_stream(kStreamError));
}

// L_j = sum_k B_jk err_k, each product rounded into the learning-signal format and summed with
// saturation (one multiply-accumulate per readout, as a serial unit would do it).
template <class Ops>
inline Num<Ops, Quantity::learning_signal> feedback_sum(
    const Ops& ops, const Num<Ops, Quantity::weight>* B_row,
    const Num<Ops, Quantity::learning_signal>* err, size_t n_outputs, const DrawKey& key) {
  auto L = zero<Quantity::learning_signal>(ops);
  for (size_t k = 0; k < n_outputs; ++k) {
    DrawKey kk = key.with_stream(kStreamFeedback);
    kk.index = static_cast<uint32_t>(key.index * 64u + k);
    L = add(ops, L, mul<Quantity::learning_signal>(ops, B_row[k], err[k], kk));
  }
  return L;
}

// ---- classification errors, float reference ----------------------------------------------------
// err_k = pi_k - target_k for k < n; `target` holds the one-hot pi* (as voltages, 0 or 1).
inline void classification_error(const FloatOps&, ClassificationError kind, const double* y,
                                 const double* target, double* err, size_t n) {
  if (kind == ClassificationError::hard_sigmoid) {
    for (size_t k = 0; k < n; ++k) {
      const double pi = std::fmin(1.0, std::fmax(0.0, 0.5 + 0.25 * y[k]));
      err[k] = pi - target[k];
    }
    return;
  }
  double y_max = y[0];
  for (size_t k = 1; k < n; ++k) y_max = std::fmax(y_max, y[k]);
  double sum = 0.0;
  for (size_t k = 0; k < n; ++k) sum += std::exp(y[k] - y_max);  // shifted: no overflow
  for (size_t k = 0; k < n; ++k) err[k] = std::exp(y[k] - y_max) / sum - target[k];
}

// ---- classification errors, chip ------------------------------------------------------------
// exp(-i / 8) for i = 0..63 in u17.16 (entry 0 is exactly 1.0): 64 words of ROM. Differences
// y_max - y_k beyond 8 map to the last entry (exp(-7.9) = 3.7e-4, below the 2^-12 resolution of
// the learning signal once normalised).
inline constexpr int kExpLutEntries = 64;
inline constexpr int kExpLutStepsPerUnit = 8;  // 3 fraction bits of the index
inline const std::array<uint32_t, kExpLutEntries>& exp_lut_q16() {
  static const std::array<uint32_t, kExpLutEntries> table = [] {
    std::array<uint32_t, kExpLutEntries> t{};
    for (int i = 0; i < kExpLutEntries; ++i)
      t[static_cast<size_t>(i)] =
          static_cast<uint32_t>(std::lround(std::ldexp(std::exp(-i / 8.0), 16)));
    return t;
  }();
  return table;
}

inline void classification_error(const FixedOps& ops, ClassificationError kind,
                                 const Fx<Quantity::voltage>* y, const Fx<Quantity::voltage>* target,
                                 Fx<Quantity::learning_signal>* err, size_t n) {
  const int frac_v = (*ops.q)[Quantity::voltage].frac;
  const int frac_l = (*ops.q)[Quantity::learning_signal].frac;
  // Probabilities and targets in [0, 1] with frac_l fraction bits; exact for the 0/1 targets.
  auto target_l = [&](size_t k) { return round_shift(target[k].raw, frac_v - frac_l, Rounding::nearest, 0); };
  if (kind == ClassificationError::hard_sigmoid) {
    for (size_t k = 0; k < n; ++k) {
      // 1/2 + y/4: the /4 is a shift by two more bits; clamp to [0, 1].
      int64_t pi = round_shift(y[k].raw, frac_v + 2 - frac_l, Rounding::nearest, 0) +
                   (int64_t{1} << (frac_l - 1));
      const int64_t one_l = int64_t{1} << frac_l;
      pi = pi < 0 ? 0 : (pi > one_l ? one_l : pi);
      err[k] = ops.clamp<Quantity::learning_signal>(pi - target_l(k));
    }
    return;
  }
  const auto& lut = exp_lut_q16();
  int32_t y_max = y[0].raw;
  for (size_t k = 1; k < n; ++k) y_max = y[k].raw > y_max ? y[k].raw : y_max;
  int64_t e[64];
  int64_t sum = 0;
  const size_t m = n < 64 ? n : 64;  // the unit serves at most 64 classes
  for (size_t k = 0; k < m; ++k) {
    // index = round((y_max - y_k) * 8), saturating at the table end
    const int64_t idx = round_shift(int64_t{y_max} - y[k].raw, frac_v - 3, Rounding::nearest, 0);
    e[k] = lut[static_cast<size_t>(idx >= kExpLutEntries ? kExpLutEntries - 1 : idx)];
    sum += e[k];
  }
  for (size_t k = 0; k < m; ++k) {
    const int64_t pi = ((e[k] << frac_l) + sum / 2) / sum;  // divide, rounded to nearest
    err[k] = ops.clamp<Quantity::learning_signal>(pi - target_l(k));
  }
}

}  // namespace nchip::arith
