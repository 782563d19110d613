// Runs a network for a number of steps and records what a user looks at: spikes, readouts and
// (optionally) membrane voltages, in real units.
#pragma once

#include <cstdint>
#include <vector>

#include "hw_model/functional/simulator.hpp"

namespace nchip::functional {

using InputSpikes = std::vector<std::vector<uint32_t>>;  // [step] -> sorted active inputs

struct Recording {
  uint32_t steps = 0;
  uint32_t n_neurons = 0;
  uint32_t n_readouts = 0;
  std::vector<std::vector<uint32_t>> spikes;  // [step] -> neurons that fired in that step
  std::vector<double> readouts;               // [step * n_readouts + k], y after the step
  std::vector<double> voltages;               // [step * n_neurons + j] when requested
  uint64_t synaptic_events = 0;
  arith::SaturationCounts saturations;        // fixed mode only
};

// Steps beyond inputs.size() get no input spikes. Exact: readouts and voltages of a fixed-point
// run are raw * 2^-frac, which double represents without rounding.
template <class Ops>
Recording run_network(const model::NetworkModel<Ops>& model, Ops ops, const InputSpikes& inputs,
                      uint32_t steps, uint64_t seed, bool record_voltages);

extern template Recording run_network(const model::NetworkModel<arith::FloatOps>&, arith::FloatOps,
                                      const InputSpikes&, uint32_t, uint64_t, bool);
extern template Recording run_network(const model::NetworkModel<arith::FixedOps>&, arith::FixedOps,
                                      const InputSpikes&, uint32_t, uint64_t, bool);

}  // namespace nchip::functional
