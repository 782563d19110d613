// update_reach's "every step rounds to 0 LSB" agrees with the chip's own update functions
// (arith::sign_step, arith::sgd_step) at the exact boundaries: nearest at half an LSB (ties to
// even), truncate at one LSB for the sign update, never for truncated SGD or stochastic rounding.
#include <catch2/catch.hpp>

#include <cmath>

#include "compiler/lower.hpp"
#include "hw_model/arith/weight_update.hpp"
#include "runtime/train/update_reach.hpp"
#include "tests/runtime/train_test_helpers.hpp"

using namespace nchip;
using arith::Quantity;
using arith::Rounding;

namespace {

// 60-LIF pattern-generation network, weights s8.6 with every exponent 0 (one LSB = 2^-6).
runtime::TrainOptions options(runtime::OptimizerKind optimizer, Rounding rounding, double lr) {
  runtime::TrainOptions o = test::small_pattern_options(runtime::TrainMode::fixed_chip);
  o.optimizer = optimizer;
  o.lr = lr;
  o.quant.update_rounding = rounding;
  o.quant.weight_exponents = false;
  o.quant[Quantity::weight] = arith::Format{8, 6, true};
  o.quant[Quantity::update_accumulator] = arith::Format{16, 14, true};  // largest magnitude 2
  return o;
}

bool frozen(const runtime::TrainOptions& o) {
  const ir::Network net = test::small_pattern_network();
  arith::SaturationCounts counts;
  const arith::FixedOps ops(o.quant, counts);
  const runtime::UpdateReach reach = runtime::update_reach(net, compiler::lower(net, ops), o);
  CHECK(reach.plastic_projections == 3);
  CHECK(reach.warning.empty());  // one exponent: all projections or none
  return !reach.problem.empty();
}

// What the chip does with the largest accumulator (most negative for SGD, whose magnitude is
// largest): 0 means the update cannot move the weight.
int64_t chip_step(const runtime::TrainOptions& o) {
  arith::SaturationCounts counts;
  const arith::FixedOps ops(o.quant, counts);
  const uint32_t lr_raw = arith::learning_rate_raw(o.lr);
  const arith::Fx<Quantity::weight> w{0};
  const arith::Fx<Quantity::update_accumulator> acc{
      static_cast<int32_t>(o.optimizer == runtime::OptimizerKind::sign ? 1 : o.quant[Quantity::update_accumulator].min_raw())};
  const arith::DrawKey key{1, 0, 0, 0};
  const auto next = o.optimizer == runtime::OptimizerKind::sign ? arith::sign_step(ops, w, 0, acc, lr_raw, key)
                                                                : arith::sgd_step(ops, w, 0, acc, lr_raw, key);
  return next.raw - w.raw;
}

}  // namespace

TEST_CASE("update_reach's frozen verdict matches sign_step and sgd_step at the boundaries") {
  using runtime::OptimizerKind;
  const double tick = std::ldexp(1.0, -arith::kLearningRateFrac);  // one step of the u32.24 lr
  const struct {
    OptimizerKind optimizer;
    Rounding rounding;
    double lr;
    bool frozen;
  } cases[] = {
      {OptimizerKind::sign, Rounding::nearest, std::ldexp(1.0, -7), true},  // exactly half an LSB: tie to 0
      {OptimizerKind::sign, Rounding::nearest, std::ldexp(1.0, -7) + tick, false},
      {OptimizerKind::sign, Rounding::truncate, std::ldexp(1.0, -6) - tick, true},
      {OptimizerKind::sign, Rounding::truncate, std::ldexp(1.0, -6), false},  // exactly one LSB
      {OptimizerKind::sign, Rounding::stochastic, 1e-6, false},
      {OptimizerKind::sgd, Rounding::nearest, std::ldexp(1.0, -8), true},  // 2 x 2^-8 = half an LSB
      {OptimizerKind::sgd, Rounding::nearest, std::ldexp(1.0, -8) + tick, false},
      {OptimizerKind::sgd, Rounding::truncate, 1e-6, false},  // a negative product floors to -1 LSB
      {OptimizerKind::sgd, Rounding::stochastic, 1e-6, false},
  };
  for (const auto& c : cases) {
    const runtime::TrainOptions o = options(c.optimizer, c.rounding, c.lr);
    INFO(runtime::to_string(c.optimizer) << " " << arith::to_string(c.rounding) << " lr " << c.lr);
    CHECK(frozen(o) == c.frozen);
    if (c.rounding != Rounding::stochastic) CHECK((chip_step(o) == 0) == c.frozen);
  }
}

TEST_CASE("update_reach: the factored scheme and the float reference are never refused") {
  runtime::TrainOptions o = options(runtime::OptimizerKind::sgd, Rounding::nearest, std::ldexp(1.0, -8));
  o.eprop.storage = learning::StorageScheme::factored;
  const ir::Network net = test::small_pattern_network();
  arith::SaturationCounts counts;
  const arith::FixedOps ops(o.quant, counts);
  CHECK(runtime::update_reach(net, compiler::lower(net, ops), o).problem.empty());
  o.eprop.storage = learning::StorageScheme::full;
  CHECK(!runtime::update_reach(net, compiler::lower(net, ops), o).problem.empty());
  o.mode = runtime::TrainMode::float_reference;
  CHECK(runtime::update_reach(net, compiler::lower(net, ops), o).problem.empty());
}
