// Lion on chip (--optimizer lion, hw_model/arith/lion_update.hpp) against plain SGD on the small
// pattern-generation network (60 LIF, 300-step trials, seed 1, fixed point s16.12 weights). Lion at
// its default (lr 0.003, betas 1 - 2^-3, 1 - 2^-7) needs no rate tuned to the network; SGD's
// default rule (lr 0.9 / (steps x batch x N) = 5e-5 here, fitted on 100 and 600 neurons x 1000
// steps) diverges on this network. Measured (seed 1, 60 iterations): Lion final NMSE 0.73, SGD at
// 5e-5 best 2.1; SGD at the rate tuned for this network (3e-5) best 0.55 and the sign update
// (lr 0.003) 0.50, i.e. here Lion's gain over the sign update is none: what it buys is the
// default that works without tuning (bench/README.md, "On-chip optimizers").
// Also the float reference's Lion (same rule, same header) learns.
#include <catch2/catch.hpp>

#include <algorithm>

#include "runtime/train/trainer.hpp"
#include "tests/runtime/train_test_helpers.hpp"

using namespace nchip;
using runtime::OptimizerKind;
using runtime::TrainMode;

namespace {
runtime::TrainResult train_with(TrainMode mode, OptimizerKind optimizer, double lr, uint32_t iterations) {
  auto o = test::small_pattern_options(mode);
  o.optimizer = optimizer;
  o.lr = lr;
  o.iterations = iterations;
  return runtime::train(test::small_pattern_network(), o, nullptr, nullptr);
}
}  // namespace

TEST_CASE("on chip, Lion reaches NMSE 0.85 within 60 iterations where SGD at its default rate does not") {
  const auto lion = train_with(TrainMode::fixed_chip, OptimizerKind::lion, runtime::kLionDefaultLr, 60);
  auto o = test::small_pattern_options(TrainMode::fixed_chip);
  runtime::apply_default_lr(o, 60);  // SGD's default rule for 60 neurons x 300 steps
  const double sgd_default_lr = o.lr;
  const auto sgd_default = train_with(TrainMode::fixed_chip, OptimizerKind::sgd, sgd_default_lr, 60);
  INFO("best NMSE in 60 iterations: lion " << test::best_nmse(lion) << ", sgd default lr " << sgd_default_lr << " "
                                         << test::best_nmse(sgd_default));
  CHECK(lion.curve.back().metric < 0.85);  // measured 0.73
  CHECK(test::best_nmse(sgd_default) > 1.5);
  CHECK(lion.weight_update_saturations == 0);
}

TEST_CASE("the float reference's Lion (the chip's rule) reaches NMSE 0.9 within 60 iterations") {
  const auto lion = train_with(TrainMode::float_reference, OptimizerKind::lion, runtime::kLionDefaultLr, 60);
  INFO("NMSE " << lion.curve.front().metric << " -> " << lion.curve.back().metric);
  CHECK(lion.curve.back().metric < 0.9);  // measured 0.77
  CHECK(lion.bits_per_synapse_lif == 4 * 64);  // weight, e, accumulator, m as doubles
}
