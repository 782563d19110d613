// The per-synapse loop of the eligibility-trace unit, shared by the functional e-prop engine (all
// plastic synapses of the network) and the SystemC chip's per-core PlasticityEngine (the synapses
// onto one core): one list of plastic synapses, one call of arith::etu_update per entry, so the
// two models can't drift apart. Which synapses a caller visits, and where their state lives, is
// the caller's business; what each visit computes is this file's.
#pragma once

#include <cstdint>
#include <vector>

#include "hw_model/arith/eligibility.hpp"
#include "hw_model/model/network_model.hpp"

namespace nchip::learning {

using arith::Num;
using arith::Quantity;

// One plastic synapse of a matrix: its index there, its presynaptic source and postsynaptic
// target (global indices), where the caller keeps the presynaptic trace it reads (`trace_slot`)
// and the postsynaptic neuron's inputs (`neuron`): the functional engine keeps every trace
// ([group * n_sources + source]) and every neuron, a core only the trace slots and the neurons of
// the synapses onto it.
struct PlasticSynapse {
  uint32_t synapse = 0, source = 0, target = 0, trace_slot = 0, neuron = 0;
};

// The plastic synapses of `m` whose target lies in [target_first, target_end), source-major (the
// order the engine has always visited them in, which the ETU observer's record files rely on);
// trace_slot = slot_of(source, target), neuron = target - target_first.
template <class Ops, class SlotOf>
std::vector<PlasticSynapse> plastic_synapses(const model::SynapseMatrix<Ops>& m, uint32_t n_sources,
                                             uint32_t target_first, uint32_t target_end, SlotOf&& slot_of) {
  std::vector<PlasticSynapse> out;
  for (uint32_t i = 0; i < n_sources; ++i)
    for (uint32_t s = m.row_start[i]; s < m.row_start[i + 1]; ++s)
      if (m.plastic[s] && m.target[s] >= target_first && m.target[s] < target_end)
        out.push_back({s, i, m.target[s], static_cast<uint32_t>(slot_of(i, m.target[s])), m.target[s] - target_first});
  return out;
}

// What one step of the ETU reads for one synapse set, besides the synapse's own state: the
// presynaptic traces zbar^{t-1} (at each synapse's trace_slot), the neuron inputs (h^t, L^t
// broadcast by the learning-signal unit, rho, beta, kappa; at each synapse's `neuron`) and the draw
// key {seed of the set, 0, -, step} (the synapse index goes into key.index).
template <class Ops>
struct EtuStepView {
  const Num<Ops, Quantity::trace>* traces = nullptr;
  const arith::EtuNeuronInput<Ops>* neurons = nullptr;
  arith::DrawKey key{};
};

// Visits `synapses` in order: visit(position, synapse, neuron input, zbar, key). The visit either
// calls arith::etu_update on the state at `position` (etu_pass below) or hands the update to
// another implementation of the unit (the RTL in the loop), which must compute the same thing.
template <class Ops, class Visit>
void for_each_etu_update(const std::vector<PlasticSynapse>& synapses, const EtuStepView<Ops>& view,
                         Visit&& visit) {
  arith::DrawKey key = view.key;
  for (size_t p = 0; p < synapses.size(); ++p) {
    const PlasticSynapse& ps = synapses[p];
    key.index = ps.synapse;
    visit(p, ps, view.neurons[ps.neuron], view.traces[ps.trace_slot], key);
  }
}

// The C++ unit: state[position] updated in place by arith::etu_update.
template <class Ops>
void etu_pass(const Ops& ops, const std::vector<PlasticSynapse>& synapses, const EtuStepView<Ops>& view,
              arith::EtuSynapseState<Ops>* state) {
  for_each_etu_update(synapses, view, [&](size_t p, const PlasticSynapse&, const arith::EtuNeuronInput<Ops>& n,
                                          const Num<Ops, Quantity::trace>& zbar, const arith::DrawKey& key) {
    arith::etu_update(ops, n, zbar, state[p], key);
  });
}

}  // namespace nchip::learning
