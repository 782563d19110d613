// Applying e-prop weight changes on the chip (fixed point only; the float reference's SGD/Adam
// runs on the host, runtime/train/optimizer.hpp).
//
// Learning rate: a fixed-point multiplier lr = lr_raw * 2^-kLearningRateFrac (u32.24, so
// 0.003 is stored as 50332 with 0.0007 % error; down to 6e-8). A pure shift (lr = 2^-s) is the
// special case lr_raw = 2^(24 - s). The product accumulator * lr_raw is exact in int64
// (|acc| < 2^31, lr_raw < 2^32 gives < 2^63) and is rounded once to the weight LSB with the
// QuantConfig's update_rounding. Weights carry their projection's exponent e (a raw step is worth
// 2^(e - frac) real, ops.hpp), so the shift to the weight LSB includes e. Stochastic rounding
// draws from the counter RNG keyed by the caller with (synapse, iteration), so the result never
// depends on visiting order.
#pragma once

#include <cmath>
#include <cstdint>

#include "hw_model/arith/ops.hpp"

namespace nchip::arith {

inline constexpr int kLearningRateFrac = 24;

enum WeightUpdateStream : uint32_t {
  kStreamWeightUpdate = 32,   // batch SGD rounding
  kStreamOnlineUpdate = 33,   // factored scheme: the +-1 LSB draw
  kStreamOnlineProduct = 34,  // factored scheme: L * e
  kStreamOnlineEligibility = 35,
};

// Nearest raw learning rate; InputError-free: callers validate 0 < lr < 256 first.
inline uint32_t learning_rate_raw(double lr) {
  const double raw = std::ldexp(lr, kLearningRateFrac);
  return raw < 1.0 ? 1u : raw > 4294967295.0 ? 4294967295u : static_cast<uint32_t>(std::lround(raw));
}

// w <- saturate(w - round(lr * acc)) (SGD, applied at the end of a batch). Saturation is counted
// in the weight slot of ops.sat and never wraps.
inline Fx<Quantity::weight> sgd_step(const FixedOps& ops, Fx<Quantity::weight> w,
                                     int exponent, Fx<Quantity::update_accumulator> acc,
                                     uint32_t lr_raw, const DrawKey& key) {
  const int shift = (*ops.q)[Quantity::update_accumulator].frac + kLearningRateFrac -
                    (*ops.q)[Quantity::weight].frac + exponent;
  const Rounding mode = ops.q->update_rounding;
  const uint64_t bits = mode == Rounding::stochastic
                            ? counter_random(key.with_stream(kStreamWeightUpdate)) : 0;
  const int64_t delta = round_shift(int64_t{acc.raw} * int64_t{lr_raw}, shift, mode, bits);
  return ops.clamp<Quantity::weight>(int64_t{w.raw} - delta);
}

// Sign update (signSGD, Bernstein et al. 2018): w <- saturate(w - lr * sign(acc)), applied at the
// end of a batch like sgd_step and from the same accumulator. Why a chip wants it: the batch
// gradient of store-recall spans ~20x in RMS between input, recurrent and output weights
// (bench/README.md), so no single SGD rate serves all three, and Adam, which fixes that by
// normalizing every synapse, needs two more words per synapse. The sign step normalizes for free
// (a compare and an add, no multiplier) and moves every synapse with a nonzero accumulator by the
// same lr. lr is converted to weight LSBs once (u32.24 -> the weight's raw step 2^(e - frac)),
// rounded per update_rounding: stochastic rounding keeps the expected step lr when lr is below an
// LSB (8-bit weights), nearest rounds such a step to zero.
inline Fx<Quantity::weight> sign_step(const FixedOps& ops, Fx<Quantity::weight> w, int exponent,
                                      Fx<Quantity::update_accumulator> acc, uint32_t lr_raw,
                                      const DrawKey& key) {
  if (acc.raw == 0) return w;
  const int shift = kLearningRateFrac - (*ops.q)[Quantity::weight].frac + exponent;
  const Rounding mode = ops.q->update_rounding;
  const uint64_t bits = mode == Rounding::stochastic
                            ? counter_random(key.with_stream(kStreamWeightUpdate)) : 0;
  const int64_t step = round_shift(int64_t{lr_raw}, shift, mode, bits);
  return ops.clamp<Quantity::weight>(int64_t{w.raw} + (acc.raw > 0 ? -step : step));
}

// Factored online scheme (ReckOn-style): the weight moves by one LSB against the sign of the
// gradient g = L * e with probability min(1, lr |g| / LSB_w), so its expectation is -lr g as long
// as lr |g| stays below one LSB; larger steps are clipped to one LSB (the chip's update is an
// increment/decrement). Returns the new weight; saturation is counted, never wrapped.
inline Fx<Quantity::weight> online_lsb_step(const FixedOps& ops, Fx<Quantity::weight> w,
                                            int exponent, Fx<Quantity::update_accumulator> g,
                                            uint32_t lr_raw, const DrawKey& key) {
  if (g.raw == 0) return w;
  const int shift = (*ops.q)[Quantity::update_accumulator].frac + kLearningRateFrac -
                    (*ops.q)[Quantity::weight].frac + exponent;
  const uint64_t magnitude = static_cast<uint64_t>(g.raw < 0 ? -int64_t{g.raw} : int64_t{g.raw}) *
                             uint64_t{lr_raw};
  bool move = true;
  if (shift > 0 && shift < 63 && magnitude < (uint64_t{1} << shift)) {
    const uint64_t draw = counter_random(key.with_stream(kStreamOnlineUpdate)) & ((uint64_t{1} << shift) - 1);
    move = draw < magnitude;
  }
  if (!move) return w;
  return ops.clamp<Quantity::weight>(int64_t{w.raw} + (g.raw > 0 ? -1 : 1));
}

}  // namespace nchip::arith
