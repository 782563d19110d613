// The trainer: runs a task's trials through the functional simulator with the e-prop engine,
// accumulates gradients over a batch and applies them (float: SGD/Adam on the host; fixed: SGD on
// chip in fixed point, or online +-1 LSB updates in the factored scheme), and reports one record
// per iteration. No files and no CLI here (runtime/cli/train_command.cpp does those).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "compiler/ir/network.hpp"
#include "hw_model/arith/quantity.hpp"
#include "hw_model/image/chip_image.hpp"
#include "hw_model/learning/state_vectors.hpp"
#include "runtime/train/train_options.hpp"
#include "runtime/train/trial_score.hpp"

namespace nchip::runtime {

struct IterationRecord {
  uint32_t iteration = 0;     // 1-based
  double loss = 0;            // mean over the batch of the per-trial loss (trial_score.hpp)
  double metric = 0;          // NMSE (pattern generation) or validation recall error rate
  double train_recall_error = 0;  // store-recall: on the batch's own trials, before the update
  double mean_rate_hz = 0;    // spiking neurons, over the batch
  double lr = 0;              // learning rate used by this iteration's update
  double seconds = 0;         // wall time of the iteration, and its breakdown:
  double neuron_s = 0, learning_signal_s = 0, eligibility_s = 0, update_s = 0, validation_s = 0;
  uint64_t weight_update_saturations = 0;  // fixed: weights clamped by batch weight updates so far
  uint64_t online_updates = 0;      // factored: +-1 LSB moves so far
};

// Everything a training run carries from one iteration to the next, as the trainer hands it to a
// checkpoint (TrainOptions::on_checkpoint) and takes it back (TrainOptions::resume_from): the
// curve so far (the metrics are derived from it), the saturation counters, and named state
// vectors (hw_model/learning/state_vectors.hpp): weights "weights.input|recurrent|readout" (raw
// fixed-point words or double bits), the engine's (EpropEngine::state: draw-key step count,
// regularization, update unit optimizer state, online moves) or BPTT's, the host optimizer's
// (Optimizer::state). Trials, validation trials, noise and rounding keys are functions of
// (seed, trial or iteration index, step count), so no other generator state exists.
struct TrainingState {
  uint32_t iterations_done = 0;
  std::vector<IterationRecord> curve;  // iterations_done rows
  arith::SaturationCounts saturations;
  uint64_t weight_update_saturations = 0;
  learning::StateVectors vectors;
};

struct TrainResult {
  std::vector<IterationRecord> curve;
  ir::Network trained;  // learned weights written back, random_init cleared
  bool interrupted = false;
  std::string metric_name;  // "nmse" or "recall_error_rate"
  arith::SaturationCounts saturations;  // fixed: every clamp during training, per quantity
  uint64_t weight_update_saturations = 0;  // of `saturations`' weight count: in batch weight updates
  int bits_per_synapse_lif = 0, bits_per_synapse_alif = 0;  // learning state, this scheme
  std::optional<uint32_t> first_iteration_below_5_percent;  // store-recall; unset: never
  std::optional<double> test_error_rate;  // options.test_trials > 0: on the test trials, final weights
  // Plastic synapses, and how many of them end with a weight different from their initial one
  // (a weight that moved and came back counts as unchanged).
  uint64_t plastic_synapses = 0;
  // --optimizer adafactor: its row and column statistics, bits in all (48-bit registers on chip,
  // doubles in float; learning::factor_state_bits); 0 for the other optimizers.
  uint64_t factor_state_bits = 0;
  uint64_t weights_changed = 0;
};

// The checks `nchip train` makes before it writes anything: validate(options) and, in fixed mode
// with the full storage scheme, update_reach.hpp's: a quant config and lr with which no weight
// can ever change throw nchip::InputError (train() and train_image() refuse it too). Returns the
// warnings, one line each (some plastic projections frozen). Whether the network fits the task
// is checked by train().
std::vector<std::string> check_training(const ir::Network& network, const TrainOptions& options);
std::vector<std::string> check_training_image(const image::ChipImage& image, const TrainOptions& options);

// The validation trials scored after iteration `iteration` (1-based), V per iteration, are
// validation_trial_index(iteration, V) .. + V - 1 (kValidationTrialBase: runtime/tasks/task.hpp).
uint64_t validation_trial_index(uint32_t iteration, uint32_t validation_trials);

// What `nchip eval` reports: the task's metric over `trials` trials scored without learning.
struct EvaluationResult {
  std::string metric_name;  // "nmse" or "recall_error_rate"
  double metric = 0;
  TrialScore score;         // summed over the trials
  uint64_t first_trial = 0;
  uint32_t trials = 0;
  arith::SaturationCounts saturations;  // fixed: clamps during the evaluation
};

// Scores trials first_trial .. first_trial + trials - 1 of options' task (o.task, o.task_shape,
// o.steps, o.seed) on `network` in options.mode, exactly as the trainer scores its validation
// trials (same trials, same noise seeds, same decision rule): evaluating a trainer's output
// network on validation_trial_index(last iteration, V) reproduces that iteration's metric.
// Throws nchip::InputError if the network does not fit the task.
EvaluationResult evaluate(const ir::Network& network, const TrainOptions& options, uint64_t first_trial,
                          uint32_t trials);
// The same for a chip image (fixed mode, the image's own raw weights and quant config).
EvaluationResult evaluate_image(const image::ChipImage& image, const TrainOptions& options, uint64_t first_trial,
                                uint32_t trials);

// Called after every iteration (for progress lines and incremental files).
using IterationCallback = std::function<void(const IterationRecord&)>;

// Throws nchip::InputError if the network does not fit the task (input count, readout count) or
// the options are unusable. `stop` (may be null) is polled between iterations; `stop_now` (may be
// null) between trials: when it is set the current iteration is abandoned (no update applied, no
// curve row) and the result holds the weights after the last finished iteration.
TrainResult train(const ir::Network& network, const TrainOptions& options,
                  const IterationCallback& on_iteration, const std::atomic<bool>* stop,
                  const std::atomic<bool>* stop_now = nullptr);

// Trains a chip image (nchip compile) in fixed mode, starting exactly from its raw weights and
// constants: bit-identical to train() of the IR it was compiled from with the same options when
// options.quant is the image's QuantConfig (the image's model is lower<FixedOps>(ir, quant)).
// --backend systemc runs on the image's own chip and placement (options.chip is not used).
// TrainResult::trained is compiler::training_network(image).network with the learned weights.
// Throws nchip::InputError unless options are fixed mode with the image's quant config and
// storage scheme.
TrainResult train_image(const image::ChipImage& image, const TrainOptions& options,
                        const IterationCallback& on_iteration, const std::atomic<bool>* stop,
                        const std::atomic<bool>* stop_now = nullptr);

}  // namespace nchip::runtime
