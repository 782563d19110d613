#include "runtime/backend/systemc_trainer_backend.hpp"

#include "compiler/compile.hpp"
#include "hw_model/systemc/timed_chip.hpp"

namespace nchip::runtime {

TrainerChip::TrainerChip(const ir::Network& network, const model::NetworkModel<arith::FixedOps>& model,
                         const arith::FixedOps& ops, const image::ChipConfig& chip,
                         const arith::QuantConfig& quant, const systemc::SystemcParams& params,
                         learning::BatchRule rule)
    : image_(compiler::compile_network(network, chip, quant, [&] {
        compiler::CompileOptions options;
        options.optimizer_state_bits = learning::optimizer_state_bits(rule, quant);
        options.factor_register_bits = learning::factor_register_bits(rule);
        return options;
      }())),
      ops_(ops) {
  chip_ = &systemc::TimedChip::instance(chip.mesh_width, chip.mesh_height, params);
  chip_->set_noc_model(params.noc_model);  // the process's chip may have been elaborated with another
  chip_->load(image_, model, ops_);  // the placement from the image, the state from `model`
  if (params.rtl_etu_core >= 0) chip_->set_etu_unit(static_cast<uint32_t>(params.rtl_etu_core), params.rtl_etu);
}

TrainerChip::TrainerChip(const image::ChipImage& image, const model::NetworkModel<arith::FixedOps>& model,
                         const arith::FixedOps& ops, const systemc::SystemcParams& params)
    : image_(image), ops_(ops) {
  chip_ = &systemc::TimedChip::instance(image_.chip.mesh_width, image_.chip.mesh_height, params);
  chip_->set_noc_model(params.noc_model);
  chip_->load(image_, model, ops_);
  if (params.rtl_etu_core >= 0) chip_->set_etu_unit(static_cast<uint32_t>(params.rtl_etu_core), params.rtl_etu);
}

void TrainerChip::begin_trial(uint64_t trial_seed) { chip_->reset(trial_seed); }

void TrainerChip::eprop_step(learning::EpropEngine<arith::FixedOps>& engine, const std::vector<uint32_t>& inputs,
                             const arith::Num<arith::FixedOps, arith::Quantity::voltage>* target, bool has_target) {
  if (attached_ != &engine) attach(engine);
  engine.begin_step(chip_->neurons());
  // The factored scheme's datapath works only at steps with a target; the full one at every step.
  chip_->step(inputs, has_target || engine.config().storage == learning::StorageScheme::full);
  engine.finish_step(chip_->previous_spikes(), chip_->readouts(), inputs, target, has_target);
}

void TrainerChip::attach(learning::EpropEngine<arith::FixedOps>& engine) {
  attached_ = &engine;
  // The full scheme's per-synapse state moves into the cores' plasticity engines. Two cases keep
  // it in the e-prop engine: the factored scheme (no ETU state) and --record-etu (its observer
  // watches the engine's own unit; the recorded stream is the same either way).
  if (engine.config().storage == learning::StorageScheme::full && !engine.has_etu_observer())
    engine.set_eligibility_owner(&chip_->eligibility());
}

void TrainerChip::step(const std::vector<uint32_t>& inputs) { chip_->step(inputs, false); }

void TrainerChip::end_batch(uint32_t optimizer_state_words) { chip_->end_batch(optimizer_state_words); }

std::vector<double> TrainerChip::readouts_real() const {
  std::vector<double> y;
  y.reserve(chip_->readouts().size());
  for (const auto& v : chip_->readouts()) y.push_back(arith::real(ops_, v));
  return y;
}

}  // namespace nchip::runtime
