// Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms", Algorithm 2) in the
// chip's form, fixed point and float from this one definition:
//   c = beta1 m + (1 - beta1) g        direction: the sign of an interpolated momentum
//   w <- w - lr sign(c)                the sign update's step (weight_update.hpp sign_step)
//   m <- beta2 m + (1 - beta2) g       one state word per synapse
// g is the batch's accumulated e-prop gradient (eq. 28 summed over the batch). Betas are
// 1 - 2^-shift, so beta m + (1 - beta) g = m + (g - m) 2^-shift: a subtract, a shift and an add,
// no multiplier (the paper's 0.9 / 0.99 become 0.875 / 0.9922 with shifts 3 / 7).
// Why a chip wants it: the sign step normalizes every synapse for free (no second moment, no
// divider), and the momentum averages the batch gradient's noise over ~2^beta2_shift batches, which
// plain sign SGD cannot (its step is as large on a noise-only synapse as on a useful one).
//
// State format: m is stored in the update_accumulator's format (QuantConfig formats
// .update_accumulator): it is an average of batch accumulators, so it has their scale and range;
// its saturations are counted in that quantity's slot. Bits per synapse: + the accumulator width.
#pragma once

#include <cmath>
#include <cstdint>

#include "hw_model/arith/ops.hpp"
#include "hw_model/arith/weight_update.hpp"

namespace nchip::arith {

struct LionBetas {
  int beta1_shift = 3;  // beta1 = 1 - 2^-3 = 0.875 (paper 0.9)
  int beta2_shift = 7;  // beta2 = 1 - 2^-7 = 0.9922 (paper 0.99)
};

inline constexpr uint32_t kStreamLionMomentum = 36;  // stochastic rounding of m's update

// ---- float reference -------------------------------------------------------------------------

// The sign of c = beta1 m + (1 - beta1) g, as -1, 0 or +1.
inline int lion_direction(double m, double g, LionBetas b) {
  const double c = m + std::ldexp(g - m, -b.beta1_shift);
  return c > 0 ? 1 : c < 0 ? -1 : 0;
}
inline double lion_momentum(double m, double g, LionBetas b) { return m + std::ldexp(g - m, -b.beta2_shift); }

// ---- fixed point -----------------------------------------------------------------------------

// sign(c) exactly: 2^s1 c = (2^s1 - 1) m + g, an int64 compare with no rounding (|m|, |g| < 2^31,
// s1 <= 16 keeps it below 2^48).
inline int lion_direction(Fx<Quantity::update_accumulator> m, Fx<Quantity::update_accumulator> g, LionBetas b) {
  const int64_t c = ((int64_t{1} << b.beta1_shift) - 1) * int64_t{m.raw} + int64_t{g.raw};
  return c > 0 ? 1 : c < 0 ? -1 : 0;
}

// m + (g - m) 2^-s2 rounded per update_rounding (stochastic: unbiased, so a small g keeps moving
// m; nearest would freeze m once |g - m| < 2^(s2 - 1) LSB), then saturated (counted).
inline Fx<Quantity::update_accumulator> lion_momentum(const FixedOps& ops, Fx<Quantity::update_accumulator> m,
                                                      Fx<Quantity::update_accumulator> g, LionBetas b,
                                                      const DrawKey& key) {
  const Rounding mode = ops.q->update_rounding;
  const uint64_t bits = mode == Rounding::stochastic ? counter_random(key.with_stream(kStreamLionMomentum)) : 0;
  const int64_t d = int64_t{g.raw} - int64_t{m.raw};
  return ops.clamp<Quantity::update_accumulator>(int64_t{m.raw} + round_shift(d, b.beta2_shift, mode, bits));
}

// One synapse's Lion step: moves w by lr against sign(c) (sign_step's rounding of lr to the
// weight LSB, its saturation count) and advances m in place.
inline Fx<Quantity::weight> lion_step(const FixedOps& ops, Fx<Quantity::weight> w, int exponent,
                                      Fx<Quantity::update_accumulator> g, Fx<Quantity::update_accumulator>& m,
                                      uint32_t lr_raw, LionBetas b, const DrawKey& key) {
  const int direction = lion_direction(m, g, b);
  m = lion_momentum(ops, m, g, b, key);
  return sign_step(ops, w, exponent, Fx<Quantity::update_accumulator>{direction}, lr_raw, key);
}

}  // namespace nchip::arith
