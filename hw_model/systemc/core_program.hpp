// What each tile's neuron core is loaded with, derived from a chip image: which neurons it holds
// (a contiguous range of the network's spiking neurons and one of its readouts: the image's one
// slice, or several packed slices (issue #16) that follow one another in the network's order),
// its synapse groups keyed by the routing key of the presynaptic neuron (so an arriving packet is
// one lookup and one contiguous walk), and the key it stamps on its own spikes. Plain C++ (no
// SystemC): the timed modules only read it.
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "hw_model/image/chip_image.hpp"
#include "hw_model/model/learning_state.hpp"

namespace nchip::systemc {

using model::SynapseSet;  // hw_model/model/learning_state.hpp

// One synapse in the network's matrices: the weight is read from the model at delivery time, so
// weights a learning engine changes are seen by the next spike without reloading the chip.
struct SynapseRef {
  SynapseSet set = SynapseSet::input;
  uint32_t index = 0;  // index in that SynapseMatrix
};

struct CoreProgram {
  uint32_t neuron_first = 0, neuron_count = 0;    // spiking neurons (global indices)
  uint32_t readout_first = 0, readout_count = 0;  // readouts (global indices)
  // Per spiking neuron i of the core: the key it sends (its slice's key | its index in the slice),
  // and whether the core's own router has an entry for it (some neuron listens).
  std::vector<uint32_t> spike_key;
  std::vector<uint8_t> sends;
  // Packets by key -> synapse group g: refs [group_start[g], group_start[g + 1]).
  std::unordered_map<uint32_t, uint32_t> group_of_key;
  std::vector<uint32_t> group_start{0};
  std::vector<SynapseRef> refs;
  uint64_t plastic_synapses = 0;          // input + recurrent synapses onto this core's neurons
  uint64_t plastic_readout_synapses = 0;  // spiking -> readout synapses onto this core

  bool empty() const { return neuron_count == 0 && readout_count == 0; }
};

struct ChipProgram {
  uint32_t mesh_width = 0, mesh_height = 0;
  uint32_t host_tile = 0;
  std::vector<CoreProgram> cores;      // per tile of the image, index y * width + x
  std::vector<uint32_t> input_key;     // per network input
  std::vector<uint8_t> input_sends;    // the host tile's router routes that input's key
  std::vector<uint32_t> tile_of_neuron;   // per spiking neuron
  std::vector<uint32_t> tile_of_readout;  // per readout
};

// Throws nchip::InputError when the image and the network disagree (slice outside a population,
// slices on one core that are not contiguous, a synapse onto a neuron no core holds).
ChipProgram build_program(const image::ChipImage& placement,
                          const model::NetworkModel<arith::FixedOps>& network);

// The route bits of `key` at one router (0 when no entry matches); tables are disjoint.
uint8_t route_of(const image::RouterTable& table, uint32_t key);

}  // namespace nchip::systemc
