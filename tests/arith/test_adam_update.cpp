// Adam on chip (hw_model/arith/adam_update.hpp): exact fixed-point values of both moments, the
// normalised gradient and the weight step on chosen inputs (default formats: accumulator and m
// s32.16, v u31.6, weight s16.12; betas 1 - 2^-3, 1 - 2^-10); every saturation counted in its
// slot; stochastic rounding of the moments unbiased; order-independent draws; the fixed point
// tracking the same rule in double; the host's bias-corrected rate.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

#include "hw_model/arith/adam_update.hpp"
#include "hw_model/arith/counter_rng.hpp"

using namespace nchip::arith;

namespace {
using W = Fx<Quantity::weight>;
using Acc = Fx<Quantity::update_accumulator>;
using M = Fx<Quantity::adam_m>;
using V = Fx<Quantity::adam_v>;
constexpr AdamShifts kShifts{};
constexpr int32_t kOne = 1 << 16;  // 1.0 in the accumulator's s32.16

DrawKey key_for(uint32_t index) { return DrawKey{0x21, 0, index, 5}; }
}  // namespace

TEST_CASE("adam first moment m + (g - m) / 8 - nearest - exact values") {
  QuantConfig q;
  SaturationCounts counts;
  const FixedOps ops(q, counts);
  CHECK(adam_first_moment(ops, M{0}, Acc{1000}, kShifts, key_for(0)).raw == 125);
  CHECK(adam_first_moment(ops, M{0}, Acc{1001}, kShifts, key_for(0)).raw == 125);   // 125.125
  CHECK(adam_first_moment(ops, M{0}, Acc{4}, kShifts, key_for(0)).raw == 0);        // 0.5: tie to even
  CHECK(adam_first_moment(ops, M{0}, Acc{12}, kShifts, key_for(0)).raw == 2);       // 1.5: tie to even
  CHECK(adam_first_moment(ops, M{800}, Acc{-5000}, kShifts, key_for(0)).raw == 75); // 800 - 725
  CHECK(counts.total() == 0);
}

TEST_CASE("adam second moment v + (g^2 - v) / 1024 in u31.6 - exact values") {
  QuantConfig q;
  SaturationCounts counts;
  const FixedOps ops(q, counts);
  // g = 64: g^2 / 1024 = 4 = 256 LSB of 2^-6.
  CHECK(adam_second_moment(ops, V{0}, Acc{64 * kOne}, kShifts, key_for(0)).raw == 256);
  // g = 10: 100 / 1024 = 6.25 LSB -> 6.
  CHECK(adam_second_moment(ops, V{0}, Acc{10 * kOne}, kShifts, key_for(0)).raw == 6);
  // g = -10 squares the same.
  CHECK(adam_second_moment(ops, V{0}, Acc{-10 * kOne}, kShifts, key_for(0)).raw == 6);
  // v = 32, g = 0: v decays by 1/1024 of itself, 2 LSB.
  CHECK(adam_second_moment(ops, V{2048}, Acc{0}, kShifts, key_for(0)).raw == 2046);  // 2048 - 2
  // The extreme gradient -2^31 squares to 2^62 without overflow: (2^62 - 1) 2^-36 = 2^26 -> clamps.
  CHECK(adam_second_moment(ops, V{0}, Acc{INT32_MIN}, kShifts, key_for(0)).raw == (1 << 26));
  CHECK(counts.total() == 0);
}

TEST_CASE("adam normalised gradient m / sqrt(v) through the LUT - exact values") {
  QuantConfig q;
  SaturationCounts counts;
  const FixedOps ops(q, counts);
  // v = 256 LSB = 4.0: LUT index 64, 1/sqrt(256) ~ 32641 2^-19; u = 125 x 32641 2^-16 = 62.26 -> 62
  // (exact m / sqrt(v) = 125 2^-16 / 2 = 62.5 2^-16: the LUT's -0.39 % at the bottom of interval 64).
  CHECK(adam_ratio_raw(ops, M{125}, V{256}) == 62);
  // v = 0 floors at one LSB (epsilon^2 = 2^-6): 1/sqrt(1) ~ 32641 2^-15, u = 125 x 32641 2^-12 = 996.1.
  CHECK(adam_ratio_raw(ops, M{125}, V{0}) == 996);
  CHECK(adam_ratio_raw(ops, M{-125}, V{1}) == -996);
  CHECK(counts.total() == 0);
}

TEST_CASE("adam step: w - lr_t u rounded once to the weight LSB - m and v advanced in place") {
  QuantConfig q;
  SaturationCounts counts;
  const FixedOps ops(q, counts);
  M m{0};
  V v{2048};  // v = 32: m / sqrt(v) below
  // m -> 125; v -> 2048 + round((2^36 - ... ): g = 1000 2^-16 squares to 2.3e-4, (g^2 - v)/1024 = -2 LSB.
  const W w = adam_step(ops, W{100}, 0, Acc{1000}, m, v, learning_rate_raw(1.0), kShifts, key_for(0));
  CHECK(m.raw == 125);
  CHECK(v.raw == 2046);
  // u = round(125 x T 2^-s) with x = 2046: p = 10, e = -20, M = 2046 2^20, index 127, shift 20;
  // u shift = 16 + 20 - 3 - 16 = 17. Step = u x 2^24 2^-28 = u / 16.
  const uint32_t entry = rsqrt_table()[(uint64_t{2046} << 20) >> 24];
  const int64_t u = std::llround(125.0 * entry / (1 << 17));
  CHECK(adam_ratio_raw(ops, m, v) == u);
  CHECK(w.raw == 100 - std::llround(u / 16.0));
  // The same in real numbers: lr m / sqrt(v) = 125 2^-16 / sqrt(31.97) = 3.37e-4 = 1.38 LSB.
  CHECK(w.raw == 99);
  CHECK(counts.total() == 0);
}

TEST_CASE("adam saturations are counted in the adam_m and adam_v and weight slots") {
  QuantConfig q;
  q[Quantity::adam_m] = {8, 0, true};   // -128 .. 127, frac 0: D = 16
  q[Quantity::adam_v] = {8, 6, false};  // 0 .. 255 LSB of 2^-6
  REQUIRE(adam_format_problem(q).empty());
  SaturationCounts counts;
  const FixedOps ops(q, counts);
  CHECK(adam_first_moment(ops, M{127}, Acc{2000 * kOne}, kShifts, key_for(0)).raw == 127);  // 127 + 234
  CHECK(counts[Quantity::adam_m] == 1);
  CHECK(adam_second_moment(ops, V{0}, Acc{64 * kOne}, kShifts, key_for(0)).raw == 255);  // 256 -> 255
  CHECK(counts[Quantity::adam_v] == 1);

  QuantConfig d;
  SaturationCounts dc;
  const FixedOps dops(d, dc);
  // u = 2^30 x 32641 2^-12 far above 2^29: clamps, counted in adam_v's slot (v too small for m).
  CHECK(adam_ratio_raw(dops, M{1 << 30}, V{0}) == kAdamRatioMaxRaw);
  CHECK(dc[Quantity::adam_v] == 1);
  // A step past the weight's range clamps and counts in the weight slot.
  M m{1 << 30};
  V v{0};
  CHECK(adam_step(dops, W{-32000}, 0, Acc{1 << 30}, m, v, learning_rate_raw(1.0), kShifts, key_for(0)).raw == -32768);
  CHECK(dc[Quantity::weight] == 1);
}

TEST_CASE("adam formats the moment updates cannot run exactly are refused with one line") {
  QuantConfig q;
  CHECK(adam_format_problem(q).empty());
  q[Quantity::adam_m] = {32, 20, true};  // more fraction bits than the accumulator's 16
  CHECK(adam_format_problem(q) ==
        "formats.adam_m: frac 20 must lie in [-14, 16] (at most the update_accumulator's frac, at most 30 bits below it)");
  q = QuantConfig{};
  q[Quantity::adam_v] = {16, 0, false};  // 2 x 16 - 0 = 32 > 30
  CHECK(adam_format_problem(q) ==
        "formats.adam_v: frac 0 must lie in [2, 32] (at most twice the update_accumulator's frac, at most 30 bits below it)");
  q = QuantConfig{};
  q[Quantity::adam_v].is_signed = true;
  CHECK(q.problem() == "formats.adam_v: v is a mean of squares and must be unsigned");
}

TEST_CASE("adam stochastic rounding of m and v is unbiased and keyed by synapse - not visiting order") {
  QuantConfig q;
  q.update_rounding = Rounding::stochastic;
  SaturationCounts counts;
  const FixedOps ops(q, counts);
  constexpr uint32_t kDraws = 40000;
  double m_sum = 0, v_sum = 0;
  for (uint32_t i = 0; i < kDraws; ++i) {
    m_sum += adam_first_moment(ops, M{0}, Acc{4}, kShifts, key_for(i)).raw;           // 0.5 expected
    v_sum += adam_second_moment(ops, V{0}, Acc{10 * kOne}, kShifts, key_for(i)).raw;  // 6.25 expected
  }
  // Standard errors 0.0025 and 0.0022: 8 of them.
  CHECK(std::fabs(m_sum / kDraws - 0.5) < 0.02);
  CHECK(std::fabs(v_sum / kDraws - 6.25) < 0.02);

  // 64 synapses stepped forwards and backwards give the same states and weights.
  auto run = [&](bool reverse) {
    std::vector<int64_t> out(3 * 64);
    for (uint32_t k = 0; k < 64; ++k) {
      const uint32_t s = reverse ? 63 - k : k;
      M m{static_cast<int32_t>(s * 37)};
      V v{static_cast<int32_t>(s * 11)};
      const W w = adam_step(ops, W{0}, 0, Acc{static_cast<int32_t>(s * 977 - 30000)}, m, v, learning_rate_raw(0.01),
                            kShifts, key_for(s));
      out[3 * s] = w.raw;
      out[3 * s + 1] = m.raw;
      out[3 * s + 2] = v.raw;
    }
    return out;
  };
  CHECK(run(false) == run(true));
}

TEST_CASE("adam in fixed point tracks the same rule in double over 300 batches") {
  QuantConfig q;
  q.update_rounding = Rounding::stochastic;
  SaturationCounts counts;
  const FixedOps ops(q, counts);
  M m{0};
  V v{0};
  double md = 0, vd = 0, worst = 0;
  for (uint32_t t = 0; t < 300; ++t) {
    // A gradient with mean 3 and noise of +-40, as an accumulator: both moments matter.
    const double g = 3.0 + 40.0 * (static_cast<double>(counter_random(DrawKey{7, 1, 0, t}) >> 11) / 9007199254740992.0 - 0.5);
    const Acc ga{static_cast<int32_t>(std::lround(g * kOne))};
    const double gq = static_cast<double>(ga.raw) / kOne;
    m = adam_first_moment(ops, m, ga, kShifts, key_for(t));
    v = adam_second_moment(ops, v, ga, kShifts, key_for(t));
    md = adam_first_moment(md, gq, kShifts);
    vd = adam_second_moment(vd, gq, kShifts);
    if (t < 50) continue;  // v's warm-up is where the bias correction (the host's rate) acts
    const double u = static_cast<double>(adam_ratio_raw(ops, m, v)) / (1 << kAdamRatioFrac);
    const double ud = adam_ratio(md, vd, std::ldexp(1.0, -6));
    worst = std::max(worst, std::fabs(u - ud) / std::max(std::fabs(ud), 0.05));
  }
  INFO("worst relative difference of u " << worst);
  CHECK(worst < 0.02);  // the LUT's 0.39 % plus v's stochastic rounding (1 LSB = 2^-6 per batch)
  CHECK(counts.total() == 0);
}

TEST_CASE("adam bias-corrected rate: lr sqrt(1 - beta2^t) / (1 - beta1^t)") {
  CHECK(adam_bias_corrected_lr(1.0, kShifts, 1) == Approx(std::sqrt(1.0 / 1024) * 8));  // 0.25
  CHECK(adam_bias_corrected_lr(0.003, kShifts, 100000) == Approx(0.003));
  CHECK(beta_shift(0.9) == 3);
  CHECK(beta_shift(0.999) == 10);
  CHECK(beta_shift(0.0) == 1);
}
