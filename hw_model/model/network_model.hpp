// The network as the chip models see it: derived constants and weights already in the number
// system of the ops type (double for the float reference, raw fixed point for the chip), synapses
// grouped by source for event-driven delivery. Produced by compiler/lower; no floats reach a
// fixed-point model through it.
#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "hw_model/arith/neuron.hpp"

namespace nchip::model {

// The longest synaptic delay a projection may have, in steps: the depth of a core's delay ring
// (model/delay_ring.hpp). Loihi's synaptic delays are 6-bit (0-62 steps, Davies et al. 2018);
// 64 keeps the per-synapse field one byte and the ring a power of two.
inline constexpr uint32_t kMaxDelaySteps = 64;

using arith::Num;
using arith::Quantity;

// Where a synapse came from, so learned weights can be written back to the IR.
struct SynapseOrigin {
  uint32_t projection = 0;  // index in ir::Network::projections
  uint32_t position = 0;    // dense: post * source_size + pre; sparse: index in synapses
};

// Compressed rows by source: the synapses of source s are [row_start[s], row_start[s + 1]),
// sorted by target, so delivering a spike is one contiguous walk.
template <class Ops>
struct SynapseMatrix {
  uint32_t n_sources = 0;
  uint32_t n_targets = 0;
  std::vector<uint32_t> row_start{0};
  std::vector<uint32_t> target;
  std::vector<Num<Ops, Quantity::weight>> weight;
  // Weight exponent e of each synapse (its projection's): the real weight is raw * 2^(e - frac)
  // in fixed point; always 0 for the float reference, whose weights are real values.
  std::vector<int8_t> exponent;
  std::vector<uint8_t> plastic;  // 1 if e-prop may change this synapse
  std::vector<SynapseOrigin> origin;
  // Synaptic delay of each synapse in steps (its projection's delay_steps, issue #14): a spike
  // sent at step t reaches the target's input sum for step t + delay. Empty when every synapse has
  // the chip's plain 1-step delay, so networks without delays keep their exact former layout.
  std::vector<uint8_t> delay_steps;

  size_t size() const { return target.size(); }
  uint32_t delay_of(size_t synapse) const { return delay_steps.empty() ? 1u : delay_steps[synapse]; }
  uint32_t max_delay_steps() const {
    return delay_steps.empty() ? 1u : *std::max_element(delay_steps.begin(), delay_steps.end());
  }
};

enum class PopulationRole : uint8_t { input, spiking, readout };

// A population's slice of its role's index space (inputs, spiking neurons or readouts).
struct PopulationSpan {
  std::string name;
  PopulationRole role = PopulationRole::spiking;
  bool adaptive = false;
  uint32_t first = 0;
  uint32_t size = 0;
};

template <class Ops>
struct NetworkModel {
  std::string name;
  uint64_t seed = 0;
  uint32_t n_inputs = 0;
  std::vector<arith::SpikingParams<Ops>> neurons;  // LIF and ALIF, in population order
  std::vector<arith::ReadoutParams<Ops>> readouts;
  SynapseMatrix<Ops> input_synapses;      // input -> spiking neuron
  SynapseMatrix<Ops> recurrent_synapses;  // spiking -> spiking
  SynapseMatrix<Ops> readout_synapses;    // spiking -> readout
  std::vector<PopulationSpan> populations;

  uint32_t n_neurons() const { return static_cast<uint32_t>(neurons.size()); }
  uint32_t n_readouts() const { return static_cast<uint32_t>(readouts.size()); }
  uint32_t max_delay_steps() const {
    return std::max({input_synapses.max_delay_steps(), recurrent_synapses.max_delay_steps(),
                     readout_synapses.max_delay_steps()});
  }
};

}  // namespace nchip::model
