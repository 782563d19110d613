// Adafactor's factored second moment on chip (hw_model/arith/adafactor_update.hpp): exact values
// of g^2 in v's units, the row/column moment, the normalised gradient g sqrt(S) / sqrt(R C) and the
// step on chosen inputs (default formats: accumulator s32.16, v's LSB 2^-6; beta2 = 1 - 2^-10);
// saturations counted; stochastic rounding of R and C unbiased; the fixed point tracking the
// double twin within the table's error; the host's bias-corrected rate.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>

#include "hw_model/arith/adafactor_update.hpp"

using namespace nchip::arith;

namespace {
using W = Fx<Quantity::weight>;
using Acc = Fx<Quantity::update_accumulator>;
constexpr AdamShifts kShifts{};
constexpr int32_t kOne = 1 << 16;
DrawKey key_for(uint32_t index) { return DrawKey{0x31, 0, index, 2}; }
}  // namespace

TEST_CASE("adafactor: g^2 in v's units - sums and moments - exact values") {
  QuantConfig q;
  SaturationCounts counts;
  const FixedOps ops(q, counts);
  CHECK(factor_square(ops, Acc{kOne}) == 64);        // 1.0^2 = 64 LSB of 2^-6
  CHECK(factor_square(ops, Acc{-3 * kOne}) == 576);  // 9.0
  CHECK(factor_square(ops, Acc{1 << 12}) == 0);      // (1/16)^2 = 2^-8: a quarter LSB -> 0
  CHECK(factor_square(ops, Acc{1 << 13}) == 1);      // (1/8)^2 = 2^-6: one LSB
  CHECK(factor_add(ops, 64, 576) == 640);
  // R + (sum - R) / 1024: 0 + 640 / 1024 = 0.625 -> 1 (nearest); 2048 + (0 - 2048) / 1024 = 2046.
  CHECK(factor_moment(ops, 0, 640, kShifts, key_for(0), kStreamFactorRow) == 1);
  CHECK(factor_moment(ops, 2048, 0, kShifts, key_for(0), kStreamFactorRow) == 2046);
  CHECK(factor_moment(ops, 1024, 1024 + 5 * 1024, kShifts, key_for(0), kStreamFactorColumn) == 1029);
  CHECK(counts.total() == 0);
}

TEST_CASE("adafactor: u = g sqrt(S) / sqrt(R C) through the table - exact values") {
  QuantConfig q;
  SaturationCounts counts;
  const FixedOps ops(q, counts);
  // R = C = S = 256 LSB (4.0): v_hat = 4 x 4 / 4 = 4, u = g / 2. Table: 1/sqrt(256) ~ 32641 2^-19
  // (twice), sqrt(256) ~ (2^30 x 32641) >> 32 = 8160 (x 2^(2 - 11)), so
  // factor = round(32641^2 x 8160 2^-14); u = g_raw x factor 2^-30 (shift 16 + 19 + 19 - 14 - 2 + 11
  // - 3 - 16), so for g = 1.0 u = factor 2^-14 = 0.494 (0.5 less the table's 3 x 0.39 %).
  const int64_t factor = std::llround(32641.0 * 32641.0 * 8160.0 / 16384.0);
  CHECK(adafactor_ratio_raw(ops, Acc{kOne}, 256, 256, 256) == std::llround(double(factor) / 16384.0));
  CHECK(std::fabs(adafactor_ratio_raw(ops, Acc{kOne}, 256, 256, 256) / 65536.0 - 0.5) < 0.5 * 0.012);
  // All three floored at one LSB: v_hat = 2^-6, u = g x 8.
  CHECK(std::fabs(adafactor_ratio_raw(ops, Acc{kOne}, 0, 0, 0) / 65536.0 - 8.0) < 8.0 * 0.012);
  CHECK(counts.total() == 0);
  // A tiny v_hat under a large g: u saturates, counted in adam_v's slot.
  CHECK(adafactor_ratio_raw(ops, Acc{1 << 30}, 0, 0, 0) == kAdamRatioMaxRaw);
  CHECK(counts[Quantity::adam_v] == 1);
}

TEST_CASE("adafactor: step w - lr_t u - and saturations of sums and weights counted") {
  QuantConfig q;
  SaturationCounts counts;
  const FixedOps ops(q, counts);
  // u = g / 2 (above) with g = 1.0 and lr 2^-10: 2^-11 = 2 LSB of s16.12 (times the table's 0.988).
  const W w = adafactor_step(ops, W{100}, 0, Acc{kOne}, 256, 256, 256, learning_rate_raw(std::ldexp(1.0, -10)),
                             key_for(0));
  CHECK(w.raw == 98);
  CHECK(factor_add(ops, kFactorMaxRaw, 1) == kFactorMaxRaw);
  CHECK(counts[Quantity::adam_v] == 1);
  CHECK(adafactor_step(ops, W{-32760}, 0, Acc{kOne}, 0, 0, 0, learning_rate_raw(1.0), key_for(0)).raw == -32768);
  CHECK(counts[Quantity::weight] == 1);
}

TEST_CASE("adafactor: stochastic rounding of R and C is unbiased") {
  QuantConfig q;
  q.update_rounding = Rounding::stochastic;
  SaturationCounts counts;
  const FixedOps ops(q, counts);
  constexpr uint32_t kDraws = 40000;
  double sum = 0;
  for (uint32_t i = 0; i < kDraws; ++i) sum += double(factor_moment(ops, 0, 640, kShifts, key_for(i), kStreamFactorRow));
  CHECK(std::fabs(sum / kDraws - 0.625) < 0.02);  // standard error 0.0024
}

TEST_CASE("adafactor: the fixed point tracks the double twin within the table's error") {
  QuantConfig q;
  SaturationCounts counts;
  const FixedOps ops(q, counts);
  double worst = 0;
  for (uint64_t R : {uint64_t{1}, uint64_t{3}, uint64_t{1000}, uint64_t{123457}, uint64_t{1} << 40})
    for (uint64_t C : {uint64_t{2}, uint64_t{77}, uint64_t{99999}, uint64_t{1} << 30})
      for (uint64_t S : {R, R * 7, R * 1000 + 5}) {
        const Acc g{-123456};
        const double u = adafactor_ratio_raw(ops, g, R, C, S) / 65536.0;
        const double ud = adafactor_ratio(double(g.raw) / kOne, R / 64.0, C / 64.0, S / 64.0, 1.0 / 64);
        if (std::fabs(ud) < 0.1) continue;  // u's 2^-16 rounding would dominate
        worst = std::max(worst, std::fabs(u - ud) / std::fabs(ud));
      }
  INFO("worst relative difference " << worst);
  CHECK(worst < 0.0125);  // three table look-ups of 0.388 % each, plus the truncation of sqrt(S)
  CHECK(adafactor_bias_corrected_lr(1.0, kShifts, 1) == Approx(std::sqrt(1.0 / 1024)));
}
