#include "hw_model/systemc/plasticity_engine.hpp"

namespace nchip::systemc {

void PlasticityEngine::load(const model::NetworkModel<Ops>& network, uint32_t first, uint32_t count) {
  input_ = functional::plastic_synapses(network.input_synapses, network.n_inputs, first, first + count);
  recurrent_ = functional::plastic_synapses(network.recurrent_synapses, network.n_neurons(), first, first + count);
  input_state_.assign(input_.size(), State{});
  recurrent_state_.assign(recurrent_.size(), State{});
}

void PlasticityEngine::begin_trial() {
  for (auto& s : input_state_) s.eps_a = s.filtered = {};
  for (auto& s : recurrent_state_) s.eps_a = s.filtered = {};
}

void PlasticityEngine::clear_gradients() {
  for (auto& s : input_state_) s.accumulator = {};
  for (auto& s : recurrent_state_) s.accumulator = {};
}

void PlasticityEngine::gather(const std::vector<functional::PlasticSynapse>& list,
                              const functional::EtuStepView<Ops>& view, std::vector<State>& state) {
  functional::for_each_etu_update(list, view, [&](size_t p, const functional::PlasticSynapse&,
                                                  const arith::EtuNeuronInput<Ops>& n,
                                                  const arith::Num<Ops, arith::Quantity::trace>& zbar,
                                                  const arith::DrawKey& key) {
    batch_.push_back({n, zbar, &state[p], key});
  });
}

uint64_t PlasticityEngine::step(const Ops& ops, const functional::EtuStepView<Ops>& input,
                                const functional::EtuStepView<Ops>& recurrent) {
  if (!unit_) {
    functional::etu_pass(ops, input_, input, input_state_.data());
    functional::etu_pass(ops, recurrent_, recurrent, recurrent_state_.data());
    return 0;
  }
  // Each synapse appears once per step, so the batch never issues a synapse twice in flight.
  batch_.clear();
  gather(input_, input, input_state_);
  gather(recurrent_, recurrent, recurrent_state_);
  return unit_->run(ops, batch_);
}

}  // namespace nchip::systemc
