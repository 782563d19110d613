#include "runtime/train/bptt_learner.hpp"

#include <chrono>

#include "hw_model/arith/learning_signal.hpp"

namespace nchip::runtime {

namespace {
void add_to(std::vector<double>& sum, const std::vector<double>& terms) {
  for (size_t i = 0; i < sum.size(); ++i) sum[i] += terms[i];
}
}  // namespace

BpttLearner::BpttLearner(const model::NetworkModel<arith::FloatOps>& model, const learning::EpropConfig& config)
    : model_(model), config_(config) {
  regularization_.assign(model.n_neurons(), 0.0);
  batch_spikes_.assign(model.n_neurons(), 0);
  clear_gradients();
}

void BpttLearner::end_trial(const Trial& trial) {
  const auto start = std::chrono::steady_clock::now();
  const uint32_t K = trial.n_outputs;
  std::vector<std::vector<double>> dE_dy(tape_.steps(), std::vector<double>(K, 0.0));
  for (uint32_t t = 0; t < tape_.steps(); ++t) {
    if (!trial.target_mask[t]) continue;
    const double* y = tape_.readouts(t).data();
    const double* target = &trial.target[size_t{t} * K];
    if (config_.error == learning::ErrorKind::regression) {
      for (uint32_t k = 0; k < K; ++k) dE_dy[t][k] = y[k] - target[k];
    } else {
      arith::classification_error(arith::FloatOps{}, config_.classification, y, target, dE_dy[t].data(), K);
    }
  }
  const functional::BpttGradients g = functional::bptt_gradients(model_, tape_, dE_dy, regularization_, false);
  add_to(grad_input_, g.input);
  add_to(grad_recurrent_, g.recurrent);
  add_to(grad_output_, g.output);
  for (uint32_t t = 0; t < tape_.steps(); ++t)
    for (uint32_t j : tape_.spikes(t)) ++batch_spikes_[j];
  batch_steps_ += tape_.steps();
  timers_.learning_signal_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

void BpttLearner::end_batch() {
  for (size_t j = 0; j < regularization_.size(); ++j)
    regularization_[j] = learning::rate_regularization_dE_dz(config_, batch_spikes_[j], batch_steps_);
  batch_spikes_.assign(batch_spikes_.size(), 0);
  batch_steps_ = 0;
}

double BpttLearner::gradient(learning::SynapseSet set, size_t synapse) const {
  switch (set) {
    case learning::SynapseSet::input: return grad_input_[synapse];
    case learning::SynapseSet::recurrent: return grad_recurrent_[synapse];
    case learning::SynapseSet::readout: return grad_output_[synapse];
  }
  return 0.0;
}

void BpttLearner::clear_gradients() {
  grad_input_.assign(model_.input_synapses.size(), 0.0);
  grad_recurrent_.assign(model_.recurrent_synapses.size(), 0.0);
  grad_output_.assign(model_.readout_synapses.size(), 0.0);
}

}  // namespace nchip::runtime
