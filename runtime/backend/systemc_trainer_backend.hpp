// The SystemC chip as the trainer's model of the network (nchip train --backend systemc). The
// chip is compiled once per training run and loaded with the trainer's own lowered model, whose
// weights the on-chip SGD (or the factored scheme's online steps) changes: the cores read weights
// at every delivery, so each batch's update is in effect from the next spike on. The e-prop
// engine runs beside the chip as it runs beside functional::Simulator (begin_step -> chip step ->
// finish_step), but in the full scheme it hands the learning datapath to the chip
// (EpropEngine::set_eligibility_owner): the learning-signal unit forms the errors, the cores'
// plasticity engines the learning signals, presynaptic traces, eligibility and gradients (output
// weights on readout cores), with the same functions; the engine keeps B, the regularization
// term and the step count, and applies the end-of-batch SGD. Spikes,
// readouts, learned weights and saturation counts are the functional backend's, bit for bit; the
// chip adds the time and energy of every step.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/ir/network.hpp"
#include "hw_model/learning/batch_update.hpp"
#include "hw_model/learning/eprop_engine.hpp"
#include "hw_model/image/chip_image.hpp"
#include "hw_model/systemc/params.hpp"

namespace nchip::systemc {
class TimedChip;
}

namespace nchip::runtime {

class TrainerChip {
 public:
  // Compiles `network` for `chip` (the placement and routes, with the state of the batch optimizer
  // `rule` reserved in synapse memory: per plastic synapse, and Adafactor's row and column
  // registers per core) and loads `model` (the trainer's).
  TrainerChip(const ir::Network& network, const model::NetworkModel<arith::FixedOps>& model,
              const arith::FixedOps& ops, const image::ChipConfig& chip, const arith::QuantConfig& quant,
              const systemc::SystemcParams& params, learning::BatchRule rule = learning::BatchRule::sgd);
  // Uses `image` (nchip compile) as compiled: its chip, placement and routes; loads `model`.
  TrainerChip(const image::ChipImage& image, const model::NetworkModel<arith::FixedOps>& model,
              const arith::FixedOps& ops, const systemc::SystemcParams& params);

  void begin_trial(uint64_t trial_seed);
  // One learning step: what EpropEngine::step does with the functional simulator.
  void eprop_step(learning::EpropEngine<arith::FixedOps>& engine, const std::vector<uint32_t>& inputs,
                  const arith::Num<arith::FixedOps, arith::Quantity::voltage>* target, bool has_target);
  void step(const std::vector<uint32_t>& inputs);  // no learning (validation trials)
  void end_batch(uint32_t optimizer_state_words = 0);  // times the batch's weight update (+ Lion's m)
  std::vector<double> readouts_real() const;

 private:
  void attach(learning::EpropEngine<arith::FixedOps>& engine);  // on its first learning step

  image::ChipImage image_;
  systemc::TimedChip* chip_ = nullptr;
  arith::FixedOps ops_;
  const learning::EpropEngine<arith::FixedOps>* attached_ = nullptr;
};

}  // namespace nchip::runtime
