// Partition pass: cuts every population into contiguous slices that each fit one core (neuron
// slots, synapse memory incl. learning and optimizer state, fan-in, trace slots). A slice holds all incoming
// synapses of its neurons, so each projection's synapses into a slice stay together on one core.
// Slices are as even as the limits allow (a greedy cut fixes the count, then equal sizes are
// tried). Input populations are sliced too, into key blocks the host injects.
#pragma once

#include <vector>

#include "compiler/passes/usage.hpp"
#include "hw_model/image/chip_image.hpp"

namespace nchip::compiler {

struct Partition {
  std::vector<image::Slice> slices;  // (population, first) order; tile and key not yet set
  std::vector<CoreUsage> usage;      // per slice; zero for input slices
  uint32_t cores_used = 0;
};

// Throws nchip::InputError when a single neuron exceeds a core (naming the population, neuron,
// resource and chip field) or the network needs more cores than the mesh has ("population 'rec'
// needs 3 cores of 512 neurons; 2 are free on chip 'small' (4 cores)").
Partition partition(const model::NetworkModel<arith::FixedOps>& network, const IncomingSynapses& in,
                    const image::ChipConfig& chip, const arith::QuantConfig& quant,
                    image::StorageScheme storage, uint32_t optimizer_state_bits = 0,
                    uint32_t factor_register_bits = 0);

}  // namespace nchip::compiler
