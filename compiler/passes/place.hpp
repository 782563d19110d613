// Placement pass: puts every core (its one slice, or several packed slices) on a tile of the mesh, minimising traffic x hops, where
// traffic is expected spikes per step between slices: (sending neurons with a synapse at the
// destination) x default rate x dt. By default rates are not measured: one default rate (10 Hz, the
// e-prop paper's regularisation target) for every neuron keeps compilation fast and independent of
// inputs; the cost then ranks placements by how many neuron-to-core links cross how many hops.
// With measured spikes (TrafficWeight::measured_spikes, `nchip compile --rates-from-run`) a link
// weighs the packets a run sent over it, so hot populations are placed next to their targets.
// Deterministic: a greedy constructive start and the row-major start are both improved by swap
// local search with a fixed evaluation budget, and the best of them and row-major itself wins,
// so the result is never worse than row-major.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/passes/traffic.hpp"

namespace nchip::compiler {

// What a (slice, destination) link weighs in the search: its sending neurons (each at the flat
// default rate) or the spikes they sent in a measured run (SliceTraffic::spikes).
enum class TrafficWeight { sending_neurons, measured_spikes };

struct PlacementOptions {
  TrafficWeight weight = TrafficWeight::sending_neurons;
  double default_rate_hz = 10.0;
  double dt_ms = 1.0;
  uint32_t host_tile = 0;                    // where the host injects input spikes
  uint64_t search_budget = 200'000'000;      // edge visits of local search (bounds run time)
};

struct Placement {
  std::vector<uint32_t> tile;  // per slice; input slices get host_tile
  double cost = 0.0;
  double naive_cost = 0.0;
  std::vector<uint32_t> row_major_tile;  // per slice: the row-major start (core k on tile k), naive_cost's
};

uint32_t hops(const image::ChipConfig& chip, uint32_t tile_a, uint32_t tile_b);

// Sum over links of weight x hops for a given assignment (tile per slice): neuron-hops, or measured
// spike-hops over the whole run.
uint64_t weighted_hops(const std::vector<image::Slice>& slices, const SliceTraffic& traffic,
                       const std::vector<uint32_t>& tile, const image::ChipConfig& chip, TrafficWeight weight);

// Cost of a given assignment (expected spikes per step x hops) at one rate for every neuron.
double placement_cost(const std::vector<image::Slice>& slices, const SliceTraffic& traffic,
                      const std::vector<uint32_t>& tile, const image::ChipConfig& chip,
                      double spikes_per_step_per_neuron);

// core[s]: slice s's core (Partition::core); the cores are placed, a core's slices share its tile.
Placement place(const model::NetworkModel<arith::FixedOps>& network,
                const std::vector<image::Slice>& slices, const std::vector<uint32_t>& core,
                const SliceTraffic& traffic,
                const image::ChipConfig& chip, const PlacementOptions& options);

}  // namespace nchip::compiler
