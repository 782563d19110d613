#include "hw_model/systemc/noc_route_cache.hpp"

#include "hw_model/systemc/core_program.hpp"

namespace nchip::systemc {

namespace {
constexpr uint32_t kUnknownGroup = 0xfffffffeu;      // CoreDatapath::kNoGroup is 0xffffffff
constexpr size_t kMaxGroupCache = size_t{1} << 24;  // 64 MB of group indices
}  // namespace

void NocRouteCache::load(const std::vector<NocTileBinding>& tiles) {
  bindings_ = tiles;
  tiles_ = static_cast<uint32_t>(tiles.size());
  key_rows_.clear();
  routes_.clear();
  groups_.clear();
}

uint32_t NocRouteCache::key_index(uint32_t key) {
  const auto [it, added] = key_rows_.emplace(key, static_cast<uint32_t>(key_rows_.size()));
  if (added) {
    routes_.resize(routes_.size() + tiles_, kUnknownRoute);
    if (routes_.size() <= kMaxGroupCache) groups_.resize(routes_.size(), kUnknownGroup);
  }
  return it->second;
}

uint8_t NocRouteCache::lookup_route(uint32_t tile, uint32_t key) const {
  const image::RouterTable* table = bindings_[tile].table;
  return table ? route_of(*table, key) : 0;
}

uint32_t NocRouteCache::deliver(uint32_t tile, uint32_t key, uint32_t key_index) {
  CoreDatapath* datapath = bindings_[tile].datapath;
  if (!datapath) return 0;
  const size_t at = size_t{key_index} * tiles_ + tile;
  if (at >= groups_.size()) return datapath->deliver(key);
  uint32_t& group = groups_[at];
  if (group == kUnknownGroup) group = datapath->group_of(key);
  return datapath->deliver_group(group);
}

}  // namespace nchip::systemc
