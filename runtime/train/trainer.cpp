#include "runtime/train/trainer.hpp"

#include <fmt/core.h>

#include <chrono>
#include <cmath>
#include <memory>
#include <type_traits>

#include "compiler/image_network.hpp"
#include "compiler/ir/size_limit.hpp"
#include "compiler/lower.hpp"
#include "compiler/passes/quantize.hpp"
#include "compiler/quant_config_json.hpp"
#include "hw_model/arith/weight_update.hpp"
#include "hw_model/error.hpp"
#include "hw_model/functional/simulator.hpp"
#include "hw_model/learning/eprop_engine.hpp"
#include "hw_model/learning/projection_lr_shift.hpp"
#include "hw_model/learning/trainable_neurons.hpp"
#include "runtime/backend/systemc_trainer_backend.hpp"
#include "runtime/tasks/task.hpp"
#include "runtime/train/bptt_learner.hpp"
#include "runtime/train/optimizer.hpp"
#include "runtime/train/trial_score.hpp"
#include "runtime/train/update_reach.hpp"

namespace nchip::runtime {

namespace {

using Clock = std::chrono::steady_clock;
using learning::SynapseSet;
using arith::Quantity;
using arith::Num;

double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// A network fits a task when its input and readout counts are the task's (set by --inputs, --outputs).
void require_task_shape(const std::string& network_name, uint32_t inputs, uint32_t readouts, const Task& task) {
  if (inputs != task.n_inputs())
    throw InputError(fmt::format("network '{}' has {} inputs but task '{}' drives {} (the task's --inputs)",
                                 network_name, inputs, task.name(), task.n_inputs()));
  if (readouts != task.n_outputs())
    throw InputError(fmt::format("network '{}' has {} readouts but task '{}' trains {} (the task's --outputs)",
                                 network_name, readouts, task.name(), task.n_outputs()));
}

// e-prop's presynaptic traces (eq. 22, the windowed ETU) and BPTT's unrolling assume the chip's
// 1-step synaptic delay (eq. 20). A projection with delay d > 1 would need z_{t-d} in its source's
// trace, per projection; that is not implemented, so training such a network is refused (running,
// evaluating and compiling it are not).
void require_one_step_delays(const ir::Network& network) {
  for (const auto& p : network.projections)
    if (p.delay_steps != 1)
      throw InputError(fmt::format("network '{}': projection '{}' -> '{}' has delay_steps {}; training (e-prop, "
                                   "BPTT) supports only the 1-step synaptic delay",
                                   network.name, p.source, p.target, p.delay_steps));
}

template <class Ops>
struct Matrices {
  model::SynapseMatrix<Ops>* m[3];
  static constexpr SynapseSet kSets[3] = {SynapseSet::input, SynapseSet::recurrent, SynapseSet::readout};
};

double weight_real(const arith::FloatOps&, double w, int) { return w; }
double weight_real(const arith::FixedOps& ops, arith::Fx<Quantity::weight> w, int exponent) {
  return std::ldexp(static_cast<double>(w.raw), exponent - (*ops.q)[Quantity::weight].frac);
}

template <class Ops>
ir::Network write_back(const ir::Network& network, const model::NetworkModel<Ops>& model, const Ops& ops) {
  ir::Network out = network;
  for (auto& p : out.projections) p.random_init.reset();  // the weights are explicit now
  for (const auto* m : {&model.input_synapses, &model.recurrent_synapses, &model.readout_synapses})
    for (size_t s = 0; s < m->size(); ++s) {
      const auto& o = m->origin[s];
      auto& proj = out.projections[o.projection];
      const double w = weight_real(ops, m->weight[s], m->exponent[s]);
      if (proj.dense) proj.weights[o.position] = w;
      else proj.synapses[o.position].weight = w;
    }
  return out;
}

template <class Ops>
std::vector<Num<Ops, Quantity::voltage>> targets_of(const Trial& trial, const Ops& ops) {
  // Targets are host data loaded into the learning-signal unit in the voltage format.
  std::vector<Num<Ops, Quantity::voltage>> out(trial.target.size());
  for (size_t i = 0; i < out.size(); ++i) out[i] = arith::from_real<Quantity::voltage>(ops, trial.target[i]);
  return out;
}

template <class Ops>
std::vector<double> readouts_real(const functional::Simulator<Ops>& sim, const Ops& ops) {
  std::vector<double> y;
  y.reserve(sim.readouts().size());
  for (const auto& v : sim.readouts()) y.push_back(arith::real(ops, v));
  return y;
}

template <class Ops>
class TrainingRun {
 public:
  // `model` is lower(network, ops), or (fixed mode) a chip image's own model with `image` the
  // image, whose placement the SystemC backend then loads instead of compiling `network`.
  // `evaluation_only`: the run only scores trials (evaluate()), so a configuration that could not
  // move a weight is no reason to refuse it.
  TrainingRun(const ir::Network& network, model::NetworkModel<Ops> model, const TrainOptions& o, Ops ops,
              arith::SaturationCounts* counts, const image::ChipImage* image = nullptr,
              bool evaluation_only = false)
      : network_(network), o_(o), ops_(ops), counts_(counts), model_(std::move(model)) {
    (void)image;  // used by the fixed-point instantiation only
    if (counts_) *counts_ = {};  // quantizing the network is the compiler's report, not training's
    task_ = make_training_task(o);
    require_task_shape(network.name, model_.n_inputs, model_.n_readouts(), *task_);
    if (model_.n_neurons() == 0) throw InputError("network '" + network.name + "' has no spiking neurons");
    if (!evaluation_only) {
      if (const std::string why = learning::untrainable_population(model_); !why.empty())
        throw InputError("network '" + network.name + "': " + why);
      require_one_step_delays(network);
    }
    if constexpr (std::is_same_v<Ops, arith::FixedOps>) {
      const std::string problem = evaluation_only ? std::string() : update_reach(network, model_, o).problem;
      if (!problem.empty()) throw InputError(problem);
    }
    (void)evaluation_only;  // used by the fixed-point instantiation only
    for (auto* m : matrices())
      for (size_t s = 0; s < m->size(); ++s)
        if (m->plastic[s]) initial_weights_.push_back(m->weight[s]);
    learning::EpropConfig ec = o.eprop;
    ec.seed = o.seed;
    ec.online_lr = o.lr;
    ec.error = task_->loss() == LossKind::mse ? learning::ErrorKind::regression
                                              : learning::ErrorKind::classification;
    if constexpr (std::is_same_v<Ops, arith::FloatOps>)
      if (o.algorithm == Algorithm::bptt) bptt_ = std::make_unique<BpttLearner>(model_, ec);
    if (!bptt_) engine_ = std::make_unique<learning::EpropEngine<Ops>>(model_, ops_, ec);
    if constexpr (std::is_same_v<Ops, arith::FixedOps>)
      if (o.etu_observer) engine_->set_etu_observer(o.etu_observer);
    if constexpr (std::is_same_v<Ops, arith::FixedOps>)
      if (o.systemc_backend)
        chip_ = image ? std::make_unique<TrainerChip>(*image, model_, ops_, o.systemc)
                      : std::make_unique<TrainerChip>(network, model_, ops_, o.chip, o.quant, o.systemc,
                                                      batch_rule(o.optimizer));
    if constexpr (std::is_same_v<Ops, arith::FloatOps>) {
      size_t n = 0;
      for (auto* m : matrices())
        for (size_t s = 0; s < m->size(); ++s) n += m->plastic[s];
      if (o.optimizer == OptimizerKind::adam)
        optimizer_ = std::make_unique<AdamOptimizer>(n, o.adam_beta1, o.adam_beta2, o.adam_epsilon);
      else if (o.optimizer == OptimizerKind::sign)
        optimizer_ = std::make_unique<SignOptimizer>();
      else if (o.optimizer == OptimizerKind::lion)
        optimizer_ = std::make_unique<LionOptimizer>(n, o.lion);
      else if (o.optimizer == OptimizerKind::adafactor)
        optimizer_ = std::make_unique<AdafactorOptimizer>(adafactor_factors(), chip_adam_shifts(o),
                                                          o.adam_epsilon * o.adam_epsilon);
      else
        optimizer_ = std::make_unique<SgdOptimizer>();
    }
    if (o.lr_shifts) set_up_lr_shifts();
  }

  // Scores trials first_trial .. first_trial + trials - 1 of the task without learning, each
  // simulated from a reset network with the same noise seed as the trainer's validation uses.
  TrialScore evaluate(uint64_t first_trial, uint32_t trials) {
    TrialScore total;
    for (uint32_t v = 0; v < trials; ++v) {
      const uint64_t index = first_trial + v;
      total += run_trial(task_->make_trial(o_.seed, index), arith::splitmix64_mix(o_.seed ^ index), false);
    }
    return total;
  }

  arith::SaturationCounts saturations() const { return counts_ ? *counts_ : arith::SaturationCounts{}; }

  TrainResult run(const IterationCallback& on_iteration, const std::atomic<bool>* stop,
                  const std::atomic<bool>* stop_now = nullptr) {
    TrainResult result;
    result.metric_name = task_->loss() == LossKind::mse ? "nmse" : "recall_error_rate";
    uint32_t first_iteration = 0;
    if (o_.resume_from) {  // before on_start: a checkpoint of another configuration is refused first
      restore(*o_.resume_from);
      result.curve = o_.resume_from->curve;
      first_iteration = o_.resume_from->iterations_done;
      for (const auto& rec : result.curve) note_below_5_percent(result, rec);
    }
    if (o_.on_start) o_.on_start();
    if (o_.on_lr_shift)
      for (const auto& p : lr_shifts_) {
        const auto& proj = network_.projections.at(p.projection);
        o_.on_lr_shift(fmt::format("lr shift: {}->{} fan-in {:.4g} exponent {}: lr x 2^-{}", proj.source, proj.target,
                                   p.fan_in, p.exponent, p.shift));
      }
    if (!o_.resume_from && o_.on_checkpoint)
      o_.on_checkpoint(snapshot(result));  // a run killed during iteration 1 resumes from here
    uint32_t checkpointed = first_iteration;
    auto last_checkpoint = Clock::now();
    const auto checkpoint_due = [&](uint32_t iteration) {
      if (iteration == o_.iterations) return true;
      if (o_.checkpoint_every > 0) return iteration % o_.checkpoint_every == 0;
      return o_.checkpoint_seconds > 0 && since(last_checkpoint) >= o_.checkpoint_seconds;
    };
    for (uint32_t it = first_iteration; it < o_.iterations; ++it) {
      if (stop && stop->load()) {
        result.interrupted = true;
        break;
      }
      const auto t0 = Clock::now();
      const learning::EpropTimers timers_before = timers();
      IterationRecord rec;
      rec.iteration = it + 1;
      rec.lr = o_.lr;
      if (o_.lr_decay_every > 0) rec.lr *= std::pow(o_.lr_decay_factor, it / o_.lr_decay_every);

      clear_gradients();
      TrialScore batch_score;
      uint64_t spikes = 0, steps = 0;
      bool abandoned = false;
      for (uint32_t b = 0; b < o_.batch; ++b) {
        if (stop_now && stop_now->load()) {
          abandoned = true;
          break;
        }
        const Trial trial = task_->make_trial(o_.seed, uint64_t{it} * o_.batch + b);
        batch_score += run_trial(trial, arith::splitmix64_mix(o_.seed ^ (uint64_t{it} * o_.batch + b)), true);
        spikes += bptt_ ? bptt_->trial_spikes() : engine_->trial_spikes();
        steps += trial.steps;
      }
      if (abandoned) {  // a second signal: keep the weights of the last finished iteration
        result.interrupted = true;
        break;
      }
      if (bptt_) bptt_->end_batch();
      else engine_->end_batch();
      const auto t_update = Clock::now();
      apply_updates(it, rec.lr);
      rec.update_s = since(t_update);

      rec.loss = batch_score.loss / o_.batch;
      rec.train_recall_error = batch_score.recall_error_rate();
      rec.mean_rate_hz = steps ? double(spikes) / (double(steps) * model_.n_neurons()) * 1000.0 / network_.dt_ms : 0;
      const auto t_val = Clock::now();
      if (task_->loss() == LossKind::mse) {
        rec.metric = batch_score.nmse();
      } else {
        const TrialScore val = evaluate(validation_trial_index(it + 1, o_.validation_trials), o_.validation_trials);
        rec.metric = o_.validation_trials ? val.recall_error_rate() : rec.train_recall_error;
        note_below_5_percent(result, rec);
      }
      rec.validation_s = since(t_val);
      const learning::EpropTimers& tm = timers();
      rec.neuron_s = tm.neuron_s - timers_before.neuron_s;
      rec.learning_signal_s = tm.learning_signal_s - timers_before.learning_signal_s;
      rec.eligibility_s = tm.eligibility_s - timers_before.eligibility_s;
      rec.weight_update_saturations = weight_update_saturations_;
      rec.online_updates = engine_ ? engine_->online_updates() : 0;
      rec.seconds = since(t0);
      result.curve.push_back(rec);
      if (on_iteration) on_iteration(rec);
      if (o_.on_checkpoint && checkpoint_due(rec.iteration)) {
        o_.on_checkpoint(snapshot(result));
        checkpointed = rec.iteration;
        last_checkpoint = Clock::now();
      }
    }
    if (o_.on_checkpoint && result.interrupted && checkpointed != result.curve.size())
      o_.on_checkpoint(snapshot(result));  // stopped by a signal: keep every finished iteration
    if (o_.test_trials > 0 && !result.interrupted) {
      result.test_error_rate = evaluate(kTestTrialBase, o_.test_trials).recall_error_rate();
    }
    result.trained = write_back(network_, model_, ops_);
    if (counts_) result.saturations = *counts_;
    result.weight_update_saturations = weight_update_saturations_;
    result.plastic_synapses = initial_weights_.size();
    if (o_.optimizer == OptimizerKind::adafactor)
      for (auto* m : matrices())
        result.factor_state_bits += learning::factor_state_bits(*m) / learning::kFactorRegisterBits *
                                    (std::is_same_v<Ops, arith::FixedOps> ? learning::kFactorRegisterBits : 64);
    size_t i = 0;
    for (auto* m : matrices())
      for (size_t s = 0; s < m->size(); ++s)
        if (m->plastic[s]) result.weights_changed += m->weight[s] != initial_weights_[i++];
    if constexpr (std::is_same_v<Ops, arith::FixedOps>) {
      const uint32_t state = optimizer_state_bits(o_.optimizer, o_.quant);
      result.bits_per_synapse_lif = model::plastic_synapse_bits(o_.quant, o_.eprop.storage, false) + state;
      result.bits_per_synapse_alif = model::plastic_synapse_bits(o_.quant, o_.eprop.storage, true) + state;
    } else {
      // The float reference keeps doubles: 64-bit weight, filtered e, accumulator (+ eps_a), and
      // the optimizer's state (Adam m and v, Lion m).
      const int state = o_.optimizer == OptimizerKind::adam ? 2 * 64 : o_.optimizer == OptimizerKind::lion ? 64 : 0;
      result.bits_per_synapse_lif = 3 * 64 + state;
      result.bits_per_synapse_alif = 4 * 64 + state;
    }
    return result;
  }

 private:
  void note_below_5_percent(TrainResult& result, const IterationRecord& rec) const {
    if (task_->loss() != LossKind::mse && !result.first_iteration_below_5_percent && rec.metric < 0.05)
      result.first_iteration_below_5_percent = rec.iteration;
  }

  static constexpr const char* kWeightVectors[3] = {"weights.input", "weights.recurrent", "weights.readout"};

  // The state after the iterations of `result` (between batches): trainer.hpp TrainingState.
  TrainingState snapshot(const TrainResult& result) {
    TrainingState state;
    state.iterations_done = static_cast<uint32_t>(result.curve.size());
    state.curve = result.curve;
    if (counts_) state.saturations = *counts_;
    state.weight_update_saturations = weight_update_saturations_;
    for (int set = 0; set < 3; ++set)
      state.vectors.push_back(learning::state_vector(kWeightVectors[set], matrices()[set]->weight));
    if (engine_) learning::append(state.vectors, engine_->state());
    if constexpr (std::is_same_v<Ops, arith::FloatOps>)
      if (bptt_) learning::append(state.vectors, bptt_->state());
    if (optimizer_) learning::append(state.vectors, optimizer_->state());
    return state;
  }

  // Throws nchip::InputError when `state` is not this configuration's (a vector missing or of
  // another size).
  void restore(const TrainingState& state) {
    if (state.curve.size() != state.iterations_done || state.iterations_done > o_.iterations)
      throw InputError(fmt::format("checkpoint: {} iterations done ({} curve rows) of {}", state.iterations_done,
                                   state.curve.size(), o_.iterations));
    for (int set = 0; set < 3; ++set)
      learning::restore_vector(state.vectors, kWeightVectors[set], matrices()[set]->weight, matrices()[set]->size());
    if (engine_) engine_->restore(state.vectors);
    if constexpr (std::is_same_v<Ops, arith::FloatOps>)
      if (bptt_) bptt_->restore(state.vectors);
    if (optimizer_) optimizer_->restore(state.vectors);
    if (counts_) *counts_ = state.saturations;
    weight_update_saturations_ = state.weight_update_saturations;
  }

  std::array<model::SynapseMatrix<Ops>*, 3> matrices() {
    return {&model_.input_synapses, &model_.recurrent_synapses, &model_.readout_synapses};
  }

  // The float reference's Adafactor: each plastic parameter's row, column and projection slot, the
  // chip's layout (learning::factor_layout) offset per synapse set.
  AdafactorOptimizer::Factors adafactor_factors() {
    AdafactorOptimizer::Factors f;
    for (auto* m : matrices()) {
      const learning::FactorLayout l = learning::factor_layout(*m);
      for (size_t s = 0; s < m->size(); ++s)
        if (m->plastic[s]) {
          f.row_of.push_back(f.rows + l.row[s]);
          f.column_of.push_back(f.columns + l.column[s]);
          f.slot_of.push_back(f.slots + l.slot[s]);
        }
      for (uint32_t r = 0; r < l.rows(); ++r) f.slot_of_row.push_back(f.slots + r / l.n_targets);
      f.rows += l.rows();
      f.columns += l.columns();
      f.slots += l.slots;
    }
    return f;
  }

  // --lr-shifts: one shift per plastic projection (projection_lr_shift.hpp); the chip's update
  // unit takes them by projection, the host optimizer as a per-parameter scale 2^-shift.
  void set_up_lr_shifts() {
    int weight_frac = -1;  // float: no exponent cap
    if constexpr (std::is_same_v<Ops, arith::FixedOps>) weight_frac = o_.quant[Quantity::weight].frac;
    lr_shifts_ = learning::projection_lr_shifts(model_, o_.lr, weight_frac);
    for (const auto& p : lr_shifts_) {
      if (lr_shift_.size() <= p.projection) lr_shift_.resize(p.projection + 1, 0);
      lr_shift_[p.projection] = static_cast<uint8_t>(p.shift);
    }
    if (optimizer_) {
      std::vector<double> scales;
      for (auto* m : matrices())
        for (size_t s = 0; s < m->size(); ++s)
          if (m->plastic[s]) scales.push_back(std::ldexp(1.0, -lr_shift_[m->origin[s].projection]));
      optimizer_->set_lr_scales(std::move(scales));
    }
  }

  const learning::EpropTimers& timers() const { return bptt_ ? bptt_->timers() : engine_->timers(); }
  void clear_gradients() {
    if (bptt_) bptt_->clear_gradients();
    else engine_->clear_gradients();
  }
  Num<Ops, Quantity::update_accumulator> gradient(SynapseSet set, size_t s) const {
    if constexpr (std::is_same_v<Ops, arith::FloatOps>)
      if (bptt_) return bptt_->gradient(set, s);
    return engine_->gradient(set, s);
  }

  // One trial from a reset network; with `learn` the engine runs beside the simulator.
  TrialScore run_trial(const Trial& trial, uint64_t trial_seed, bool learn) {
    if constexpr (std::is_same_v<Ops, arith::FixedOps>)
      if (chip_) return run_trial_on_chip(trial, trial_seed, learn);
    if constexpr (std::is_same_v<Ops, arith::FloatOps>)
      if (bptt_ && learn) return run_trial_bptt(trial, trial_seed);
    functional::Simulator<Ops> sim(model_, ops_, trial_seed);
    TrialScorer scorer(trial);
    const auto targets = targets_of(trial, ops_);
    const uint32_t K = trial.n_outputs;
    if (learn) engine_->begin_trial();
    for (uint32_t t = 0; t < trial.steps; ++t) {
      if (learn) engine_->step(sim, trial.input_spikes[t], &targets[size_t{t} * K], trial.target_mask[t] != 0);
      else sim.step(trial.input_spikes[t]);
      scorer.add_step(t, readouts_real(sim, ops_));
    }
    if (learn) engine_->end_trial(trial.steps);
    return scorer.finish();
  }

  // run_trial with --algorithm bptt: the forward pass on the tape, then the backward pass.
  TrialScore run_trial_bptt(const Trial& trial, uint64_t trial_seed) {
    const auto start = Clock::now();
    functional::Simulator<Ops> sim(model_, ops_, trial_seed);
    TrialScorer scorer(trial);
    bptt_->begin_trial();
    for (uint32_t t = 0; t < trial.steps; ++t) {
      bptt_->tape().record_before(sim);
      sim.step(trial.input_spikes[t]);
      bptt_->tape().record_after(sim, trial.input_spikes[t]);
      scorer.add_step(t, readouts_real(sim, ops_));
    }
    bptt_->timers().neuron_s += since(start);
    bptt_->end_trial(trial);
    return scorer.finish();
  }

  // run_trial on the SystemC chip (--backend systemc): the same steps, the chip in place of the
  // functional simulator.
  TrialScore run_trial_on_chip(const Trial& trial, uint64_t trial_seed, bool learn) {
    TrialScorer scorer(trial);
    const auto targets = targets_of(trial, ops_);
    const uint32_t K = trial.n_outputs;
    if (learn) engine_->begin_trial();
    chip_->begin_trial(trial_seed);
    for (uint32_t t = 0; t < trial.steps; ++t) {
      if (learn) chip_->eprop_step(*engine_, trial.input_spikes[t], &targets[size_t{t} * K], trial.target_mask[t] != 0);
      else chip_->step(trial.input_spikes[t]);
      scorer.add_step(t, chip_->readouts_real());
    }
    if (learn) engine_->end_trial(trial.steps);
    return scorer.finish();
  }

  void apply_updates(uint32_t iteration, double lr) {
    if (o_.eprop.storage == learning::StorageScheme::factored) return;  // applied online
    // The update's time (+ Lion's m, Adam's m and v).
    if (chip_) chip_->end_batch(learning::optimizer_state_words(batch_rule(o_.optimizer)));
    if constexpr (std::is_same_v<Ops, arith::FloatOps>) {
      std::vector<double> params, grads;
      for (int set = 0; set < 3; ++set) {
        auto* m = matrices()[set];
        for (size_t s = 0; s < m->size(); ++s)
          if (m->plastic[s]) {
            params.push_back(m->weight[s]);
            grads.push_back(gradient(Matrices<Ops>::kSets[set], s));
          }
      }
      optimizer_->update(params, grads, lr);
      size_t i = 0;
      for (auto* m : matrices())
        for (size_t s = 0; s < m->size(); ++s)
          if (m->plastic[s]) m->weight[s] = params[i++];
    } else {
      // On chip: the engine's batch weight-update unit (w - lr * acc, w - lr * sign(acc), Lion or Adam).
      // Adam's bias correction is the host controller's per-batch rate (batch t = iteration + 1).
      const arith::AdamShifts adam = chip_adam_shifts(o_);
      const double rate = o_.optimizer == OptimizerKind::adam ? arith::adam_bias_corrected_lr(lr, adam, iteration + 1)
                          : o_.optimizer == OptimizerKind::adafactor
                              ? arith::adafactor_bias_corrected_lr(lr, adam, iteration + 1)
                              : lr;
      const learning::BatchUpdate update{batch_rule(o_.optimizer), rate, o_.seed, iteration, o_.lion, lr_shift_, adam};
      weight_update_saturations_ += engine_->apply_batch_update(update);
    }
  }

  const ir::Network& network_;
  const TrainOptions& o_;
  Ops ops_;
  arith::SaturationCounts* counts_;
  model::NetworkModel<Ops> model_;
  std::unique_ptr<Task> task_;
  std::unique_ptr<learning::EpropEngine<Ops>> engine_;  // e-prop (null with --algorithm bptt)
  std::unique_ptr<BpttLearner> bptt_;                      // --algorithm bptt (float only)
  std::unique_ptr<TrainerChip> chip_;  // --backend systemc (fixed mode only)
  std::unique_ptr<Optimizer> optimizer_;
  std::vector<learning::ProjectionLrShift> lr_shifts_;  // --lr-shifts, plastic projections
  std::vector<uint8_t> lr_shift_;                      // by IR projection index (empty: none)
  uint64_t weight_update_saturations_ = 0;
  std::vector<Num<Ops, Quantity::weight>> initial_weights_;  // plastic synapses, matrices() order
};

// The network's input and readout counts against the task's shape, before anything is written
// (TrainingRun checks its model the same way).
void check_fits_task(const ir::Network& network, const TrainOptions& o) {
  uint32_t inputs = 0, readouts = 0;
  for (const auto& p : network.populations) {
    if (p.type == ir::PopulationType::input) inputs += p.size;
    if (p.type == ir::PopulationType::readout) readouts += p.size;
  }
  const auto task = make_training_task(o);
  require_task_shape(network.name, inputs, readouts, *task);
  // One trial lives in memory at a time: per step its input spikes, target and mask, the readouts
  // and errors kept for the loss, per-neuron state (BPTT keeps every step's). A rough, generous
  // figure: 10^8 steps of store-recall measured about 8 GB (issue #15 row 12).
  uint64_t neurons = 0;
  for (const auto& p : network.populations)
    if (ir::is_spiking(p.type)) neurons += p.size;
  const double per_step = 64.0 + 16.0 * static_cast<double>(task->n_outputs() + readouts) +
                          (o.algorithm == Algorithm::bptt ? 56.0 : 8.0) * static_cast<double>(neurons);
  ir::check_memory(per_step * task->steps(), fmt::format("a trial of {} steps", task->steps()));
}

std::vector<std::string> reach_warnings(const UpdateReach& reach) {
  if (!reach.problem.empty()) throw InputError(reach.problem);
  if (reach.warning.empty()) return {};
  return {reach.warning};
}

template <class Ops>
EvaluationResult finish_evaluation(TrainingRun<Ops>& run, const TrainOptions& options, uint64_t first_trial,
                                   uint32_t trials) {
  EvaluationResult r;
  r.first_trial = first_trial;
  r.trials = trials;
  r.score = run.evaluate(first_trial, trials);
  const bool regression = make_training_task(options)->loss() == LossKind::mse;
  r.metric_name = regression ? "nmse" : "recall_error_rate";
  r.metric = regression ? r.score.nmse() : r.score.recall_error_rate();
  r.saturations = run.saturations();
  return r;
}

}  // namespace

uint64_t validation_trial_index(uint32_t iteration, uint32_t validation_trials) {
  return kValidationTrialBase + uint64_t{iteration - 1} * validation_trials;
}

EvaluationResult evaluate(const ir::Network& network, const TrainOptions& options, uint64_t first_trial,
                          uint32_t trials) {
  validate(options);
  if (options.mode == TrainMode::float_reference) {
    const arith::FloatOps ops;
    TrainingRun<arith::FloatOps> run(network, compiler::lower(network, ops), options, ops, nullptr, nullptr, true);
    return finish_evaluation(run, options, first_trial, trials);
  }
  arith::SaturationCounts counts;
  const arith::FixedOps ops(options.quant, counts);
  TrainingRun<arith::FixedOps> run(network, compiler::lower(network, ops), options, ops, &counts, nullptr, true);
  return finish_evaluation(run, options, first_trial, trials);
}

EvaluationResult evaluate_image(const image::ChipImage& image, const TrainOptions& options, uint64_t first_trial,
                                uint32_t trials) {
  validate(options);
  if (options.mode != TrainMode::fixed_chip) throw InputError("a chip image runs in fixed mode only");
  compiler::ImageTrainingNetwork net = compiler::training_network(image);
  arith::SaturationCounts counts;
  const arith::FixedOps ops(image.quant, counts);
  TrainOptions o = options;
  o.quant = image.quant;
  TrainingRun<arith::FixedOps> run(net.network, std::move(net.model), o, ops, &counts, nullptr, true);
  return finish_evaluation(run, o, first_trial, trials);
}

std::vector<std::string> check_training(const ir::Network& network, const TrainOptions& options) {
  validate(options);
  check_fits_task(network, options);
  require_one_step_delays(network);
  if (options.mode != TrainMode::fixed_chip) return {};
  // compile's checks (parameters and weights representable, issue #15 rows 6-8), not a quiet saturation.
  return reach_warnings(update_reach(network, compiler::lower_for_fixed_point(network, options.quant), options));
}

std::vector<std::string> check_training_image(const image::ChipImage& image, const TrainOptions& options) {
  validate(options);
  const compiler::ImageTrainingNetwork net = compiler::training_network(image);
  check_fits_task(net.network, options);
  require_one_step_delays(net.network);
  return reach_warnings(update_reach(net.network, net.model, options));
}

TrainResult train(const ir::Network& network, const TrainOptions& options,
                  const IterationCallback& on_iteration, const std::atomic<bool>* stop,
                  const std::atomic<bool>* stop_now) {
  validate(options);
  if (options.mode == TrainMode::float_reference) {
    const arith::FloatOps ops;
    TrainingRun<arith::FloatOps> run(network, compiler::lower(network, ops), options, ops, nullptr);
    return run.run(on_iteration, stop, stop_now);
  }
  arith::SaturationCounts counts;
  const arith::FixedOps ops(options.quant, counts);
  TrainingRun<arith::FixedOps> run(network, compiler::lower(network, ops), options, ops, &counts);
  return run.run(on_iteration, stop, stop_now);
}

TrainResult train_image(const image::ChipImage& image, const TrainOptions& options,
                        const IterationCallback& on_iteration, const std::atomic<bool>* stop,
                        const std::atomic<bool>* stop_now) {
  validate(options);
  if (options.mode != TrainMode::fixed_chip)
    throw InputError("a chip image trains in fixed mode only (it holds no float weights)");
  if (compiler::quant_config_to_json(options.quant) != compiler::quant_config_to_json(image.quant))
    throw InputError("a chip image trains with the quant config it was compiled with");
  if (static_cast<int>(options.eprop.storage) != static_cast<int>(image.storage))
    throw InputError(fmt::format("a chip image compiled for --storage {} trains with that storage scheme",
                                 image::to_string(image.storage)));
  if (image.optimizer_state_bits < optimizer_state_bits(options.optimizer, options.quant))
    throw InputError(fmt::format("--optimizer {} keeps {} bits per plastic synapse the image does not reserve "
                                 "(it has {}): compile it with nchip compile --optimizer {}",
                                 to_string(options.optimizer), optimizer_state_bits(options.optimizer, options.quant),
                                 image.optimizer_state_bits, to_string(options.optimizer)));
  if (image.factor_register_bits < learning::factor_register_bits(batch_rule(options.optimizer)))
    throw InputError(fmt::format("--optimizer {} keeps {}-bit row and column registers per projection the image does "
                                 "not reserve: compile it with nchip compile --optimizer {}",
                                 to_string(options.optimizer),
                                 learning::factor_register_bits(batch_rule(options.optimizer)),
                                 to_string(options.optimizer)));
  compiler::ImageTrainingNetwork net = compiler::training_network(image);
  arith::SaturationCounts counts;
  const arith::FixedOps ops(options.quant, counts);
  TrainingRun<arith::FixedOps> run(net.network, std::move(net.model), options, ops, &counts, &image);
  return run.run(on_iteration, stop, stop_now);
}

}  // namespace nchip::runtime
