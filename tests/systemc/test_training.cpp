// Training on the SystemC backend against the functional backend: the learned weights after every
// batch, the learning curve and the saturation counts must be identical. "After every batch" is
// checked by training 1, 2, ..., N iterations from the same start (training is deterministic, so
// the k-iteration run's weights are the weights after batch k of the N-iteration run).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "compiler/compile.hpp"
#include "compiler/ir/network_json.hpp"
#include "hw_model/systemc/timed_chip.hpp"
#include "runtime/train/default_networks.hpp"
#include "runtime/train/trainer.hpp"

using namespace nchip;

namespace {

runtime::TrainOptions fixed_options(const std::string& task) {
  runtime::TrainOptions o;
  o.task = task;
  runtime::apply_task_defaults(task, o);
  o.mode = runtime::TrainMode::fixed_chip;
  o.optimizer = runtime::OptimizerKind::sgd;
  o.quant = arith::QuantConfig{};
  o.lr = runtime::fixed_sgd_default_lr(o, runtime::recurrent_neuron_count(runtime::default_training_network(task, 1)));
  o.eprop.classification = arith::ClassificationError::softmax_exp_lut;
  o.seed = 3;
  return o;
}

void require_same(const runtime::TrainResult& f, const runtime::TrainResult& s, uint32_t iterations) {
  REQUIRE(f.curve.size() == iterations);
  REQUIRE(s.curve.size() == iterations);
  for (uint32_t i = 0; i < iterations; ++i) {
    INFO("iteration " << i + 1);
    CHECK(s.curve[i].loss == f.curve[i].loss);
    CHECK(s.curve[i].metric == f.curve[i].metric);
    CHECK(s.curve[i].mean_rate_hz == f.curve[i].mean_rate_hz);
    CHECK(s.curve[i].weight_update_saturations == f.curve[i].weight_update_saturations);
  }
  // Weights as IR (doubles made from the raw fixed-point values, so == is bit-exact).
  REQUIRE(s.trained == f.trained);
  CHECK(s.saturations == f.saturations);
  CHECK(s.weight_update_saturations == f.weight_update_saturations);
}

void train_both(const ir::Network& net, runtime::TrainOptions o, uint32_t iterations, const image::ChipConfig& chip) {
  for (uint32_t k = 1; k <= iterations; ++k) {
    INFO("after batch " << k);
    o.iterations = k;
    o.systemc_backend = false;
    const runtime::TrainResult f = runtime::train(net, o, {}, nullptr);
    o.systemc_backend = true;
    o.chip = chip;
    const runtime::TrainResult s = runtime::train(net, o, {}, nullptr);
    require_same(f, s, k);
  }
  // The chip did the learning work: eligibility updates and per-batch weight updates.
  auto* timed = systemc::TimedChip::existing();
  REQUIRE(timed);
  CHECK(timed->stats().sum_eligibility_updates() > 0);
  CHECK(timed->stats().sum_weight_updates() > 0);
}

}  // namespace

TEST_CASE("store-recall trains bit-identically on the SystemC backend for 10 batches", "[systemc][training]") {
  runtime::TrainOptions o = fixed_options("store-recall");
  o.batch = 2;
  o.steps = 600;  // shortened trials keep 2 x 55 training runs in CI time
  o.validation_trials = 1;
  image::ChipConfig chip;  // 3x2 mesh, 8 neurons per core: LIF and ALIF each span two cores
  chip.name = "test";
  chip.mesh_width = 3;
  chip.mesh_height = 2;
  chip.core_max_neurons = 8;
  train_both(runtime::default_training_network("store-recall", 3), o, 10, chip);
}

namespace {
// Pattern generation's inputs (20) and readouts (3) with 48 LIF neurons, so the test stays fast,
// on the default 4x4 chip with 16 neurons per core (the recurrent layer on 3 cores).
void pattern_generation_both(systemc::NocModel model) {
  const nlohmann::json init = {{"gain", 1.0}, {"connection_probability", 1.0}};
  const nlohmann::json doc = {
      {"name", "pg-small"}, {"dt_ms", 1.0}, {"seed", 5},
      {"populations", {{{"name", "in"}, {"type", "input"}, {"size", 20}},
                       {{"name", "rec"}, {"type", "lif"}, {"size", 48}, {"tau_m_ms", 20}, {"v_th", 0.61}, {"t_ref_ms", 5}},
                       {{"name", "out"}, {"type", "readout"}, {"size", 3}, {"tau_out_ms", 20}}}},
      {"projections", {{{"source", "in"}, {"target", "rec"}, {"init", init}, {"plastic", true}},
                       {{"source", "rec"}, {"target", "rec"}, {"init", init}, {"plastic", true}},
                       {{"source", "rec"}, {"target", "out"}, {"init", init}, {"plastic", true}}}}};
  runtime::TrainOptions o = fixed_options("pattern-generation");
  o.steps = 400;
  o.systemc.noc_model = model;
  image::ChipConfig chip;
  chip.core_max_neurons = 16;
  train_both(ir::parse_network_json(doc.dump(), "pg-small.json"), o, 2, chip);
}
}  // namespace

TEST_CASE("pattern generation trains bit-identically on the SystemC backend for 2 batches", "[systemc][training]") {
  pattern_generation_both(systemc::NocModel::events);
}

// The fast NoC model orders same-cycle ties its own way; timing never reaches the results.
TEST_CASE("pattern generation trains bit-identically on the fast NoC model for 2 batches", "[systemc][training]") {
  pattern_generation_both(systemc::NocModel::fast);
}

namespace {
// The batch-optimizer scenarios: store-recall on a 3x2 chip of 8-neuron cores, batch 2, 600
// steps, stochastic update rounding (the optimizers' state draws too).
runtime::TrainOptions optimizer_options(runtime::OptimizerKind optimizer, double lr) {
  runtime::TrainOptions o = fixed_options("store-recall");
  o.batch = 2;
  o.steps = 600;
  o.validation_trials = 1;
  o.optimizer = optimizer;
  o.lr = lr;
  o.quant.update_rounding = arith::Rounding::stochastic;
  return o;
}
image::ChipConfig optimizer_chip() {
  image::ChipConfig chip;
  chip.name = "test";
  chip.mesh_width = 3;
  chip.mesh_height = 2;
  chip.core_max_neurons = 8;
  return chip;
}
}  // namespace

// Lion (--optimizer lion): the per-synapse momentum lives in the engine's batch update unit,
// which both chip models share, so the weights after every batch are identical; and the momentum
// matters (Lion's weights differ from the sign update's on the same gradients after 3 batches).
TEST_CASE("Lion trains bit-identically on the SystemC backend for 3 batches", "[systemc][training]") {
  runtime::TrainOptions o = optimizer_options(runtime::OptimizerKind::lion, runtime::kLionDefaultLr);
  const image::ChipConfig chip = optimizer_chip();
  const ir::Network net = runtime::default_training_network("store-recall", 3);
  train_both(net, o, 3, chip);
  o.iterations = 3;
  o.systemc_backend = false;
  const runtime::TrainResult lion = runtime::train(net, o, {}, nullptr);
  o.optimizer = runtime::OptimizerKind::sign;
  const runtime::TrainResult sign = runtime::train(net, o, {}, nullptr);
  CHECK(!(lion.trained == sign.trained));
  CHECK(lion.bits_per_synapse_lif == sign.bits_per_synapse_lif + 32);  // m: the s32.16 accumulator format
  // The update unit's time: Lion read-modify-writes m beside w, so its batch update phase takes
  // exactly twice the sign update's cycles and counts one optimizer-state update per weight update.
  o.systemc_backend = true;
  o.chip = chip;
  (void)runtime::train(net, o, {}, nullptr);  // sign
  const systemc::ChipStats sign_stats = systemc::TimedChip::existing()->stats();
  o.optimizer = runtime::OptimizerKind::lion;
  (void)runtime::train(net, o, {}, nullptr);
  const systemc::ChipStats lion_stats = systemc::TimedChip::existing()->stats();
  REQUIRE(sign_stats.weight_update_cycles > 0);
  CHECK(lion_stats.weight_update_cycles == 2 * sign_stats.weight_update_cycles);
  CHECK(sign_stats.sum_optimizer_state_updates() == 0);
  CHECK(lion_stats.sum_optimizer_state_updates() == lion_stats.sum_weight_updates());
}

// Adam (--optimizer adam on chip): m and v live in the engine's batch update unit, so both chip
// models give the same weights after every batch; Adam's weights differ from SGD's and Lion's on
// the same gradients; the update unit read-modify-writes two state words beside w (3x the SGD
// update's cycles, two optimizer-state updates per weight update).
TEST_CASE("Adam trains bit-identically on the SystemC backend for 3 batches", "[systemc][training]") {
  runtime::TrainOptions o = optimizer_options(runtime::OptimizerKind::adam, 0.003);
  const image::ChipConfig chip = optimizer_chip();
  const ir::Network net = runtime::default_training_network("store-recall", 3);
  train_both(net, o, 3, chip);
  o.iterations = 3;
  o.systemc_backend = false;
  const runtime::TrainResult adam = runtime::train(net, o, {}, nullptr);
  o.optimizer = runtime::OptimizerKind::lion;
  const runtime::TrainResult lion = runtime::train(net, o, {}, nullptr);
  o.optimizer = runtime::OptimizerKind::sgd;
  const runtime::TrainResult sgd = runtime::train(net, o, {}, nullptr);
  CHECK(!(adam.trained == lion.trained));
  CHECK(!(adam.trained == sgd.trained));
  CHECK(adam.bits_per_synapse_lif == sgd.bits_per_synapse_lif + 32 + 31);  // m s32.16, v u31.6
  o.systemc_backend = true;
  o.chip = chip;
  (void)runtime::train(net, o, {}, nullptr);  // sgd
  const systemc::ChipStats sgd_stats = systemc::TimedChip::existing()->stats();
  o.optimizer = runtime::OptimizerKind::adam;
  (void)runtime::train(net, o, {}, nullptr);
  const systemc::ChipStats adam_stats = systemc::TimedChip::existing()->stats();
  REQUIRE(sgd_stats.weight_update_cycles > 0);
  CHECK(adam_stats.weight_update_cycles == 3 * sgd_stats.weight_update_cycles);
  CHECK(adam_stats.sum_optimizer_state_updates() == 2 * adam_stats.sum_weight_updates());
}

// Adafactor (--optimizer adafactor on chip): its row and column statistics live in the engine's
// batch update unit, so both chip models give the same weights; no per-synapse state (the same
// bits per synapse as SGD) and one more access per synapse in the update phase (2x SGD's cycles).
TEST_CASE("Adafactor trains bit-identically on the SystemC backend for 3 batches", "[systemc][training]") {
  runtime::TrainOptions o = optimizer_options(runtime::OptimizerKind::adafactor, 0.003);
  const image::ChipConfig chip = optimizer_chip();
  const ir::Network net = runtime::default_training_network("store-recall", 3);
  train_both(net, o, 3, chip);
  o.iterations = 3;
  o.systemc_backend = false;
  const runtime::TrainResult adafactor = runtime::train(net, o, {}, nullptr);
  o.optimizer = runtime::OptimizerKind::adam;
  const runtime::TrainResult adam = runtime::train(net, o, {}, nullptr);
  o.optimizer = runtime::OptimizerKind::sgd;
  const runtime::TrainResult sgd = runtime::train(net, o, {}, nullptr);
  CHECK(!(adafactor.trained == adam.trained));
  CHECK(!(adafactor.trained == sgd.trained));
  CHECK(adafactor.bits_per_synapse_lif == sgd.bits_per_synapse_lif);
  CHECK(adafactor.factor_state_bits > 0);
  CHECK(adafactor.factor_state_bits % 48 == 0);
  o.systemc_backend = true;
  o.chip = chip;
  (void)runtime::train(net, o, {}, nullptr);  // sgd
  const systemc::ChipStats sgd_stats = systemc::TimedChip::existing()->stats();
  o.optimizer = runtime::OptimizerKind::adafactor;
  (void)runtime::train(net, o, {}, nullptr);
  const systemc::ChipStats stats = systemc::TimedChip::existing()->stats();
  REQUIRE(sgd_stats.weight_update_cycles > 0);
  CHECK(stats.weight_update_cycles == 2 * sgd_stats.weight_update_cycles);
  CHECK(stats.sum_optimizer_state_updates() == stats.sum_weight_updates());
}

// Issue #16: store-recall's 10 LIF + 10 ALIF + 2 readouts need three 16-neuron cores unpacked; a
// 2x1 mesh has two, so the default ("auto") compile packs: LIF 10 + ALIF 6 on one core, ALIF 4 +
// the readouts on the other. Training on those cores gives the functional weights batch by batch.
TEST_CASE("store-recall trains bit-identically on packed SystemC cores for 3 batches", "[systemc][training][packing]") {
  runtime::TrainOptions o = fixed_options("store-recall");
  o.batch = 2;
  o.steps = 600;
  o.validation_trials = 1;
  image::ChipConfig chip;
  chip.name = "test";
  chip.mesh_width = 2;
  chip.mesh_height = 1;
  chip.core_max_neurons = 16;
  const ir::Network net = runtime::default_training_network("store-recall", 3);
  const image::ChipImage image = compiler::compile_network(net, chip, o.quant);
  std::vector<uint32_t> slices_on(chip.tiles(), 0);
  for (const auto& s : image.slices)
    if (image.network.populations[s.population].role != model::PopulationRole::input) ++slices_on[s.tile];
  REQUIRE(slices_on == std::vector<uint32_t>{2, 2});
  train_both(net, o, 3, chip);
}
