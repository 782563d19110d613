// Evidence accumulation learns with e-prop (issue #13): a tiny LSNN (8 inputs, 8 LIF + 8 ALIF,
// examples/networks/evidence_accumulation_tiny.json) on a short version of the task, in the float
// reference (Adam) and on chip in fixed point (the sign update), seeded; the thresholds are the
// measured factors with margin (numbers beside each test).
#include <catch2/catch.hpp>

#include <string>

#include "compiler/ir/network_json.hpp"
#include "compiler/ir/random_init.hpp"
#include "runtime/train/default_networks.hpp"
#include "runtime/train/trainer.hpp"

using namespace nchip;
using runtime::TrainMode;

namespace {

ir::Network tiny_network() {
  ir::Network net = ir::read_network_file(std::string(NCHIP_SOURCE_DIR) + "/examples/networks/evidence_accumulation_tiny.json");
  return net;
}

// A short trial: 3 cues of 50 steps after 25 silent steps each, a 75-step delay, a 50-step recall.
runtime::TrainOptions tiny_options(TrainMode mode) {
  runtime::TrainOptions o;
  runtime::apply_task_defaults("evidence-accumulation", o);
  o.mode = mode;
  o.task_shape.inputs = 8;
  o.task_shape.cues = 3;
  o.task_shape.cue_steps = 50;
  o.task_shape.cue_spacing_steps = 25;
  o.task_shape.delay_steps = 75;
  o.task_shape.recall_steps = 50;
  o.iterations = TINY_ITERATIONS;
  o.batch = TINY_BATCH;
  o.validation_trials = TINY_VALIDATION;
  o.seed = 1;
  o.eprop.threads = 1;
  o.optimizer = runtime::default_optimizer(o);
  if (mode == TrainMode::fixed_chip) {
    o.quant = arith::QuantConfig{};
    o.eprop.classification = arith::ClassificationError::softmax_exp_lut;
    o.lr = runtime::kSignDefaultLr;
  } else {
    o.eprop.classification = arith::ClassificationError::softmax_exact;
  }
  return o;
}

// Mean of the first and last n iterations of a curve field.
template <class F>
std::pair<double, double> ends(const runtime::TrainResult& r, size_t n, F field) {
  double a = 0, b = 0;
  for (size_t i = 0; i < n; ++i) a += field(r.curve[i]) / n, b += field(r.curve[r.curve.size() - 1 - i]) / n;
  return {a, b};
}

}  // namespace

TEST_CASE("evidence-accumulation: the float reference (Adam) learns the tiny network") {
  const auto r = runtime::train(tiny_network(), tiny_options(TrainMode::float_reference), nullptr, nullptr);
  REQUIRE(r.curve.size() == TINY_ITERATIONS);
  CHECK(r.metric_name == "recall_error_rate");
  const auto [loss0, loss1] = ends(r, 5, [](const runtime::IterationRecord& c) { return c.loss; });
  const auto [err0, err1] = ends(r, 5, [](const runtime::IterationRecord& c) { return c.metric; });
  INFO("loss " << loss0 << " -> " << loss1 << ", validation error " << err0 << " -> " << err1);
  FLOAT_CHECKS
}

TEST_CASE("evidence-accumulation: on-chip fixed point (sign update) learns the tiny network") {
  const auto r = runtime::train(tiny_network(), tiny_options(TrainMode::fixed_chip), nullptr, nullptr);
  REQUIRE(r.curve.size() == TINY_ITERATIONS);
  const auto [loss0, loss1] = ends(r, 5, [](const runtime::IterationRecord& c) { return c.loss; });
  const auto [err0, err1] = ends(r, 5, [](const runtime::IterationRecord& c) { return c.metric; });
  INFO("loss " << loss0 << " -> " << loss1 << ", validation error " << err0 << " -> " << err1);
  FIXED_CHECKS
  CHECK(r.weight_update_saturations == 0);
}

TEST_CASE("evidence-accumulation: the default network and options are NEST's configuration") {
  runtime::TrainOptions o;
  runtime::apply_task_defaults("evidence-accumulation", o);
  CHECK(o.lr == 5e-3);
  CHECK(o.batch == 32);
  CHECK(o.lr_decay_every == 0);
  CHECK(o.eprop.reg_target_rate_hz == 10.0);
  CHECK(o.eprop.error == learning::ErrorKind::classification);
  CHECK(runtime::default_optimizer(o) == runtime::OptimizerKind::adam);
  o.mode = TrainMode::fixed_chip;
  CHECK(runtime::default_optimizer(o) == runtime::OptimizerKind::sign);
  const ir::Network net = runtime::default_training_network("evidence-accumulation", 1);
  REQUIRE(net.populations.size() == 4);
  CHECK(net.populations[0].size == 40);
  CHECK(net.populations[1].type == ir::PopulationType::lif);
  CHECK(net.populations[1].size == 50);
  CHECK(net.populations[2].type == ir::PopulationType::alif);
  CHECK(net.populations[2].size == 50);
  for (size_t p : {1, 2}) {
    CHECK(net.populations[p].tau_m_ms == 20);
    CHECK(net.populations[p].v_th == 0.6);
    CHECK(net.populations[p].t_ref_ms == 5);
  }
  CHECK(net.populations[2].tau_a_ms == 2000);
  CHECK(net.populations[3].size == 2);
}

TEST_CASE("pattern-generation --preset nest-sine: the default network is NEST's sine-wave network") {
  const ir::Network net = runtime::default_training_network("pattern-generation", 1, "nest-sine");
  REQUIRE(net.populations.size() == 3);
  CHECK(net.populations[0].size == 100);
  CHECK(net.populations[1].type == ir::PopulationType::lif);
  CHECK(net.populations[1].size == 100);
  CHECK(net.populations[1].tau_m_ms == 30);
  CHECK(net.populations[1].t_ref_ms == 0);
  CHECK(net.populations[2].size == 1);
  CHECK(net.populations[2].tau_out_ms == 30);
  // Same shape and parameters as the bench's NEST workload.
  const ir::Network bench = ir::read_network_file(std::string(NCHIP_SOURCE_DIR) + "/bench/networks/nest_sine_shape.json");
  REQUIRE(bench.populations.size() == net.populations.size());
  for (size_t p = 0; p < net.populations.size(); ++p) {
    CHECK(bench.populations[p].size == net.populations[p].size);
    CHECK(bench.populations[p].tau_m_ms == net.populations[p].tau_m_ms);
    CHECK(bench.populations[p].v_th == net.populations[p].v_th);
    CHECK(bench.populations[p].t_ref_ms == net.populations[p].t_ref_ms);
  }
}
