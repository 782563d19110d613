#include "compiler/measured_activity.hpp"

#include <stdexcept>

namespace nchip::compiler {

std::vector<PopulationRate> population_rates(const model::NetworkModel<arith::FixedOps>& network,
                                             const MeasuredActivity& activity, double dt_ms) {
  if (activity.spikes_per_source.size() != size_t{network.n_inputs} + network.n_neurons())
    throw std::logic_error("population_rates: spike counts do not match the network's sources");
  std::vector<PopulationRate> out;
  const double seconds = activity.steps * dt_ms * 1e-3;
  for (const auto& span : network.populations) {
    if (span.role == model::PopulationRole::readout) continue;
    PopulationRate r;
    r.population = span.name;
    r.role = span.role == model::PopulationRole::input ? "input" : "spiking";
    r.neurons = span.size;
    for (uint32_t i = 0; i < span.size; ++i) r.spikes += activity.spikes_per_source[source_index(network, span, i)];
    r.rate_hz = span.size && seconds > 0 ? static_cast<double>(r.spikes) / (span.size * seconds) : 0.0;
    out.push_back(r);
  }
  return out;
}

}  // namespace nchip::compiler
