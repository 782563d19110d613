// Lion on chip (hw_model/arith/lion_update.hpp): exact fixed-point values of the direction, the
// momentum and the weight step on chosen inputs; saturation counted; stochastic rounding of the
// momentum unbiased; the float reference's rule (same header) agreeing with the fixed one.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>

#include "hw_model/arith/lion_update.hpp"

using namespace nchip::arith;

namespace {
using W = Fx<Quantity::weight>;  // s16.12
using Acc = Fx<Quantity::update_accumulator>;  // s32.16
constexpr LionBetas kBetas{};  // shifts 3 and 7: beta1 = 0.875, beta2 = 0.9921875

DrawKey key_for(uint32_t index) { return DrawKey{0x11, 0, index, 3}; }
}  // namespace

TEST_CASE("lion direction is the exact sign of beta1 m + (1 - beta1) g") {
  // 8 c = 7 m + g.
  CHECK(lion_direction(Acc{0}, Acc{5}, kBetas) == 1);
  CHECK(lion_direction(Acc{10}, Acc{-69}, kBetas) == 1);   // 70 - 69
  CHECK(lion_direction(Acc{10}, Acc{-70}, kBetas) == 0);   // exactly 0: no step
  CHECK(lion_direction(Acc{10}, Acc{-71}, kBetas) == -1);
  // The momentum outvotes a single opposite gradient up to 7x its size.
  CHECK(lion_direction(Acc{800}, Acc{-5000}, kBetas) == 1);
  // Extremes: no int64 overflow.
  const int32_t hi = std::numeric_limits<int32_t>::max(), lo = std::numeric_limits<int32_t>::min();
  CHECK(lion_direction(Acc{hi}, Acc{lo}, kBetas) == 1);
  CHECK(lion_direction(Acc{lo}, Acc{hi}, kBetas) == -1);
}

TEST_CASE("lion momentum m + (g - m) / 128 with nearest rounding, exact values") {
  QuantConfig q;  // update_rounding nearest (ties to even)
  SaturationCounts counts;
  const FixedOps ops(q, counts);
  CHECK(lion_momentum(ops, Acc{0}, Acc{1000}, kBetas, key_for(0)).raw == 8);    // 7.8125
  CHECK(lion_momentum(ops, Acc{100}, Acc{-28}, kBetas, key_for(0)).raw == 99);  // -1 exactly
  CHECK(lion_momentum(ops, Acc{0}, Acc{64}, kBetas, key_for(0)).raw == 0);      // 0.5, tie to even
  CHECK(lion_momentum(ops, Acc{0}, Acc{65}, kBetas, key_for(0)).raw == 1);
  CHECK(lion_momentum(ops, Acc{0}, Acc{192}, kBetas, key_for(0)).raw == 2);     // 1.5, tie to even
  CHECK(lion_momentum(ops, Acc{800}, Acc{-5000}, kBetas, key_for(0)).raw == 755);  // -45.3125
  // A convex combination of two in-range values stays in range: nothing saturates, no overflow.
  const int32_t hi = std::numeric_limits<int32_t>::max(), lo = std::numeric_limits<int32_t>::min();
  CHECK(lion_momentum(ops, Acc{lo}, Acc{hi}, kBetas, key_for(0)).raw == lo + (1 << 25));
  CHECK(lion_momentum(ops, Acc{hi}, Acc{hi}, kBetas, key_for(0)).raw == hi);
  CHECK(counts[Quantity::update_accumulator] == 0);
}

TEST_CASE("lion momentum saturates in a narrower accumulator only when g is outside it, counted") {
  // m is stored in the update_accumulator format; a narrowed format (--quant) clamps it and counts
  // it in that slot. g itself arrives clamped by the accumulator, so only a hand-built g can do it.
  QuantConfig q;
  q[Quantity::update_accumulator] = {8, 0, true};  // -128 .. 127
  SaturationCounts counts;
  const FixedOps ops(q, counts);
  CHECK(lion_momentum(ops, Acc{127}, Acc{127 + 128 * 4}, kBetas, key_for(0)).raw == 127);
  CHECK(counts[Quantity::update_accumulator] == 1);
  CHECK(lion_momentum(ops, Acc{100}, Acc{127}, kBetas, key_for(0)).raw == 100);  // 27/128 rounds to 0
  CHECK(counts[Quantity::update_accumulator] == 1);
}

TEST_CASE("lion step moves the weight by lr against the direction and advances m in place") {
  QuantConfig q;
  SaturationCounts counts;
  const FixedOps ops(q, counts);
  const uint32_t lr = learning_rate_raw(0.003);  // 12.29 LSBs at exponent 0 -> 12
  Acc m{0};
  W w = lion_step(ops, W{100}, 0, Acc{1000}, m, lr, kBetas, key_for(0));
  CHECK(w.raw == 88);
  CHECK(m.raw == 8);
  w = lion_step(ops, w, 0, Acc{1000}, m, lr, kBetas, key_for(0));
  CHECK(w.raw == 76);
  CHECK(m.raw == 16);  // 8 + 7.75
  // The momentum keeps the direction against one opposite gradient (sign_step would step up).
  m = Acc{800};
  CHECK(lion_step(ops, W{100}, 0, Acc{-5000}, m, lr, kBetas, key_for(0)).raw == 88);
  CHECK(m.raw == 755);
  // Exponent 2: 3 LSBs; direction 0 leaves the weight.
  m = Acc{10};
  CHECK(lion_step(ops, W{100}, 2, Acc{-70}, m, lr, kBetas, key_for(0)).raw == 100);
  CHECK(m.raw == 9);  // 10 + round(-80 / 128 = -0.625)
}

TEST_CASE("lion step saturates the weight at its rails and counts it") {
  QuantConfig q;
  SaturationCounts counts;
  const FixedOps ops(q, counts);
  const uint32_t lr = learning_rate_raw(0.003);
  Acc m{0};
  CHECK(lion_step(ops, W{32760}, 0, Acc{-1}, m, lr, kBetas, key_for(0)).raw == 32767);
  m = Acc{0};
  CHECK(lion_step(ops, W{-32760}, 0, Acc{1}, m, lr, kBetas, key_for(0)).raw == -32768);
  CHECK(counts[Quantity::weight] == 2);
}

TEST_CASE("lion momentum with stochastic rounding is unbiased and keyed per synapse") {
  QuantConfig q;
  q.update_rounding = Rounding::stochastic;
  SaturationCounts counts;
  const FixedOps ops(q, counts);
  // g - m = 10 LSB: the exact step is 10/128 = 0.078125 LSB, which nearest rounding loses.
  const int n = 40000;
  int64_t sum = 0;
  for (uint32_t i = 0; i < n; ++i) sum += lion_momentum(ops, Acc{0}, Acc{10}, kBetas, key_for(i)).raw;
  const double mean = double(sum) / n;
  CHECK(mean == Approx(10.0 / 128).margin(0.005));  // binomial sd 0.0013
  // Same key, same draw (order of visits cannot matter); another synapse draws independently.
  for (uint32_t i = 0; i < 100; ++i)
    CHECK(lion_momentum(ops, Acc{0}, Acc{10}, kBetas, key_for(i)).raw ==
          lion_momentum(ops, Acc{0}, Acc{10}, kBetas, key_for(i)).raw);
}

TEST_CASE("float and fixed lion follow the same rule") {
  QuantConfig q;
  SaturationCounts counts;
  const FixedOps ops(q, counts);
  uint64_t state = 12345;
  for (int i = 0; i < 5000; ++i) {
    state = splitmix64_mix(state);
    const auto m = static_cast<int32_t>(static_cast<int64_t>(state % 200001) - 100000);
    state = splitmix64_mix(state);
    const auto g = static_cast<int32_t>(static_cast<int64_t>(state % 2000001) - 1000000);
    INFO("m " << m << " g " << g);
    // Raw integers are exact in double, so the directions agree exactly...
    REQUIRE(lion_direction(double(m), double(g), kBetas) == lion_direction(Acc{m}, Acc{g}, kBetas));
    // ... and the fixed momentum is the float one rounded to the LSB.
    const double exact = lion_momentum(double(m), double(g), kBetas);
    REQUIRE(std::abs(lion_momentum(ops, Acc{m}, Acc{g}, kBetas, key_for(0)).raw - exact) <= 0.5);
  }
}
