// Routing pass: gives every sending slice a key block (slice index << key_neuron_bits; neuron i
// of the slice sends key | i), builds its multicast tree along dimension-ordered (X then Y)
// routes from its tile (the host tile for inputs) to the cores of its destination slices, and
// writes one key/mask entry per router on the tree. Entries with the same route whose keys differ
// in one unmasked bit are then merged into one entry with that bit masked out; such a merge
// matches exactly the union of the two, so routing is unchanged for every key.
#pragma once

#include <cstdint>
#include <vector>

#include "compiler/passes/traffic.hpp"

namespace nchip::compiler {

struct Routing {
  uint32_t key_neuron_bits = 1;
  std::vector<uint32_t> key;                // per slice
  std::vector<image::RouterTable> routers;  // per tile
};

// Throws nchip::InputError when the keys do not fit 32 bits or a router needs more entries than
// router_table_entries after merging (naming the router and suggesting a way out).
Routing route(const std::vector<image::Slice>& slices, const std::vector<uint32_t>& tile,
              const SliceTraffic& traffic, const image::ChipConfig& chip);

// The merge step on its own (exposed for tests): same routing, fewer or equal entries.
std::vector<image::RoutingEntry> merge_entries(std::vector<image::RoutingEntry> entries);

// Follows `key` through the tables from `source_tile` and returns every tile whose core it is
// delivered to, in delivery order. Throws std::logic_error on a missing or ambiguous entry,
// a route off the mesh, or a loop (a router reached twice).
std::vector<uint32_t> walk_key(const std::vector<image::RouterTable>& routers,
                               const image::ChipConfig& chip, uint32_t source_tile, uint32_t key);

}  // namespace nchip::compiler
