// Measured firing for placement (issue #16, `nchip compile --rates-from-run STEPS`): how many
// spikes each source neuron sent in a run of the compiled network, and what placement makes of
// them. The compiler only takes the counts; the runtime produces them (the compiler must not
// include a chip model), so this is plain data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hw_model/arith/ops.hpp"
#include "hw_model/model/network_model.hpp"

namespace nchip::compiler {

// Per source neuron, in the sources' numbering (inputs [0, n_inputs), then spiking neurons, as in
// IncomingSynapses): its spikes in `steps` steps. Counts per neuron, not a rate per population:
// the placement weight of a (slice, destination) link is then the exact number of packets the run
// sent over it, an integer, so the search compares costs exactly; and a hot part of a population
// that is cut over several cores weighs on its own core only.
struct MeasuredActivity {
  uint32_t steps = 0;
  std::vector<uint64_t> spikes_per_source;
};

// What placement at measured rates achieved, in measured spikes x hops over the whole run (divide
// by `steps` for per step). Both placements are searched; the one with the lower measured cost is
// used (the flat one on a tie), so measuring never makes placement worse at the measured rates.
struct MeasuredPlacement {
  uint32_t steps = 0;
  uint64_t spike_hops = 0;               // the placement used
  uint64_t flat_placement_spike_hops = 0;  // the placement the flat rate estimate gives
  uint64_t row_major_spike_hops = 0;
  bool measured_placement_used = false;  // false: the flat placement was as good or better
};

struct PopulationRate {
  std::string population;
  std::string role;  // "input" or "spiking"
  uint32_t neurons = 0;
  uint64_t spikes = 0;
  double rate_hz = 0.0;
};

// Spikes and mean rate of every input and spiking population (readouts do not spike).
std::vector<PopulationRate> population_rates(const model::NetworkModel<arith::FixedOps>& network,
                                             const MeasuredActivity& activity, double dt_ms);

// The source index of neuron `i` of a population (inputs first, then spiking neurons).
inline uint32_t source_index(const model::NetworkModel<arith::FixedOps>& network, const model::PopulationSpan& span,
                             uint32_t i) {
  return (span.role == model::PopulationRole::spiking ? network.n_inputs : 0) + span.first + i;
}

}  // namespace nchip::compiler
