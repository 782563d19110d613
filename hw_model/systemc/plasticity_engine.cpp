#include "hw_model/systemc/plasticity_engine.hpp"

#include <unordered_map>

namespace nchip::systemc {

void PlasticityEngine::load(const model::NetworkModel<Ops>& network, uint32_t first, uint32_t count,
                            uint32_t readout_first, uint32_t readout_count) {
  first_ = first;
  count_ = count;
  n_inputs_ = network.n_inputs;
  n_neurons_ = network.n_neurons();
  const learning::AlphaGroups<Ops> groups = learning::alpha_groups(network);
  neuron_in_.assign(count, {});
  L_.assign(count, Signal{});
  for (uint32_t l = 0; l < count; ++l) {
    const auto& n = network.neurons[first + l];
    neuron_in_[l].rho = n.rho;
    neuron_in_[l].beta = n.beta;
    neuron_in_[l].adaptive = n.adaptive;
  }
  // One trace slot per (source, alpha group) that some plastic synapse onto this core reads.
  auto build = [&](const model::SynapseMatrix<Ops>& m, uint32_t n_sources, std::vector<TraceSlot>& slots) {
    slots.clear();
    std::unordered_map<uint64_t, uint32_t> slot_of;
    return learning::plastic_synapses(m, n_sources, first, first + count, [&](uint32_t i, uint32_t j) {
      const uint32_t g = groups.group_of[j];
      const auto [it, fresh] = slot_of.try_emplace(uint64_t{g} * n_sources + i, static_cast<uint32_t>(slots.size()));
      if (fresh) slots.push_back({i, g, groups.alpha[g]});
      return it->second;
    });
  };
  input_ = build(network.input_synapses, n_inputs_, input_slots_);
  recurrent_ = build(network.recurrent_synapses, n_neurons_, recurrent_slots_);
  input_traces_.assign(input_slots_.size(), Trace{});
  recurrent_traces_.assign(recurrent_slots_.size(), Trace{});
  input_state_.assign(input_.size(), State{});
  recurrent_state_.assign(recurrent_.size(), State{});

  // Plastic readout synapses onto this core's readouts, source-major; one zkappa per source.
  readout_kappa_ = network.readouts.empty() ? arith::Num<Ops, arith::Quantity::decay>{} : network.readouts[0].kappa;
  zkappa_sources_.clear();
  output_.clear();
  const auto& ro = network.readout_synapses;
  for (uint32_t j = 0; j < ro.n_sources; ++j)
    for (uint32_t s = ro.row_start[j]; s < ro.row_start[j + 1]; ++s) {
      const uint32_t k = ro.target[s];
      if (!ro.plastic[s] || k < readout_first || k >= readout_first + readout_count) continue;
      if (zkappa_sources_.empty() || zkappa_sources_.back() != j) zkappa_sources_.push_back(j);
      output_.push_back({s, k, static_cast<uint32_t>(zkappa_sources_.size() - 1)});
    }
  zkappa_.assign(zkappa_sources_.size(), Trace{});
  output_gradient_.assign(output_.size(), Accumulator{});
}

void PlasticityEngine::begin_trial() {
  for (auto& s : input_state_) s.eps_a = s.filtered = {};
  for (auto& s : recurrent_state_) s.eps_a = s.filtered = {};
  for (auto& t : input_traces_) t = {};
  for (auto& t : recurrent_traces_) t = {};
  for (auto& t : zkappa_) t = {};
}

void PlasticityEngine::clear_gradients() {
  for (auto& s : input_state_) s.accumulator = {};
  for (auto& s : recurrent_state_) s.accumulator = {};
  for (auto& g : output_gradient_) g = {};
}

void PlasticityEngine::capture(const std::vector<arith::SpikingState<Ops>>& neurons) {
  for (uint32_t l = 0; l < count_; ++l) neuron_in_[l].h = neurons[first_ + l].h;
}

void PlasticityEngine::gather(const std::vector<learning::PlasticSynapse>& list,
                              const learning::EtuStepView<Ops>& view, std::vector<State>& state) {
  learning::for_each_etu_update(list, view, [&](size_t p, const learning::PlasticSynapse&,
                                                  const arith::EtuNeuronInput<Ops>& n,
                                                  const arith::Num<Ops, arith::Quantity::trace>& zbar,
                                                  const arith::DrawKey& key) {
    batch_.push_back({n, zbar, &state[p], key});
  });
}

void PlasticityEngine::advance(const Ops& ops, const learning::LearningStep<Ops>& ls,
                               const std::vector<TraceSlot>& slots, std::vector<Trace>& traces,
                               bool recurrent) const {
  for (size_t q = 0; q < slots.size(); ++q)
    traces[q] = learning::presynaptic_trace_step(ops, ls, slots[q].alpha, traces[q], slots[q].group, n_inputs_,
                                                   n_neurons_, recurrent, slots[q].source);
}

uint64_t PlasticityEngine::step(const Ops& ops, const learning::LearningStep<Ops>& ls, const Signal* err) {
  // Learning signals of this core's neurons from the broadcast errors.
  for (uint32_t l = 0; l < count_; ++l) {
    L_[l] = learning::form_learning_signal(ops, ls, err, first_ + l);
    neuron_in_[l].L = L_[l];
    neuron_in_[l].kappa = ls.eligibility_kappa;
  }
  // Output weights (readout core): zkappa^t, then err_k zkappa_j into each synapse's gradient.
  for (size_t q = 0; q < zkappa_.size(); ++q)
    zkappa_[q] = learning::output_trace_step(ops, ls, readout_kappa_, zkappa_[q], zkappa_sources_[q]);
  if (ls.has_target)
    for (size_t p = 0; p < output_.size(); ++p) {
      const OutputSynapse& o = output_[p];
      if (zkappa_[o.slot].raw == 0) continue;  // err x 0: nothing to add (as the engine skips it)
      output_gradient_[p] = arith::add(
          ops, output_gradient_[p], learning::output_gradient_term(ops, ls, err[o.readout], zkappa_[o.slot], o.synapse));
    }
  // The eligibility-trace unit with zbar^{t-1}, then the traces move to zbar^t.
  const learning::EtuStepView<Ops> input{input_traces_.data(), neuron_in_.data(), {ls.seeds.input, 0, 0, ls.step}};
  const learning::EtuStepView<Ops> recurrent{recurrent_traces_.data(), neuron_in_.data(),
                                               {ls.seeds.recurrent, 0, 0, ls.step}};
  uint64_t cycles = 0;
  if (!unit_) {
    learning::etu_pass(ops, input_, input, input_state_.data());
    learning::etu_pass(ops, recurrent_, recurrent, recurrent_state_.data());
  } else {
    // Each synapse appears once per step, so the batch never issues a synapse twice in flight.
    batch_.clear();
    gather(input_, input, input_state_);
    gather(recurrent_, recurrent, recurrent_state_);
    cycles = unit_->run(ops, batch_);
  }
  advance(ops, ls, input_slots_, input_traces_, false);
  advance(ops, ls, recurrent_slots_, recurrent_traces_, true);
  return cycles;
}

}  // namespace nchip::systemc
