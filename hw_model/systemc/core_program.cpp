#include "hw_model/systemc/core_program.hpp"

#include <map>
#include <string>

#include "hw_model/error.hpp"

namespace nchip::systemc {

namespace {

using model::PopulationRole;

constexpr uint32_t kNone = ~0u;

// Collects, per tile, the synapses each key reaches there; flattened into groups at the end.
// std::map keeps the group order deterministic (by key) for any hash-map implementation.
using KeyGroups = std::vector<std::map<uint32_t, std::vector<SynapseRef>>>;

void add_row(const model::SynapseMatrix<arith::FixedOps>& m, SynapseSet set, uint32_t source,
             uint32_t key, const std::vector<uint32_t>& tile_of_target, KeyGroups& groups,
             const char* what) {
  for (uint32_t s = m.row_start[source]; s < m.row_start[source + 1]; ++s) {
    const uint32_t tile = tile_of_target[m.target[s]];
    if (tile == kNone)
      throw InputError(std::string("chip image: a ") + what + " synapse targets a neuron that no core holds");
    groups[tile][key].push_back({set, s});
  }
}

}  // namespace

uint8_t route_of(const image::RouterTable& table, uint32_t key) {
  for (const auto& e : table.entries)
    if ((key & e.mask) == e.key) return e.route;
  return 0;
}

ChipProgram build_program(const image::ChipImage& placement,
                          const model::NetworkModel<arith::FixedOps>& network) {
  ChipProgram p;
  p.mesh_width = placement.chip.mesh_width;
  p.mesh_height = placement.chip.mesh_height;
  p.host_tile = placement.host_tile;
  const uint32_t tiles = placement.chip.tiles();
  if (placement.routers.size() != tiles)
    throw InputError("chip image: routing tables do not match the mesh");
  p.cores.assign(tiles, CoreProgram{});
  p.input_key.assign(network.n_inputs, 0);
  p.input_sends.assign(network.n_inputs, 0);
  p.tile_of_neuron.assign(network.n_neurons(), kNone);
  p.tile_of_readout.assign(network.n_readouts(), kNone);
  std::vector<uint32_t> key_of_neuron(network.n_neurons(), 0);

  for (const auto& slice : placement.slices) {
    if (slice.population >= network.populations.size())
      throw InputError("chip image: a slice names a population the network does not have");
    const auto& pop = network.populations[slice.population];
    if (slice.first + slice.count > pop.size)
      throw InputError("chip image: slice of population '" + pop.name + "' runs past its end");
    const uint32_t first = pop.first + slice.first;
    if (pop.role == PopulationRole::input) {
      for (uint32_t i = 0; i < slice.count; ++i) {
        p.input_key[first + i] = slice.key | i;
        p.input_sends[first + i] = route_of(placement.routers[p.host_tile], slice.key | i) != 0;
      }
      continue;
    }
    if (slice.tile >= tiles) throw InputError("chip image: slice placed off the mesh");
    CoreProgram& core = p.cores[slice.tile];
    // Packed slices (issue #16) extend the core's run; the datapath and the plasticity engine
    // address one contiguous run of neurons and one of readouts.
    const auto extend = [&](uint32_t& run_first, uint32_t& run_count, const char* what) {
      if (run_count == 0) run_first = first;
      else if (run_first + run_count != first)
        throw InputError(std::string("chip image: the ") + what + " slices on core " + std::to_string(slice.tile) +
                         " are not one contiguous run (population '" + pop.name + "')");
      run_count += slice.count;
    };
    if (pop.role == PopulationRole::readout) {
      extend(core.readout_first, core.readout_count, "readout");
      for (uint32_t k = 0; k < slice.count; ++k) p.tile_of_readout[first + k] = slice.tile;
    } else {
      extend(core.neuron_first, core.neuron_count, "neuron");
      const bool routed = slice.sends && route_of(placement.routers[slice.tile], slice.key) != 0;
      for (uint32_t i = 0; i < slice.count; ++i) {
        p.tile_of_neuron[first + i] = slice.tile;
        key_of_neuron[first + i] = slice.key | i;
        core.spike_key.push_back(slice.key | i);
        core.sends.push_back(routed ? 1 : 0);
      }
    }
  }

  KeyGroups groups(tiles);
  for (uint32_t i = 0; i < network.n_inputs; ++i)
    add_row(network.input_synapses, SynapseSet::input, i, p.input_key[i], p.tile_of_neuron, groups, "input");
  for (uint32_t j = 0; j < network.n_neurons(); ++j) {
    add_row(network.recurrent_synapses, SynapseSet::recurrent, j, key_of_neuron[j], p.tile_of_neuron,
            groups, "recurrent");
    add_row(network.readout_synapses, SynapseSet::readout, j, key_of_neuron[j], p.tile_of_readout,
            groups, "readout");
  }
  for (uint32_t t = 0; t < tiles; ++t) {
    CoreProgram& core = p.cores[t];
    for (auto& [key, refs] : groups[t]) {
      core.group_of_key.emplace(key, static_cast<uint32_t>(core.group_start.size() - 1));
      for (const SynapseRef& r : refs) {
        core.refs.push_back(r);
        const bool plastic = r.set == SynapseSet::input ? network.input_synapses.plastic[r.index]
                             : r.set == SynapseSet::recurrent ? network.recurrent_synapses.plastic[r.index]
                                                              : network.readout_synapses.plastic[r.index];
        if (!plastic) continue;
        if (r.set == SynapseSet::readout) ++core.plastic_readout_synapses;
        else ++core.plastic_synapses;
      }
      core.group_start.push_back(static_cast<uint32_t>(core.refs.size()));
    }
  }
  return p;
}

}  // namespace nchip::systemc
