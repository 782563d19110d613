// `nchip train --algorithm bptt`: the float reference trained with the exact gradient instead of
// e-prop, the baseline the paper compares e-prop with (store-recall: 28 iterations with BPTT, 50
// with e-prop 1). Per trial the forward pass is recorded on a tape, the error's derivative
// dE/dy^t is formed as the e-prop engine forms it (regression y - y*, classification pi - pi*,
// only where the task has a target), and hw_model/functional/bptt.hpp's exact gradients are summed
// over the batch. The firing-rate regularization enters as the same direct dE/dz_j^t = c (f_j -
// f_target) the engine folds into its learning signals (previous batch's rate, eq. 56).
#pragma once

#include <cstdint>
#include <vector>

#include "hw_model/functional/bptt.hpp"
#include "hw_model/learning/eprop_engine.hpp"
#include "runtime/tasks/trial.hpp"

namespace nchip::runtime {

class BpttLearner {
 public:
  BpttLearner(const model::NetworkModel<arith::FloatOps>& model, const learning::EpropConfig& config);

  // One trial: begin_trial(), then per step tape().record_before(sim), sim.step(x),
  // tape().record_after(sim, x), then end_trial(trial) runs the backward pass.
  void begin_trial() { tape_.clear(); }
  functional::BpttTape& tape() { return tape_; }
  void end_trial(const Trial& trial);
  void end_batch();  // the batch's rates become the regularization term of the next batch
  // The regularization term carried to the next batch, for checkpoints (state_vectors.hpp).
  learning::StateVectors state() const { return {learning::state_vector("bptt.regularization", regularization_)}; }
  void restore(const learning::StateVectors& saved) {
    learning::restore_vector(saved, "bptt.regularization", regularization_, regularization_.size());
  }

  double gradient(learning::SynapseSet set, size_t synapse) const;
  void clear_gradients();
  uint64_t trial_spikes() const { return tape_.spike_count(); }
  // neuron_s: the recorded forward passes (added by the caller); learning_signal_s: the backward
  // passes; eligibility_s stays 0 (BPTT keeps no traces).
  learning::EpropTimers& timers() { return timers_; }
  const learning::EpropTimers& timers() const { return timers_; }

 private:
  const model::NetworkModel<arith::FloatOps>& model_;
  learning::EpropConfig config_;
  functional::BpttTape tape_;
  std::vector<double> grad_input_, grad_recurrent_, grad_output_;
  std::vector<double> regularization_;  // direct dE/dz_j^t of every step, per neuron
  std::vector<uint64_t> batch_spikes_;
  uint64_t batch_steps_ = 0;
  learning::EpropTimers timers_;
};

}  // namespace nchip::runtime
