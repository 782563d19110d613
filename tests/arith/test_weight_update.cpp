// The chip's batch weight updates (hw_model/arith/weight_update.hpp): the sign step moves a weight
// by lr against the sign of its accumulator, in weight LSBs of its projection's exponent, rounded
// per update_rounding, saturating and counted; and the SGD step it sits beside.
#include <catch2/catch.hpp>

#include <cstdint>

#include "hw_model/arith/weight_update.hpp"

using namespace nchip::arith;

namespace {
using W = Fx<Quantity::weight>;              // s16.12: raw -32768 .. 32767, LSB 2^-12 at exponent 0
using Acc = Fx<Quantity::update_accumulator>;

DrawKey key_for(uint32_t index) { return DrawKey{0x5eed, 0, index, 7}; }
}  // namespace

TEST_CASE("sign step moves by lr in weight LSBs against the accumulator's sign") {
  QuantConfig q;  // update_rounding nearest
  SaturationCounts counts;
  const FixedOps ops(q, counts);
  const uint32_t lr = learning_rate_raw(0.003);  // 0.003 * 4096 = 12.29 LSBs at exponent 0
  CHECK(sign_step(ops, W{100}, 0, Acc{5}, lr, key_for(0)).raw == 100 - 12);
  CHECK(sign_step(ops, W{100}, 0, Acc{-123456}, lr, key_for(0)).raw == 100 + 12);
  // The magnitude of the accumulator does not matter, only its sign; zero leaves the weight.
  CHECK(sign_step(ops, W{100}, 0, Acc{1}, lr, key_for(0)).raw == 88);
  CHECK(sign_step(ops, W{100}, 0, Acc{0}, lr, key_for(0)).raw == 100);
  // Exponent 2: a raw step is worth 2^-10, so 0.003 is 3.07 LSBs; exponent -3: 98.3 LSBs.
  CHECK(sign_step(ops, W{100}, 2, Acc{5}, lr, key_for(0)).raw == 97);
  CHECK(sign_step(ops, W{100}, -3, Acc{5}, lr, key_for(0)).raw == 100 - 98);
  // Exponent 6: 0.19 LSB rounds to nothing with nearest rounding.
  CHECK(sign_step(ops, W{100}, 6, Acc{5}, lr, key_for(0)).raw == 100);
  CHECK(counts[Quantity::weight] == 0);
}

TEST_CASE("sign step saturates at the weight rails and counts it") {
  QuantConfig q;
  SaturationCounts counts;
  const FixedOps ops(q, counts);
  const uint32_t lr = learning_rate_raw(0.003);
  CHECK(sign_step(ops, W{32760}, 0, Acc{-1}, lr, key_for(0)).raw == 32767);
  CHECK(sign_step(ops, W{-32760}, 0, Acc{1}, lr, key_for(0)).raw == -32768);
  CHECK(counts[Quantity::weight] == 2);
  CHECK(sign_step(ops, W{32000}, 0, Acc{-1}, lr, key_for(0)).raw == 32012);
  CHECK(counts[Quantity::weight] == 2);
}

TEST_CASE("sign step with stochastic update rounding keeps the expected step below one LSB") {
  QuantConfig q;
  q.update_rounding = Rounding::stochastic;
  SaturationCounts counts;
  const FixedOps ops(q, counts);
  const uint32_t lr = learning_rate_raw(0.003);
  for (int exponent : {0, 6}) {
    const double expected = 0.003 * 4096 / (1 << exponent);  // 12.29 and 0.192 LSBs
    const int n = 20000;
    int64_t moved = 0;
    for (uint32_t i = 0; i < n; ++i) {
      const int32_t step = 1000 - sign_step(ops, W{1000}, exponent, Acc{7}, lr, key_for(i)).raw;
      CHECK((step == static_cast<int32_t>(expected) || step == static_cast<int32_t>(expected) + 1));
      moved += step;
    }
    INFO("exponent " << exponent);
    CHECK(static_cast<double>(moved) / n == Approx(expected).epsilon(0.02));
  }
  // Same key, same draw: the step does not depend on visiting order.
  CHECK(sign_step(ops, W{0}, 6, Acc{7}, lr, key_for(42)) == sign_step(ops, W{0}, 6, Acc{7}, lr, key_for(42)));
}

TEST_CASE("SGD step is lr times the accumulator in weight LSBs") {
  QuantConfig q;  // accumulator s32.16, weight s16.12
  SaturationCounts counts;
  const FixedOps ops(q, counts);
  // acc 0.5 (raw 2^15), lr 0.25: step 0.125 = 512 LSBs at exponent 0, 128 at exponent 2.
  CHECK(sgd_step(ops, W{0}, 0, Acc{1 << 15}, learning_rate_raw(0.25), key_for(0)).raw == -512);
  CHECK(sgd_step(ops, W{0}, 2, Acc{-(1 << 15)}, learning_rate_raw(0.25), key_for(0)).raw == 128);
}
