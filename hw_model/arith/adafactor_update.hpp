// Adafactor's factored second moment (Shazeer & Stern 2018, "Adafactor", Algorithm 4, without
// momentum: beta1 = 0, their recommended setting, so no per-synapse state at all) in the chip's
// form, fixed point and double from this one definition. For a projection with gradient G
// (targets x sources, the batch's accumulators, e-prop eq. 28 summed over the batch):
//   R_j <- R_j + (sum_i G_ji^2 - R_j) 2^-s2          one word per target (row)
//   C_i <- C_i + (sum_j G_ji^2 - C_i) 2^-s2          one word per source (column)
//   v_ji = R_j C_i / S,  S = sum_j R_j                 never stored
//   w_ji <- w_ji - lr_t G_ji / sqrt(v_ji)  =  w - lr_t G sqrt(S) / (sqrt(R_j) sqrt(C_i))
// Memory: (targets + sources) words per projection instead of targets x sources (Adam's v).
// beta2 = 1 - 2^-s2 as Adam's (adam_update.hpp); bias correction lr_t = lr sqrt(1 - beta2^t),
// computed per batch by the host controller (adafactor_bias_corrected_lr).
//
// Fixed point: R, C and S are unsigned integers in units of the adam_v format's LSB, held in
// 48-bit registers (kFactorMaxRaw; a sum over a whole row or column of squared accumulators
// outgrows v's 31 bits), saturating, counted in the adam_v slot. g^2 is converted to v's units
// with nearest rounding (the datapath's, order-independent: the sums are of integers); R and C
// move per update_rounding (stochastic: unbiased). 1 / sqrt(R), 1 / sqrt(C) and sqrt(S) come from
// the rsqrt table (rsqrt_lut.hpp; each within 0.388 %, sqrt(S) + 2^-13 for its truncation), each
// floored at one LSB (Adam's epsilon convention). The normalised gradient u has kAdamRatioFrac
// fraction bits and the weight step is Adam's (one rounding to the weight LSB).
#pragma once

#include <cmath>
#include <cstdint>

#include "hw_model/arith/adam_update.hpp"
#include "hw_model/arith/rsqrt_lut.hpp"

namespace nchip::arith {

// Width of one row or column register: the chip reserves one per (projection, target) and per
// (projection, source) in the memory of each core that holds the projection's plastic synapses
// (compiler/passes/usage.hpp counts them; the chip image records the width, version 5).
inline constexpr uint32_t kFactorRegisterBits = 48;
inline constexpr uint64_t kFactorMaxRaw = (uint64_t{1} << kFactorRegisterBits) - 1;

enum FactorStream : uint32_t {
  kStreamFactorRow = 39,     // stochastic rounding of R's update
  kStreamFactorColumn = 40,  // stochastic rounding of C's update
};

// Host controller: the bias-corrected rate of batch t (t >= 1); no first moment, so only v's term.
inline double adafactor_bias_corrected_lr(double lr, AdamShifts b, uint64_t t) {
  const double beta2 = 1.0 - std::ldexp(1.0, -b.beta2_shift);
  return lr * std::sqrt(1.0 - std::pow(beta2, static_cast<double>(t)));
}

// ---- float twin (exact sqrt; the float reference's Adafactor, runtime/train/optimizer.hpp) ------

inline double factor_moment(double stat, double sum, AdamShifts b) { return stat + std::ldexp(sum - stat, -b.beta2_shift); }
// u = g sqrt(S / (R C)), each statistic floored at `floor` (the chip: one LSB of v).
inline double adafactor_ratio(double g, double R, double C, double S, double floor) {
  const auto at_least = [&](double x) { return x > floor ? x : floor; };
  return g * std::sqrt(at_least(S) / (at_least(R) * at_least(C)));
}

// ---- fixed point -----------------------------------------------------------------------------

// g^2 in v's units (nearest), capped at kFactorMaxRaw (counted).
inline uint64_t factor_square(const FixedOps& ops, Fx<Quantity::update_accumulator> g) {
  const int D = 2 * (*ops.q)[Quantity::update_accumulator].frac - (*ops.q)[Quantity::adam_v].frac;
  constexpr int64_t kBelow62 = (int64_t{1} << 62) - 1;
  const int64_t g2 = std::min<int64_t>(int64_t{g.raw} * int64_t{g.raw}, kBelow62);
  return static_cast<uint64_t>(
      saturate(round_shift(g2, D, Rounding::nearest, 0), 0, kFactorMaxRaw, ops.sat->count[index_of(Quantity::adam_v)]));
}

// a + b, capped at kFactorMaxRaw (counted): a row or column sum, and S.
inline uint64_t factor_add(const FixedOps& ops, uint64_t a, uint64_t b) {
  const uint64_t sum = a + b;  // both <= 2^48: no wrap
  if (sum <= kFactorMaxRaw) return sum;
  ops.sat->add(Quantity::adam_v);
  return kFactorMaxRaw;
}

// stat + round((sum - stat) 2^-s2) per update_rounding; `stream` is kStreamFactorRow or
// kStreamFactorColumn, `key` names the row or column.
inline uint64_t factor_moment(const FixedOps& ops, uint64_t stat, uint64_t sum, AdamShifts b, const DrawKey& key,
                              uint32_t stream) {
  const Rounding mode = ops.q->update_rounding;
  const uint64_t bits = mode == Rounding::stochastic ? counter_random(key.with_stream(stream)) : 0;
  const int64_t d = static_cast<int64_t>(sum) - static_cast<int64_t>(stat);  // |d| < 2^48
  return static_cast<uint64_t>(static_cast<int64_t>(stat) + round_shift(d, b.beta2_shift, mode, bits));
}

// u = g sqrt(S) / (sqrt(R) sqrt(C)) with kAdamRatioFrac fraction bits (nearest), saturated to
// +-kAdamRatioMaxRaw (counted in the adam_v slot).
inline int64_t adafactor_ratio_raw(const FixedOps& ops, Fx<Quantity::update_accumulator> g, uint64_t R, uint64_t C,
                                   uint64_t S) {
  const int fv = (*ops.q)[Quantity::adam_v].frac;
  const int odd = fv & 1;  // an odd frac: every statistic x 2, v_hat x 2 with frac + 1
  const auto floored = [&](uint64_t x) { return (x > 0 ? x : 1) << odd; };
  const RsqrtApprox r = rsqrt_lut(floored(R)), c = rsqrt_lut(floored(C));
  // sqrt(S) = S / sqrt(S): M x entry = sqrt(M) 2^30, its top bits from bit 32 (14 bits).
  const uint64_t s_in = floored(S);
  const int p = leading_one(s_in);
  const int e = (p - 30) % 2 == 0 ? p - 30 : p - 31;
  const uint64_t M = e >= 0 ? s_in >> e : s_in << -e;
  const uint64_t sqrt_s = (M * rsqrt_table()[M >> 24]) >> 32;  // sqrt(S) = sqrt_s 2^(2 + e/2)
  const int64_t rc = int64_t{r.mantissa} * int64_t{c.mantissa};                    // < 2^30
  const int64_t factor = round_shift(rc * static_cast<int64_t>(sqrt_s), 14, Rounding::nearest, 0);  // < 2^30
  // 1 / sqrt(v_hat) = factor 2^(14 - r.shift - c.shift + 2 + e/2) 2^((fv + odd) / 2); g = raw 2^-fa.
  const int shift = (*ops.q)[Quantity::update_accumulator].frac + r.shift + c.shift - 14 - 2 - e / 2 -
                    (fv + odd) / 2 - kAdamRatioFrac;
  const int64_t u = round_shift(int64_t{g.raw} * factor, shift, Rounding::nearest, 0);
  return saturate(u, -kAdamRatioMaxRaw, kAdamRatioMaxRaw, ops.sat->count[index_of(Quantity::adam_v)]);
}

// One synapse's step from its row's R, its column's C and the projection's S (already advanced
// for this batch): w - lr_t u, rounded once to the weight LSB (saturation counted).
inline Fx<Quantity::weight> adafactor_step(const FixedOps& ops, Fx<Quantity::weight> w, int exponent,
                                           Fx<Quantity::update_accumulator> g, uint64_t R, uint64_t C, uint64_t S,
                                           uint32_t lr_raw, const DrawKey& key) {
  const int64_t u = adafactor_ratio_raw(ops, g, R, C, S);
  const int shift = kAdamRatioFrac + kLearningRateFrac - (*ops.q)[Quantity::weight].frac + exponent;
  const Rounding mode = ops.q->update_rounding;
  const uint64_t bits = mode == Rounding::stochastic ? counter_random(key.with_stream(kStreamWeightUpdate)) : 0;
  return ops.clamp<Quantity::weight>(int64_t{w.raw} - round_shift(u * int64_t{lr_raw}, shift, mode, bits));
}

}  // namespace nchip::arith
