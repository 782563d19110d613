// Adam on chip (--mode fixed --optimizer adam, hw_model/arith/adam_update.hpp) against plain SGD
// on the small pattern-generation network (60 LIF, 300-step trials, seed 1, s16.12 weights),
// 60 iterations. Adam at lr 0.003 (the sign update's and Lion's scale: its step is lr x m /
// sqrt(v), of order lr) needs no rate fitted to the network; SGD's default rule (5e-5 here)
// diverges on it (tests/runtime/test_train_lion.cpp). Also Adafactor (--optimizer adafactor), chip
// and float. Measured (seed 1): Adam 0.78 after 60 iterations
// (stochastic update rounding 0.76; Lion 0.73 on the same run), SGD at 5e-5 best 2.1.
#include <catch2/catch.hpp>

#include <algorithm>

#include "runtime/train/trainer.hpp"
#include "tests/runtime/train_test_helpers.hpp"

using namespace nchip;
using runtime::OptimizerKind;
using runtime::TrainMode;

namespace {
runtime::TrainResult train_with(OptimizerKind optimizer, double lr, arith::Rounding update_rounding) {
  auto o = test::small_pattern_options(TrainMode::fixed_chip);
  o.optimizer = optimizer;
  o.lr = lr;
  o.iterations = 60;
  o.quant.update_rounding = update_rounding;
  return runtime::train(test::small_pattern_network(), o, nullptr, nullptr);
}
}  // namespace

TEST_CASE("on chip Adam reaches NMSE 0.85 within 60 iterations where SGD at its default rate does not") {
  const auto adam = train_with(OptimizerKind::adam, 0.003, arith::Rounding::nearest);
  const auto adam_stochastic = train_with(OptimizerKind::adam, 0.003, arith::Rounding::stochastic);
  auto o = test::small_pattern_options(TrainMode::fixed_chip);
  runtime::apply_default_lr(o, 60);
  const auto sgd = train_with(OptimizerKind::sgd, o.lr, arith::Rounding::nearest);
  INFO("NMSE after 60 iterations: adam " << adam.curve.back().metric << " (stochastic "
                                          << adam_stochastic.curve.back().metric << "), best sgd at " << o.lr << ": "
                                          << test::best_nmse(sgd));
  CHECK(adam.curve.back().metric < 0.85);  // measured 0.78
  CHECK(adam_stochastic.curve.back().metric < 0.85);  // measured 0.76
  CHECK(test::best_nmse(sgd) > 1.5);  // measured 2.1
  CHECK(adam.weight_update_saturations == 0);
  CHECK(adam.bits_per_synapse_lif == 16 + 24 + 32 + 32 + 31);  // w, e, acc, m s32.16, v u31.6
  CHECK(adam.saturations[arith::Quantity::adam_m] == 0);
}

// Adafactor (--optimizer adafactor): the factored second moment, no per-synapse state, in fixed
// point and in the float reference (the same rule with exact sqrt).
TEST_CASE("Adafactor reaches NMSE 0.55 within 60 iterations on chip and in float") {
  const auto chip = train_with(OptimizerKind::adafactor, 0.003, arith::Rounding::stochastic);
  auto o = test::small_pattern_options(TrainMode::float_reference);
  o.optimizer = OptimizerKind::adafactor;
  o.lr = 0.003;
  o.iterations = 60;
  const auto in_float = runtime::train(test::small_pattern_network(), o, nullptr, nullptr);
  INFO("NMSE after 60 iterations: chip " << chip.curve.back().metric << ", float " << in_float.curve.back().metric);
  CHECK(chip.curve.back().metric < 0.55);  // measured 0.46 (Adam 0.78 above)
  CHECK(in_float.curve.back().metric < 0.55);  // measured 0.45
  CHECK(chip.bits_per_synapse_lif == 16 + 24 + 32);  // nothing per synapse beyond SGD's
  // Rows and columns per projection: in->rec 60 + 20, rec->rec 60 + 60, rec->out 3 + 60, 48 bits each.
  CHECK(chip.factor_state_bits == uint64_t{48} * (80 + 120 + 63));
  CHECK(in_float.factor_state_bits == uint64_t{64} * (80 + 120 + 63));
}

// Without --lr, on-chip Adafactor on pattern generation takes 0.03 / sqrt(N) (N the LIF + ALIF
// neurons): 0.003 on the 100-LIF example, 0.0012 on the paper's 600 LIF, where 0.003 stalls
// (bench/README.md). Other tasks and the float reference keep the task's rate.
TEST_CASE("on-chip Adafactor's default rate is 0.03 / sqrt(N) on pattern generation") {
  auto o = test::small_pattern_options(TrainMode::fixed_chip);
  o.optimizer = OptimizerKind::adafactor;
  runtime::apply_default_lr(o, 100);
  CHECK(o.lr == 0.003);
  runtime::apply_default_lr(o, 600);
  CHECK(o.lr == Approx(0.0012247448713915890).epsilon(1e-15));
  CHECK(o.lr == runtime::fixed_adafactor_default_lr(600));
  auto in_float = test::small_pattern_options(TrainMode::float_reference);
  in_float.optimizer = OptimizerKind::adafactor;
  const double task_lr = in_float.lr;
  runtime::apply_default_lr(in_float, 600);
  CHECK(in_float.lr == task_lr);
  runtime::TrainOptions recall;
  runtime::apply_task_defaults("store-recall", recall);
  recall.mode = TrainMode::fixed_chip;
  recall.optimizer = OptimizerKind::adafactor;
  runtime::apply_default_lr(recall, 600);
  CHECK(recall.lr == 0.01);
}
