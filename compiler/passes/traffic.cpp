#include "compiler/passes/traffic.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "compiler/measured_activity.hpp"
#include "compiler/passes/usage.hpp"
#include "hw_model/error.hpp"

namespace nchip::compiler {

using model::PopulationRole;

SliceTraffic slice_traffic(const model::NetworkModel<arith::FixedOps>& net,
                           const std::vector<image::Slice>& slices, const std::vector<uint64_t>* spikes_per_source) {
  const uint32_t n = net.n_neurons();
  std::vector<uint32_t> unit_slice(size_t{n} + net.n_readouts(), 0);
  for (uint32_t s = 0; s < slices.size(); ++s) {
    const auto& pop = net.populations[slices[s].population];
    if (pop.role == PopulationRole::input) continue;
    const uint32_t u0 = first_unit(net, pop) + slices[s].first;
    for (uint32_t i = 0; i < slices[s].count; ++i) unit_slice[u0 + i] = s;
  }
  SliceTraffic t;
  t.out.resize(slices.size());
  std::vector<uint32_t> neurons_to(slices.size(), 0);  // per destination, for the current slice
  std::vector<uint64_t> spikes_to(spikes_per_source ? slices.size() : 0, 0);  // the same in measured spikes
  if (spikes_per_source) t.spikes.resize(slices.size());
  std::vector<uint32_t> seen_by(slices.size(), UINT32_MAX);  // last source neuron that counted it
  std::vector<uint32_t> touched;
  for (uint32_t s = 0; s < slices.size(); ++s) {
    const auto& slice = slices[s];
    if (!slice.sends) continue;
    const auto& pop = net.populations[slice.population];
    touched.clear();
    const auto visit = [&](const model::SynapseMatrix<arith::FixedOps>& m, uint32_t source,
                           uint32_t unit_offset, uint32_t stamp) {
      for (uint32_t i = m.row_start[source]; i < m.row_start[source + 1]; ++i) {
        const uint32_t d = unit_slice[unit_offset + m.target[i]];
        if (seen_by[d] == stamp) continue;
        seen_by[d] = stamp;
        if (neurons_to[d]++ == 0) touched.push_back(d);
        if (spikes_per_source) spikes_to[d] += (*spikes_per_source)[stamp];
      }
    };
    for (uint32_t i = 0; i < slice.count; ++i) {
      const uint32_t local = pop.first + slice.first + i;
      // A stamp unique to (slice, neuron) so one neuron counts once per destination: its source index.
      const uint32_t stamp = source_index(net, pop, slice.first + i);
      if (pop.role == PopulationRole::input) {
        visit(net.input_synapses, local, 0, stamp);
      } else {
        visit(net.recurrent_synapses, local, 0, stamp);
        visit(net.readout_synapses, local, n, stamp);
      }
    }
    std::sort(touched.begin(), touched.end());
    for (uint32_t d : touched) {
      t.out[s].emplace_back(d, neurons_to[d]);
      neurons_to[d] = 0;
      if (spikes_per_source) {
        t.spikes[s].push_back(spikes_to[d]);
        spikes_to[d] = 0;
      }
    }
  }
  return t;
}

void check_fan_out(const model::NetworkModel<arith::FixedOps>& net, const std::vector<image::Slice>& slices,
                   const std::vector<uint32_t>& core, const SliceTraffic& traffic, const image::ChipConfig& chip) {
  // Fan-out is a core's: the distinct cores its slices' spikes go to (packed slices share a core).
  std::vector<std::vector<uint32_t>> to(chip.tiles());
  std::vector<uint32_t> first_slice(chip.tiles(), UINT32_MAX);
  for (uint32_t s = 0; s < slices.size(); ++s) {
    if (core[s] == UINT32_MAX) continue;  // input slices: the host has no fan-out table
    if (first_slice[core[s]] == UINT32_MAX) first_slice[core[s]] = s;
    for (const auto& [d, neurons] : traffic.out[s]) to[core[s]].push_back(core[d]);
  }
  for (uint32_t c = 0; c < to.size(); ++c) {
    auto& list = to[c];
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
    if (list.size() <= chip.core_max_fan_out) continue;
    uint32_t last = first_slice[c];
    while (last + 1 < slices.size() && core[last + 1] == c) ++last;
    const image::Slice& s = slices[first_slice[c]];
    const std::string packed = last > first_slice[c] ? fmt::format(" (core {} holds {} slices from it on)", c, last - first_slice[c] + 1) : std::string();
    throw InputError(fmt::format(
        "population '{}' neurons {}-{} send spikes to {} cores{}; chip '{}' allows {} per core "
        "(core_max_fan_out): use a chip with a larger fan-out or fewer, larger cores",
        net.populations[s.population].name, s.first, s.first + s.count - 1, list.size(), packed,
        chip.name, chip.core_max_fan_out));
  }
}

}  // namespace nchip::compiler
