// Placement pass: puts every core (its one slice, or several packed slices) on a tile of the mesh, minimising traffic x hops, where
// traffic is expected spikes per step between slices: (sending neurons with a synapse at the
// destination) x default rate x dt. Rates are not measured: one default rate (10 Hz, the e-prop
// paper's regularisation target) for every neuron keeps compilation fast and independent of
// inputs; the cost then ranks placements by how many neuron-to-core links cross how many hops.
// Deterministic: a greedy constructive start and the row-major start are both improved by swap
// local search with a fixed evaluation budget, and the best of them and row-major itself wins,
// so the result is never worse than row-major.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/passes/traffic.hpp"

namespace nchip::compiler {

struct PlacementOptions {
  double default_rate_hz = 10.0;
  double dt_ms = 1.0;
  uint32_t host_tile = 0;                    // where the host injects input spikes
  uint64_t search_budget = 200'000'000;      // edge visits of local search (bounds run time)
};

struct Placement {
  std::vector<uint32_t> tile;  // per slice; input slices get host_tile
  double cost = 0.0;
  double naive_cost = 0.0;
};

uint32_t hops(const image::ChipConfig& chip, uint32_t tile_a, uint32_t tile_b);

// Cost of a given assignment (expected spikes per step x hops).
double placement_cost(const std::vector<image::Slice>& slices, const SliceTraffic& traffic,
                      const std::vector<uint32_t>& tile, const image::ChipConfig& chip,
                      double spikes_per_step_per_neuron);

// core[s]: slice s's core (Partition::core); the cores are placed, a core's slices share its tile.
Placement place(const model::NetworkModel<arith::FixedOps>& network,
                const std::vector<image::Slice>& slices, const std::vector<uint32_t>& core,
                const SliceTraffic& traffic,
                const image::ChipConfig& chip, const PlacementOptions& options);

}  // namespace nchip::compiler
