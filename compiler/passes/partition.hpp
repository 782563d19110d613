// Partition pass: cuts every population into contiguous slices that each fit one core (neuron
// slots, synapse memory incl. learning and optimizer state, fan-in, trace slots). A slice holds all incoming
// synapses of its neurons, so each projection's synapses into a slice stay together on one core.
// Slices are as even as the limits allow (a greedy cut fixes the count, then equal sizes are
// tried). Input populations are sliced too, into key blocks the host injects.
//
// Packing (issue #16): with PackingMode::greedy several slices share a core. The spiking and
// readout neurons of every population, in population order, are cut greedily into cores across
// population boundaries: a core is closed only when its next neuron would break a limit (neurons,
// synapse memory with learning and optimizer state, fan-in, trace slots, all counted over the
// whole core by UsageCounter), and a slice ends where its population or its core ends. For
// monotone limits this is the fewest cores of any cut of that neuron sequence into contiguous runs,
// so never more than one slice per core uses (which is such a cut). Contiguity is kept on purpose:
// a core then holds one run of spiking neurons and one run of readouts, which is what the chip
// models' cores (datapath, plasticity engine) address; first-fit-decreasing could pack tighter
// but would scatter a core's neurons.
#pragma once

#include <string>
#include <vector>

#include "compiler/passes/usage.hpp"
#include "hw_model/image/chip_image.hpp"

namespace nchip::compiler {

enum class PackingMode {
  none,         // one slice per core (before issue #16)
  greedy,       // several slices per core where the limits allow
  when_needed,  // compile_network: none, and greedy only if none does not fit ("auto")
};
// "none" / "greedy" / "auto"; false for anything else.
bool packing_mode_from_string(const std::string& text, PackingMode& mode);

inline constexpr uint32_t kNoCore = UINT32_MAX;

struct Partition {
  std::vector<image::Slice> slices;  // (population, first) order; tile and key not yet set
  std::vector<uint32_t> core;        // per slice: its core 0..cores_used-1; kNoCore for input slices
  std::vector<CoreUsage> usage;      // per core
  uint32_t cores_used = 0;
};

// Throws nchip::InputError when a single neuron exceeds a core (naming the population, neuron,
// resource and chip field) or the network needs more cores than the mesh has ("population 'rec'
// needs 3 cores of 512 neurons; 2 are free on chip 'small' (4 cores)"; packed: "population 'p7'
// neurons 3-9 need core 5 (core 4 is full: core_max_neurons ...); chip 'small' has 4 cores").
Partition partition(const model::NetworkModel<arith::FixedOps>& network, const IncomingSynapses& in,
                    const image::ChipConfig& chip, const arith::QuantConfig& quant,
                    image::StorageScheme storage, uint32_t optimizer_state_bits = 0,
                    uint32_t factor_register_bits = 0,
                    PackingMode packing = PackingMode::none);  // none or greedy

}  // namespace nchip::compiler
