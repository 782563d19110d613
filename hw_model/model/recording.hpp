// What a run of any chip model records for the user (spikes, readouts, voltages in real units),
// and the input spike trains it is driven with: one definition the functional and the SystemC
// model both fill.
#pragma once

#include <cstdint>
#include <vector>

#include "hw_model/arith/quantity.hpp"

namespace nchip::model {

using InputSpikes = std::vector<std::vector<uint32_t>>;  // [step] -> sorted active inputs

struct Recording {
  uint32_t steps = 0;
  uint32_t n_neurons = 0;
  uint32_t n_readouts = 0;
  std::vector<std::vector<uint32_t>> spikes;  // [step] -> neurons that fired in that step
  std::vector<double> readouts;               // [step * n_readouts + k], y after the step
  std::vector<double> voltages;               // [step * n_neurons + j] when requested
  std::vector<double> currents;               // CUBA's synaptic current i, alike (0 for LIF/ALIF)
  uint64_t synaptic_events = 0;
  arith::SaturationCounts saturations;        // fixed mode only
};

}  // namespace nchip::model
