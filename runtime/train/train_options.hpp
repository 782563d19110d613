// What `nchip train` (and the Trainer) is asked to do: task, number system, learning rule and
// optimizer. Defaults follow Bellec et al. 2019, "Details to simulations for e-prop 1".
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "compiler/ir/network.hpp"
#include "hw_model/arith/ops.hpp"
#include "hw_model/arith/quant_config.hpp"
#include "hw_model/learning/batch_update.hpp"
#include "hw_model/learning/eligibility_owner.hpp"
#include "hw_model/learning/eprop_config.hpp"
#include "hw_model/image/chip_config.hpp"
#include "hw_model/systemc/params.hpp"
#include "runtime/tasks/task.hpp"

namespace nchip::functional {
template <class Ops>
class EtuObserver;  // hw_model/learning/eprop_engine.hpp
}

namespace nchip::runtime {

struct TrainingState;  // trainer.hpp

enum class TrainMode : uint8_t { float_reference, fixed_chip };
enum class OptimizerKind : uint8_t { sgd, sign, adam, lion, adafactor };
// How gradients are formed: e-prop (the chip's rule, float or fixed) or BPTT (the float
// reference's exact gradient, the baseline e-prop is compared with).
enum class Algorithm : uint8_t { eprop, bptt };

struct TrainOptions {
  std::string task = "store-recall";
  TrainMode mode = TrainMode::float_reference;
  arith::QuantConfig quant;  // fixed mode only
  Algorithm algorithm = Algorithm::eprop;
  learning::EpropConfig eprop;  // feedback, storage, regularization, classification error
  uint32_t iterations = 100;
  uint32_t batch = 1;
  std::optional<uint32_t> steps;  // trial length override (default: the task's)
  // The task's shape and timing (--inputs, --outputs, --cues, ..., --preset); unset fields keep the
  // task's defaults. `steps` above overrides task_shape.steps.
  TaskOptions task_shape;
  // --data FILE: the trials come from this task (runtime/data's TrialSetTask) instead of the
  // generator o.task names; o.task then only picks the defaults (pattern-generation's for
  // regression data, evidence-accumulation's for classification). Not owned exclusively.
  std::shared_ptr<const Task> data;
  // Float reference: SGD, sign SGD or Adam on the host (Kingma & Ba 2014 defaults). Fixed: SGD
  // or sign SGD on chip with a u32.24 learning rate (hw_model/arith/weight_update.hpp); Adam is
  // refused (two more words per synapse).
  OptimizerKind optimizer = OptimizerKind::adam;
  double lr = 0.01;
  double adam_beta1 = 0.9, adam_beta2 = 0.999, adam_epsilon = 1e-8;
  arith::LionBetas lion;  // --optimizer lion: beta = 1 - 2^-shift (hw_model/arith/lion_update.hpp)
  // --lr-shifts fan-in: projection p learns at lr * 2^-shift_p (hw_model/learning/
  // projection_lr_shift.hpp), sgd, sign, lion and adam, float and fixed. Off by default.
  bool lr_shifts = false;
  uint32_t lr_decay_every = 0;  // 0: never
  double lr_decay_factor = 1.0;
  uint64_t seed = 1;
  // Classification: fresh trials scored after each update; 0 scores the batch's own trials
  // instead (their recall error before the update, IterationRecord::train_recall_error).
  uint32_t validation_trials = 32;
  // Held-out test trials (kTestTrialBase + 0..test_trials-1) scored once with the final weights
  // (classification tasks that have a test set: fashion-mnist, --data files with /split = 2).
  uint32_t test_trials = 0;
  // --backend systemc (fixed mode): trials run on the cycle-approximate SystemC chip, compiled for
  // `chip`; results are the functional backend's bit for bit, plus the chip's timing (issue #5).
  bool systemc_backend = false;
  image::ChipConfig chip;
  systemc::SystemcParams systemc;
  // Sees every eligibility-trace-unit update of the training trials (not the validation trials,
  // which do not learn), e.g. `nchip train --record-etu`. Fixed mode with the full storage scheme
  // only (the RTL's FixedOps ETU); not owned.
  learning::EtuObserver<arith::FixedOps>* etu_observer = nullptr;
  // Called once, after every check has passed and the run is set up, before iteration 1 (nchip
  // train prints its header there, so an error never follows the header). May be empty.
  std::function<void()> on_start;
  // With lr_shifts: called right after on_start with one line per plastic projection
  // ("lr shift: in->rec fan-in 20 exponent -1: 2^-0"). May be empty.
  std::function<void(const std::string&)> on_lr_shift;
  // Checkpoints (nchip train --checkpoint-every, --resume): with on_checkpoint set, the trainer
  // hands it the run's whole state (trainer.hpp TrainingState) at the start, after every
  // checkpoint_every-th iteration, or (checkpoint_every 0) after the first iteration that ends at
  // least checkpoint_seconds of wall time after the last checkpoint (0: only the others), after
  // the last one and when stopped. The schedule never changes a result, only what a kill costs.
  // resume_from (not owned) continues such a state: bit for bit the run that wrote it.
  uint32_t checkpoint_every = 0;
  double checkpoint_seconds = 0;
  std::function<void(const TrainingState&)> on_checkpoint;
  const TrainingState* resume_from = nullptr;
};

// SGD learning rate of the fixed-point chip for o.task, o.steps (unset: the task's), o.batch and
// the network's number of recurrent (LIF + ALIF) neurons (the float defaults are Adam's, which
// normalizes the step; plain SGD on summed gradients needs a much smaller rate, one that shrinks
// as steps x batch grows, and as the readout's fan-in grows: every readout weight moves at once).
double fixed_sgd_default_lr(const TrainOptions& o, uint32_t recurrent_neurons);

// Online rate of the factored scheme (+-1 LSB with probability lr |L e| / LSB per step with a
// target), the one measured to learn on the 60-LIF pattern-generation network (bench/README.md).
inline constexpr double kFactoredDefaultLr = 3e-4;

// On-chip Adafactor's rate for pattern generation: kAdafactorLrSqrtNeurons / sqrt(N), N the LIF +
// ALIF neurons. Adafactor moves every weight by about lr per batch whatever its gradient's size,
// and a readout sums N of them with uncorrelated signs, so the output moves by ~lr sqrt(N): the
// rule keeps that constant. 0.03 gives 0.003 on the 100-LIF example (3 seeds at 300 iterations:
// better than 0.002) and 0.0012 on the paper's 600 LIF, where 0.003 stalls 3 of 4 runs near
// NMSE 1 and 0.001-0.002 learn (bench/README.md, "Why 16-bit Adafactor failed").
inline constexpr double kAdafactorLrSqrtNeurons = 0.03;
double fixed_adafactor_default_lr(uint32_t recurrent_neurons);

// Sets o.lr to the default of o's optimizer and storage scheme: sign kSignDefaultLr, factored
// kFactoredDefaultLr, on-chip SGD fixed_sgd_default_lr, on-chip Adafactor on pattern generation
// fixed_adafactor_default_lr; Adam, float SGD and float Adafactor keep the task's rate
// (apply_task_defaults). For `nchip train` without --lr, once the network is known.
void apply_default_lr(TrainOptions& o, uint32_t recurrent_neurons);

// LIF + ALIF neurons of a network (the readouts' fan-in).
uint32_t recurrent_neuron_count(const ir::Network& network);

// The optimizer `nchip train` uses without --optimizer: the paper's Adam in float; on chip (Adam
// needs two more words per synapse) SGD for pattern generation and the sign update for
// store-recall and evidence-accumulation (the classification tasks), where one SGD rate cannot serve input, recurrent and output weights whose batch
// gradients differ ~20x in RMS (SGD stays at chance; sign SGD learns, bench/README.md). The
// factored scheme updates online with its own +-1 LSB rule; its optimizer field stays sgd.
// Reads o.task, o.mode and o.eprop.storage.
OptimizerKind default_optimizer(const TrainOptions& o);

// Learning rate of the sign update (--optimizer sign), float and fixed, both tasks: every synapse
// moves by lr per batch. Measured on store-recall (batch 32, float, seed 1): 0.003 first below
// 5 % error at iteration 53, 0.01 at 102 (noisier), 0.001 still 0.32 at 120 (bench/README.md).
inline constexpr double kSignDefaultLr = 0.003;

// Learning rate of Lion (--optimizer lion, hw_model/arith/lion_update.hpp): a sign step like
// --optimizer sign, so the same scale; measured on pattern generation (bench/README.md).
inline constexpr double kLionDefaultLr = 0.003;

// Paper defaults per task (lr, decay, batch, regularization), applied before command-line flags.
void apply_task_defaults(const std::string& task, TrainOptions& options);

// The task o describes (o.task, o.task_shape, o.steps). Throws nchip::InputError for a bad shape.
std::unique_ptr<Task> make_training_task(const TrainOptions& o);

// The tasks `nchip train` can train (those with a target).
bool is_training_task(const std::string& task);

// Throws nchip::InputError for an unusable combination (one line naming the flags).
void validate(const TrainOptions& options);

const char* to_string(TrainMode mode);
const char* to_string(Algorithm algorithm);
const char* to_string(OptimizerKind kind);

// The chip's batch rule of an optimizer.
learning::BatchRule batch_rule(OptimizerKind kind);
// Optimizer state bits per plastic synapse on chip (learning::optimizer_state_bits).
uint32_t optimizer_state_bits(OptimizerKind kind, const arith::QuantConfig& quant);
// On-chip Adam's betas: the powers of two nearest to --adam-beta1/--adam-beta2 (0.9 -> 1 - 2^-3,
// 0.999 -> 1 - 2^-10), hw_model/arith/adam_update.hpp.
arith::AdamShifts chip_adam_shifts(const TrainOptions& o);
const char* to_string(learning::FeedbackKind kind);
using model::to_string;  // StorageScheme (hw_model/model/learning_state.hpp)

}  // namespace nchip::runtime
