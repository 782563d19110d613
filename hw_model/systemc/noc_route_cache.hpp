// What both plain-C++ NoC models (NocEngine, FastNoc) look up per packet hop, cached: the route
// bits of a key at a router and its synapse group at a core, by (key row, tile). A key gets its
// row on its first injection (one hash lookup per injected packet, none per hop); the route and
// the group are looked up on first use. Tables over kMaxGroupCache entries stop caching groups
// (every delivery then looks its key up, CoreDatapath::deliver).
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "hw_model/image/chip_image.hpp"
#include "hw_model/systemc/core_datapath.hpp"

namespace nchip::systemc {

// What a plain-C++ NoC model needs of one elaborated tile for a loaded image.
struct NocTileBinding {
  const image::RouterTable* table = nullptr;  // null: an idle router (off the image's mesh)
  CoreDatapath* datapath = nullptr;           // null: an idle core (no neurons here)
  std::vector<uint32_t>* to_send = nullptr;   // the core's spike keys for the next step (emptied)
};

class NocRouteCache {
 public:
  void load(const std::vector<NocTileBinding>& tiles);
  uint32_t key_index(uint32_t key);  // the key's row (added on first sight)
  // The router of `tile`'s output ports for `key` (bit p: port p; 0: no entry).
  uint8_t route(uint32_t tile, uint32_t key, uint32_t key_index) {
    uint8_t& bits = routes_[size_t{key_index} * tiles_ + tile];
    if (bits == kUnknownRoute) bits = lookup_route(tile, key);
    return bits;
  }
  // Integrates the packet at `tile`'s core; returns its synaptic events (0: none there).
  uint32_t deliver(uint32_t tile, uint32_t key, uint32_t key_index);
  const NocTileBinding& binding(uint32_t tile) const { return bindings_[tile]; }
  uint32_t tiles() const { return tiles_; }

 private:
  static constexpr uint8_t kUnknownRoute = 0xff;  // route bits use 5 bits
  uint8_t lookup_route(uint32_t tile, uint32_t key) const;

  uint32_t tiles_ = 0;
  std::vector<NocTileBinding> bindings_;
  std::unordered_map<uint32_t, uint32_t> key_rows_;
  std::vector<uint8_t> routes_;
  std::vector<uint32_t> groups_;
};

}  // namespace nchip::systemc
