#include "runtime/train/train_options.hpp"

#include <cmath>

#include <fmt/core.h>

#include <algorithm>

#include "hw_model/error.hpp"

namespace nchip::runtime {

void apply_task_defaults(const std::string& task, TrainOptions& o) {
  o.task = task;
  if (task == "pattern-generation") {
    // "Adam ... learning rate of 0.003 ... decayed with a multiplicative factor of 0.7 every 100
    // iterations. A batch size of a single trial"; regularization towards 10 Hz.
    o.lr = 0.003;
    o.lr_decay_every = 100;
    o.lr_decay_factor = 0.7;
    o.batch = 1;
    o.eprop.error = learning::ErrorKind::regression;
  } else if (task == "store-recall") {
    // "learning rate of 0.01 and the Adam algorithm ... After 100 iterations, the learning rate
    // was decayed with a multiplicative factor of 0.3. ... A batch size of 128 trials".
    o.lr = 0.01;
    o.lr_decay_every = 100;
    o.lr_decay_factor = 0.3;
    o.batch = 128;
    o.eprop.error = learning::ErrorKind::classification;
  } else if (task == "evidence-accumulation") {
    // NEST eprop_supervised_classification_evidence-accumulation_bsshslm_2020: Adam, eta 5e-3,
    // batch 32, no decay; regularization towards f_target = 10 Hz.
    o.lr = 5e-3;
    o.lr_decay_every = 0;
    o.lr_decay_factor = 1.0;
    o.batch = 32;
    o.eprop.error = learning::ErrorKind::classification;
  }
  o.eprop.reg_strength = 1.0;
  o.eprop.reg_target_rate_hz = 10.0;
}

OptimizerKind default_optimizer(const TrainOptions& o) {
  if (o.mode == TrainMode::float_reference) return OptimizerKind::adam;
  const bool batch_update = o.eprop.storage == learning::StorageScheme::full;
  const bool classification = o.task == "store-recall" || o.task == "evidence-accumulation";
  return classification && batch_update ? OptimizerKind::sign : OptimizerKind::sgd;
}

double fixed_sgd_default_lr(const TrainOptions& o, uint32_t recurrent_neurons) {
  // The accumulator sums L * ebar over every step of every trial of a batch, so one SGD step grows
  // with steps x batch, and a readout sums its recurrent_neurons weights, so a step of each moves
  // the output n times as far. The constants are lr x steps x batch x n of the rates measured to
  // learn (bench/README.md, "e-prop training"): pattern generation 9e-6 at 1000 steps on 100 LIF
  // and 1.5e-6 on the paper's 600 LIF (0.9 both; 9e-6 on 600 LIF diverged at iteration 3),
  // store-recall 1e-5 at 2400 steps, batch 128, 20 neurons (61.44).
  const bool pattern = o.task == "pattern-generation";
  const double lr_steps_batch_neurons = pattern ? 0.9 : 1e-5 * 2400 * 128 * 20;
  const double steps = o.steps.value_or(make_training_task(o)->steps());
  return lr_steps_batch_neurons / (steps * o.batch * std::max<uint32_t>(recurrent_neurons, 1));
}

double fixed_adafactor_default_lr(uint32_t recurrent_neurons) {
  return kAdafactorLrSqrtNeurons / std::sqrt(double(std::max<uint32_t>(recurrent_neurons, 1)));
}

void apply_default_lr(TrainOptions& o, uint32_t recurrent_neurons) {
  if (o.optimizer == OptimizerKind::sign) o.lr = kSignDefaultLr;
  else if (o.optimizer == OptimizerKind::lion) o.lr = kLionDefaultLr;
  else if (o.mode != TrainMode::fixed_chip) return;
  else if (o.eprop.storage == learning::StorageScheme::factored) o.lr = kFactoredDefaultLr;
  else if (o.optimizer == OptimizerKind::sgd) o.lr = fixed_sgd_default_lr(o, recurrent_neurons);
  else if (o.optimizer == OptimizerKind::adafactor && o.task == "pattern-generation")
    o.lr = fixed_adafactor_default_lr(recurrent_neurons);
}

uint32_t recurrent_neuron_count(const ir::Network& network) {
  uint32_t n = 0;
  for (const auto& p : network.populations)
    if (ir::is_spiking(p.type)) n += p.size;
  return n;
}

bool is_training_task(const std::string& task) {
  return task == "pattern-generation" || task == "store-recall" || task == "evidence-accumulation";
}

namespace {
// --data: the shared trial-set task behind the unique_ptr the trainer owns.
class SharedTask final : public Task {
 public:
  explicit SharedTask(std::shared_ptr<const Task> task) : task_(std::move(task)) {}
  std::string name() const override { return task_->name(); }
  uint32_t n_inputs() const override { return task_->n_inputs(); }
  uint32_t n_outputs() const override { return task_->n_outputs(); }
  LossKind loss() const override { return task_->loss(); }
  uint32_t steps() const override { return task_->steps(); }
  Trial make_trial(uint64_t seed, uint64_t trial_index) const override { return task_->make_trial(seed, trial_index); }

 private:
  std::shared_ptr<const Task> task_;
};
}  // namespace

std::unique_ptr<Task> make_training_task(const TrainOptions& o) {
  if (o.data) {
    if (o.steps) throw InputError("--steps: the trial length comes from --data");
    return std::make_unique<SharedTask>(o.data);
  }
  TaskOptions shape = o.task_shape;
  if (o.steps) shape.steps = o.steps;
  return make_task(o.task, shape);
}

void validate(const TrainOptions& o) {
  if (!is_training_task(o.task))
    throw InputError(fmt::format("--task: expected pattern-generation, store-recall or evidence-accumulation, got '{}'",
                                 o.task));
  if (o.iterations == 0) throw InputError("--iterations must be at least 1");
  if (o.batch == 0) throw InputError("--batch must be at least 1");
  if (!(o.lr > 0) || o.lr >= 256) throw InputError(fmt::format("--lr must be in (0, 256), got {}", o.lr));
  if (o.mode == TrainMode::fixed_chip && (o.optimizer == OptimizerKind::adam || o.optimizer == OptimizerKind::adafactor)) {
    if (o.eprop.storage == learning::StorageScheme::factored)
      throw InputError(fmt::format("--optimizer {}: --storage factored moves each weight online by +-1 LSB, there is no "
                                   "batch update for its second moment", to_string(o.optimizer)));
    const std::string why = arith::adam_format_problem(o.quant);
    if (!why.empty()) throw InputError(fmt::format("--optimizer {} --quant: {}", to_string(o.optimizer), why));
  }
  if (o.algorithm == Algorithm::bptt && o.optimizer == OptimizerKind::adafactor)
    throw InputError("--optimizer adafactor with --algorithm bptt: use --algorithm eprop");
  if (o.eprop.storage == learning::StorageScheme::factored &&
      (o.optimizer == OptimizerKind::sign || o.optimizer == OptimizerKind::lion))
    throw InputError(fmt::format("--optimizer {}: --storage factored moves each weight online by +-1 LSB, there is "
                                 "no batch update to take the sign of", o.optimizer == OptimizerKind::sign ? "sign" : "lion"));
  if (o.algorithm == Algorithm::bptt && o.optimizer == OptimizerKind::lion && o.mode != TrainMode::float_reference)
    throw InputError("--optimizer lion with --algorithm bptt: use --mode float");
  if (o.mode == TrainMode::float_reference && o.eprop.storage == learning::StorageScheme::factored)
    throw InputError("--storage factored is an on-chip scheme: use it with --mode fixed");
  if (o.lr_decay_every > 0 && !(o.lr_decay_factor > 0 && o.lr_decay_factor <= 1))
    throw InputError(fmt::format("--lr-decay-factor must be in (0, 1], got {}", o.lr_decay_factor));
  if (!(o.adam_beta1 >= 0 && o.adam_beta1 < 1) || !(o.adam_beta2 >= 0 && o.adam_beta2 < 1))
    throw InputError("--adam-beta1/--adam-beta2 must be in [0, 1)");
  // Written so that NaN fails too (every comparison with NaN is false): a NaN strength or rate
  // would train on NaN and record null metrics (issue #15 row 11).
  if (!(o.adam_epsilon > 0 && std::isfinite(o.adam_epsilon)))
    throw InputError(fmt::format("--adam-epsilon must be a finite number > 0, got {}", o.adam_epsilon));
  if (o.lion.beta1_shift < 1 || o.lion.beta1_shift > 16 || o.lion.beta2_shift < 1 || o.lion.beta2_shift > 16)
    throw InputError(fmt::format("--lion-beta1-shift/--lion-beta2-shift must be in 1..16, got {} and {}",
                                 o.lion.beta1_shift, o.lion.beta2_shift));
  if (!(o.eprop.reg_strength >= 0 && std::isfinite(o.eprop.reg_strength)))
    throw InputError(fmt::format("--reg-strength must be a finite number >= 0, got {}", o.eprop.reg_strength));
  if (!(o.eprop.reg_target_rate_hz >= 0 && std::isfinite(o.eprop.reg_target_rate_hz)))
    throw InputError(fmt::format("--target-rate must be a finite rate >= 0 Hz, got {}", o.eprop.reg_target_rate_hz));
  if (o.steps && *o.steps == 0) throw InputError("--steps must be at least 1");
  (void)make_training_task(o);  // the task's shape options
  if (o.mode == TrainMode::fixed_chip) {
    const std::string why = o.quant.problem();
    if (!why.empty()) throw InputError("--quant: " + why);
  }
  if (o.algorithm == Algorithm::bptt && o.mode != TrainMode::float_reference)
    throw InputError("--algorithm bptt is the float reference's exact gradient: use it with --mode float");
  if (o.etu_observer && (o.mode != TrainMode::fixed_chip || o.eprop.storage != learning::StorageScheme::full))
    throw InputError("--record-etu: only --mode fixed with --storage full runs the eligibility-trace unit "
                     "the RTL implements");
  using arith::ClassificationError;
  if (o.eprop.error == learning::ErrorKind::classification) {
    if (o.mode == TrainMode::float_reference && o.eprop.classification == ClassificationError::softmax_exp_lut)
      throw InputError("--softmax lut is the chip's approximation: use it with --mode fixed");
    if (o.mode == TrainMode::fixed_chip && o.eprop.classification == ClassificationError::softmax_exact)
      throw InputError("--softmax exact: the chip has no exp(); use lut or hard-sigmoid with --mode fixed");
  }
}

const char* to_string(TrainMode mode) {
  return mode == TrainMode::float_reference ? "float" : "fixed";
}
const char* to_string(Algorithm algorithm) {
  return algorithm == Algorithm::eprop ? "eprop" : "bptt";
}
learning::BatchRule batch_rule(OptimizerKind kind) {
  return kind == OptimizerKind::sign ? learning::BatchRule::sign
         : kind == OptimizerKind::lion ? learning::BatchRule::lion
         : kind == OptimizerKind::adam ? learning::BatchRule::adam
         : kind == OptimizerKind::adafactor ? learning::BatchRule::adafactor
                                       : learning::BatchRule::sgd;
}

arith::AdamShifts chip_adam_shifts(const TrainOptions& o) {
  return {arith::beta_shift(o.adam_beta1), arith::beta_shift(o.adam_beta2)};
}

uint32_t optimizer_state_bits(OptimizerKind kind, const arith::QuantConfig& quant) {
  return learning::optimizer_state_bits(batch_rule(kind), quant);
}

const char* to_string(OptimizerKind kind) {
  switch (kind) {
    case OptimizerKind::sgd: return "sgd";
    case OptimizerKind::sign: return "sign";
    case OptimizerKind::adam: return "adam";
    case OptimizerKind::lion: return "lion";
    case OptimizerKind::adafactor: return "adafactor";
  }
  return "?";
}
const char* to_string(learning::FeedbackKind kind) {
  switch (kind) {
    case learning::FeedbackKind::random: return "random";
    case learning::FeedbackKind::symmetric: return "symmetric";
    case learning::FeedbackKind::global: return "global";
  }
  return "?";
}

}  // namespace nchip::runtime
