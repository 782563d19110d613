// The golden functional simulator: the whole chip as one flat network, stepped in discrete time
// (dt = 1 step). It is the reference the SystemC model and the RTL are checked against, so it is
// deliberately plain: contiguous arrays, event-driven synaptic input, no virtual calls.
#pragma once

#include <cstdint>
#include <vector>

#include "hw_model/model/delay_ring.hpp"
#include "hw_model/model/network_model.hpp"

namespace nchip::functional {

using arith::Num;
using arith::Quantity;

template <class Ops>
class Simulator {
 public:
  // `seed` keys the stochastic-rounding draws; the model and ops must outlive the simulator.
  Simulator(const model::NetworkModel<Ops>& model, Ops ops, uint64_t seed);

  void reset();  // all state to zero, step counter to 0

  // Advances one step t -> t + 1 with the inputs x[t] (sorted indices of spiking inputs):
  // readouts become y[t] (eq. 41, from z[t]), then neurons integrate x[t] and z[t] (eq. 20).
  // Over a synapse with delay d (SynapseMatrix::delay_steps), x[t] and z[t] arrive d - 1 steps later.
  void step(const std::vector<uint32_t>& active_inputs);

  uint64_t steps_done() const { return step_; }
  const std::vector<arith::SpikingState<Ops>>& neurons() const { return state_; }
  const std::vector<Num<Ops, Quantity::voltage>>& readouts() const { return readout_; }
  // z after the last step (indices of neurons with z = 1), and the z the readouts saw in it.
  const std::vector<uint32_t>& spikes() const { return spikes_; }
  const std::vector<uint32_t>& previous_spikes() const { return previous_spikes_; }
  // Synaptic events delivered so far (one per synapse per presynaptic spike).
  uint64_t synaptic_events() const { return synaptic_events_; }
  const Ops& ops() const { return ops_; }
  const model::NetworkModel<Ops>& model() const { return model_; }

 private:
  const model::NetworkModel<Ops>& model_;
  Ops ops_;
  uint64_t seed_;
  uint64_t step_ = 0;
  uint64_t synaptic_events_ = 0;
  std::vector<arith::SpikingState<Ops>> state_;
  std::vector<Num<Ops, Quantity::voltage>> readout_;
  std::vector<Num<Ops, Quantity::synaptic_current>> readout_current_;  // CubaLI readouts' i (0 otherwise)
  model::DelayRing<typename Ops::WeightSum> neuron_input_;   // per neuron and delay slot
  model::DelayRing<typename Ops::WeightSum> readout_input_;
  std::vector<uint32_t> spikes_;
  std::vector<uint32_t> previous_spikes_;
};

extern template class Simulator<arith::FloatOps>;
extern template class Simulator<arith::FixedOps>;

}  // namespace nchip::functional
