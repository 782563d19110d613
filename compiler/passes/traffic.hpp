// Which slices talk to which, and how much: for every sending slice, each destination slice and
// the number of its neurons with at least one synapse there. One spike of such a neuron is one
// packet to that destination (multicast shares links, but a destination is still a delivery).
// Placement weighs these counts by firing rate; routing and the fan-out check use the pairs.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

#include "hw_model/arith/ops.hpp"
#include "hw_model/image/chip_image.hpp"

namespace nchip::compiler {

struct SliceTraffic {
  // out[s] = (destination slice, sending neurons), sorted by destination slice.
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> out;
  // With measured spike counts (--rates-from-run): spikes[s][k] = the spikes of those sending
  // neurons, i.e. the packets the run sent from slice s to out[s][k]'s destination. Empty without.
  std::vector<std::vector<uint64_t>> spikes;
};

// spikes_per_source: per source neuron (MeasuredActivity's numbering) its spikes in a run, or null.
SliceTraffic slice_traffic(const model::NetworkModel<arith::FixedOps>& network,
                           const std::vector<image::Slice>& slices,
                           const std::vector<uint64_t>* spikes_per_source = nullptr);

// Throws nchip::InputError when a core's spikes would go to more cores than core_max_fan_out.
// core[s]: slice s's core (Partition::core; UINT32_MAX for input slices); packed slices share one.
void check_fan_out(const model::NetworkModel<arith::FixedOps>& network,
                   const std::vector<image::Slice>& slices, const std::vector<uint32_t>& core,
                   const SliceTraffic& traffic, const image::ChipConfig& chip);

}  // namespace nchip::compiler
