#include "hw_model/functional/simulator.hpp"

#include <algorithm>

namespace nchip::functional {

namespace {

// Adds each source's synapses into the ring slot of their delay (model/delay_ring.hpp).
template <class Ops>
uint64_t deliver(const model::SynapseMatrix<Ops>& synapses, const std::vector<uint32_t>& sources,
                 const Ops& ops, model::DelayRing<typename Ops::WeightSum>& sums) {
  uint64_t events = 0;
  // Without delays every synapse adds to the next step's slot: one slot lookup for all of them.
  typename Ops::WeightSum* const next_step = sums.slot(1);
  const bool delayed = !synapses.delay_steps.empty();
  for (uint32_t source : sources) {
    const uint32_t begin = synapses.row_start[source];
    const uint32_t end = synapses.row_start[source + 1];
    if (delayed)
      for (uint32_t s = begin; s < end; ++s)
        accumulate(ops, sums.pending(synapses.target[s], synapses.delay_steps[s]), synapses.weight[s],
                   synapses.exponent[s]);
    else
      for (uint32_t s = begin; s < end; ++s)
        accumulate(ops, next_step[synapses.target[s]], synapses.weight[s], synapses.exponent[s]);
    events += end - begin;
  }
  return events;
}

}  // namespace

template <class Ops>
Simulator<Ops>::Simulator(const model::NetworkModel<Ops>& model, Ops ops, uint64_t seed)
    : model_(model), ops_(ops), seed_(seed) {
  reset();
}

template <class Ops>
void Simulator<Ops>::reset() {
  step_ = 0;
  synaptic_events_ = 0;
  state_.assign(model_.n_neurons(), arith::SpikingState<Ops>{});
  readout_.assign(model_.n_readouts(), Num<Ops, Quantity::voltage>{});
  readout_current_.assign(model_.n_readouts(), Num<Ops, Quantity::synaptic_current>{});
  neuron_input_.assign(model_.n_neurons(),
                       std::max(model_.input_synapses.max_delay_steps(), model_.recurrent_synapses.max_delay_steps()));
  readout_input_.assign(model_.n_readouts(), model_.readout_synapses.max_delay_steps());
  spikes_.clear();
  previous_spikes_.clear();
}

template <class Ops>
void Simulator<Ops>::step(const std::vector<uint32_t>& active_inputs) {
  const Ops& ops = ops_;
  const uint32_t n_neurons = model_.n_neurons();
  arith::DrawKey key{seed_, 0, 0, step_};

  // y[t] from z[t] (eq. 41: no delay between a spike and the readout it drives; CubaLI through
  // its current i[t], neuron.hpp).
  synaptic_events_ += deliver(model_.readout_synapses, spikes_, ops, readout_input_);
  for (uint32_t k = 0; k < model_.n_readouts(); ++k) {
    key.index = n_neurons + k;
    const auto input = arith::readout_drive(ops, model_.readouts[k], readout_current_[k], readout_input_.due(k), key);
    readout_[k] = readout_step(ops, model_.readouts[k], readout_[k], input, key);
  }
  readout_input_.advance();

  // v[t+1] from x[t] and z[t] (eq. 20; CUBA through i[t+1], neuron.hpp); a projection with delay
  // d > 1 adds x[t] and z[t] to v[t+d] instead (issue #14).
  synaptic_events_ += deliver(model_.input_synapses, active_inputs, ops, neuron_input_);
  synaptic_events_ += deliver(model_.recurrent_synapses, spikes_, ops, neuron_input_);

  previous_spikes_.swap(spikes_);
  spikes_.clear();
  for (uint32_t j = 0; j < n_neurons; ++j) {
    key.index = j;
    const auto input = arith::synaptic_drive(ops, model_.neurons[j], state_[j], neuron_input_.due(j), key);
    spiking_step(ops, model_.neurons[j], state_[j], input, key);
    if (state_[j].z) spikes_.push_back(j);
  }
  neuron_input_.advance();
  ++step_;
}

template class Simulator<arith::FloatOps>;
template class Simulator<arith::FixedOps>;

}  // namespace nchip::functional
