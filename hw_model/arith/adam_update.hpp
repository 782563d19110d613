// Adam (Kingma & Ba 2014, Algorithm 1) in the chip's form, the update the e-prop paper trains with
// (Bellec et al. 2020, Methods "Details to simulations": Adam on the e-prop gradient, eq. 28 summed
// over the batch). Per plastic synapse, at the end of a batch with accumulated gradient g:
//   m <- m + (g - m) 2^-s1            beta1 = 1 - 2^-s1 (default s1 = 3: 0.875, paper 0.9)
//   v <- v + (g^2 - v) 2^-s2          beta2 = 1 - 2^-s2 (default s2 = 10: 0.99902, paper 0.999)
//   w <- w - lr_t m / sqrt(max(v, LSB_v))
// Betas as shifts: each moment update is a subtract, a shift and an add (as Lion's m).
// Bias correction is folded into one per-iteration constant the host controller computes and
// loads into the rate register (adam_bias_corrected_lr): lr_t = lr sqrt(1 - beta2^t) / (1 - beta1^t),
// Kingma & Ba's "more efficient" form of Algorithm 1 (section 2). Epsilon: the chip floors v at one
// LSB of its format (adam_v), i.e. epsilon^2 = LSB_v, instead of adding epsilon to sqrt(v); the
// float reference (runtime/train/optimizer.hpp AdamOptimizer) keeps the exact 1 / (sqrt(v) + eps)
// with the paper's betas and exact bias correction.
// 1 / sqrt(v) comes from the shift-and-LUT approximation rsqrt_lut.hpp (max relative error
// kRsqrtMaxRelError = 0.388 %), multiplied by m into the normalised gradient u = m / sqrt(v) (a
// datapath register with kAdamRatioFrac fraction bits, nearest rounding), then u lr_t is rounded
// once to the weight LSB per update_rounding like sgd_step.
//
// State: m in the adam_m format, v in the adam_v format (QuantConfig; defaults s32.16 and u31.6:
// 63 bits per plastic synapse). The moment updates round per update_rounding (stochastic:
// unbiased, so small gradients keep moving the moments; nearest freezes v while
// |g^2 - v| < 2^(s2 - 1) LSB_v) and saturate, counted in the adam_m / adam_v slots; a u that
// does not fit its register saturates too, counted in the adam_v slot (v too small for m).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>

#include "hw_model/arith/ops.hpp"
#include "hw_model/arith/quant_config.hpp"
#include "hw_model/arith/rsqrt_lut.hpp"
#include "hw_model/arith/weight_update.hpp"

namespace nchip::arith {

struct AdamShifts {
  int beta1_shift = 3;   // beta1 = 1 - 2^-3 = 0.875
  int beta2_shift = 10;  // beta2 = 1 - 2^-10 = 0.99902
};

// The chip's shift for a float beta: the nearest power of two to 1 - beta (0.9 -> 3, 0.999 -> 10),
// in 1..16.
inline int beta_shift(double beta) {
  const int s = static_cast<int>(std::lround(-std::log2(1.0 - beta)));
  return s < 1 ? 1 : s > 16 ? 16 : s;
}

enum AdamStream : uint32_t {
  kStreamAdamM = 37,  // stochastic rounding of m's update
  kStreamAdamV = 38,  // stochastic rounding of v's update (the weight step uses kStreamWeightUpdate)
};

inline constexpr int kAdamRatioFrac = 16;                          // u = m / sqrt(v): s.16
inline constexpr int64_t kAdamRatioMaxRaw = (int64_t{1} << 29) - 1;  // |u| < 8192, u x lr_raw < 2^62

// Host controller: the bias-corrected rate of batch t (t >= 1) with the chip's betas.
inline double adam_bias_corrected_lr(double lr, AdamShifts b, uint64_t t) {
  const double beta1 = 1.0 - std::ldexp(1.0, -b.beta1_shift), beta2 = 1.0 - std::ldexp(1.0, -b.beta2_shift);
  const double td = static_cast<double>(t);
  return lr * std::sqrt(1.0 - std::pow(beta2, td)) / (1.0 - std::pow(beta1, td));
}

// Empty when the moment updates can run exactly in int64 with `q`'s formats, else one line: m may
// not have more fraction bits than the accumulator (nor v than its square), and the shift from
// one to the other is at most 30 bits. Checked where --optimizer adam is chosen.
inline std::string adam_format_problem(const QuantConfig& q) {
  const int fa = q[Quantity::update_accumulator].frac;
  const int dm = fa - q[Quantity::adam_m].frac, dv = 2 * fa - q[Quantity::adam_v].frac;
  if (dm < 0 || dm > 30)
    return "formats.adam_m: frac " + std::to_string(q[Quantity::adam_m].frac) + " must lie in [" +
           std::to_string(fa - 30) + ", " + std::to_string(fa) +
           "] (at most the update_accumulator's frac, at most 30 bits below it)";
  if (dv < 0 || dv > 30)
    return "formats.adam_v: frac " + std::to_string(q[Quantity::adam_v].frac) + " must lie in [" +
           std::to_string(2 * fa - 30) + ", " + std::to_string(2 * fa) +
           "] (at most twice the update_accumulator's frac, at most 30 bits below it)";
  return {};
}

// ---- float twin (the same rule in double, exact 1 / sqrt; tests compare the fixed point to it) ---

inline double adam_first_moment(double m, double g, AdamShifts b) { return m + std::ldexp(g - m, -b.beta1_shift); }
inline double adam_second_moment(double v, double g, AdamShifts b) {
  return v + std::ldexp(g * g - v, -b.beta2_shift);
}
// u = m / sqrt(max(v, v_floor)): the chip's normalised gradient with its epsilon convention.
inline double adam_ratio(double m, double v, double v_floor) { return m / std::sqrt(v > v_floor ? v : v_floor); }

// ---- fixed point -----------------------------------------------------------------------------

// m + round((g - m) 2^-s1), g converted exactly to m's units first (adam_format_problem).
inline Fx<Quantity::adam_m> adam_first_moment(const FixedOps& ops, Fx<Quantity::adam_m> m,
                                              Fx<Quantity::update_accumulator> g, AdamShifts b, const DrawKey& key) {
  const int D = (*ops.q)[Quantity::update_accumulator].frac - (*ops.q)[Quantity::adam_m].frac;
  const Rounding mode = ops.q->update_rounding;
  const uint64_t bits = mode == Rounding::stochastic ? counter_random(key.with_stream(kStreamAdamM)) : 0;
  const int64_t d = int64_t{g.raw} - int64_t{m.raw} * (int64_t{1} << D);  // in the accumulator's units
  return ops.clamp<Quantity::adam_m>(int64_t{m.raw} + round_shift(d, b.beta1_shift + D, mode, bits));
}

// v + round((g^2 - v) 2^-s2), g^2 exact in int64 (units 2^-2 frac(acc)).
inline Fx<Quantity::adam_v> adam_second_moment(const FixedOps& ops, Fx<Quantity::adam_v> v,
                                               Fx<Quantity::update_accumulator> g, AdamShifts b, const DrawKey& key) {
  const int D = 2 * (*ops.q)[Quantity::update_accumulator].frac - (*ops.q)[Quantity::adam_v].frac;
  const Rounding mode = ops.q->update_rounding;
  const uint64_t bits = mode == Rounding::stochastic ? counter_random(key.with_stream(kStreamAdamV)) : 0;
  constexpr int64_t kBelow62 = (int64_t{1} << 62) - 1;  // g = -2^31 squares to 2^62
  const int64_t g2 = std::min<int64_t>(int64_t{g.raw} * int64_t{g.raw}, kBelow62);
  const int64_t d = g2 - int64_t{v.raw} * (int64_t{1} << D);
  return ops.clamp<Quantity::adam_v>(int64_t{v.raw} + round_shift(d, b.beta2_shift + D, mode, bits));
}

// u = m / sqrt(max(v, 1 LSB)) with kAdamRatioFrac fraction bits (nearest), saturated to
// +-kAdamRatioMaxRaw and counted in the adam_v slot.
inline int64_t adam_ratio_raw(const FixedOps& ops, Fx<Quantity::adam_m> m, Fx<Quantity::adam_v> v) {
  const int fv = (*ops.q)[Quantity::adam_v].frac;
  const int odd = fv & 1;  // an odd frac: v 2^1 with frac + 1, so sqrt's 2^(frac / 2) stays a shift
  const uint64_t x = static_cast<uint64_t>(v.raw > 0 ? v.raw : 1) << odd;
  const RsqrtApprox r = rsqrt_lut(x);
  const int shift = (*ops.q)[Quantity::adam_m].frac + r.shift - (fv + odd) / 2 - kAdamRatioFrac;
  const int64_t u = round_shift(int64_t{m.raw} * int64_t{r.mantissa}, shift, Rounding::nearest, 0);
  return saturate(u, -kAdamRatioMaxRaw, kAdamRatioMaxRaw, ops.sat->count[index_of(Quantity::adam_v)]);
}

// One synapse's Adam step: advances m and v in place, then moves w by lr_t u (lr_raw is the
// bias-corrected rate register, u32.24), rounded once to the weight LSB (saturation counted in
// the weight slot).
inline Fx<Quantity::weight> adam_step(const FixedOps& ops, Fx<Quantity::weight> w, int exponent,
                                      Fx<Quantity::update_accumulator> g, Fx<Quantity::adam_m>& m,
                                      Fx<Quantity::adam_v>& v, uint32_t lr_raw, AdamShifts b, const DrawKey& key) {
  m = adam_first_moment(ops, m, g, b, key);
  v = adam_second_moment(ops, v, g, b, key);
  const int64_t u = adam_ratio_raw(ops, m, v);
  const int shift = kAdamRatioFrac + kLearningRateFrac - (*ops.q)[Quantity::weight].frac + exponent;
  const Rounding mode = ops.q->update_rounding;
  const uint64_t bits = mode == Rounding::stochastic ? counter_random(key.with_stream(kStreamWeightUpdate)) : 0;
  return ops.clamp<Quantity::weight>(int64_t{w.raw} - round_shift(u * int64_t{lr_raw}, shift, mode, bits));
}

}  // namespace nchip::arith
