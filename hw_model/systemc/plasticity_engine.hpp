// A neuron core's plasticity engine: the full scheme's per-synapse learning state (eps_a, the
// kappa-filtered eligibility, the weight-change accumulator) of every plastic input and recurrent
// synapse onto the core's neurons, as the core's SRAM beside the eligibility-trace unit would hold
// it. Each learning step it runs the ETU over those synapses with the step's traces and the
// learning signals the learning-signal unit broadcast (functional::etu_pass: the same loop and
// the same arith::etu_update the functional engine runs), accumulating weight changes until the
// runtime reads them at the end of the batch. Plain C++: the core's timing stays in NeuronCore.
#pragma once

#include <cstdint>
#include <vector>

#include "hw_model/functional/eligibility_pass.hpp"
#include "hw_model/systemc/etu_unit.hpp"

namespace nchip::systemc {

class PlasticityEngine {
 public:
  using Ops = arith::FixedOps;
  using State = arith::EtuSynapseState<Ops>;

  // The synapses onto neurons [first, first + count) of `network` (count 0: an engine with none).
  void load(const model::NetworkModel<Ops>& network, uint32_t neuron_first, uint32_t neuron_count);

  void begin_trial();      // eps_a and filtered to zero (a new trial); accumulators kept
  void clear_gradients();  // accumulators to zero (a new batch)
  // One step of the ETU over this core's synapses; returns the unit's cycles when an EtuUnit is
  // attached (0 for the built-in C++ unit, whose time NeuronCore::compute accounts).
  uint64_t step(const Ops& ops, const functional::EtuStepView<Ops>& input,
                const functional::EtuStepView<Ops>& recurrent);

  // Replaces the C++ unit (nullptr restores it); not owned.
  void set_unit(EtuUnit* unit) { unit_ = unit; }
  bool has_unit() const { return unit_ != nullptr; }

  const std::vector<functional::PlasticSynapse>& input_synapses() const { return input_; }
  const std::vector<functional::PlasticSynapse>& recurrent_synapses() const { return recurrent_; }
  size_t plastic_synapses() const { return input_.size() + recurrent_.size(); }
  // State at a position of input_synapses() / recurrent_synapses().
  const State& input_state(size_t position) const { return input_state_[position]; }
  const State& recurrent_state(size_t position) const { return recurrent_state_[position]; }

 private:
  void gather(const std::vector<functional::PlasticSynapse>& list, const functional::EtuStepView<Ops>& view,
              std::vector<State>& state);

  std::vector<functional::PlasticSynapse> input_, recurrent_;
  std::vector<State> input_state_, recurrent_state_;
  EtuUnit* unit_ = nullptr;
  std::vector<EtuRequest> batch_;  // reused: the step's requests for an attached unit
};

}  // namespace nchip::systemc
