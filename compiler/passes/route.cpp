#include "compiler/passes/route.hpp"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "hw_model/error.hpp"

namespace nchip::compiler {

namespace {

using image::RoutingEntry;

// Next hop of an X-then-Y route at tile `at` towards `to` (at != to).
uint8_t step_towards(const image::ChipConfig& chip, uint32_t at, uint32_t to, uint32_t& next) {
  const uint32_t ax = at % chip.mesh_width, ay = at / chip.mesh_width;
  const uint32_t tx = to % chip.mesh_width, ty = to / chip.mesh_width;
  if (tx > ax) { next = at + 1; return image::kEast; }
  if (tx < ax) { next = at - 1; return image::kWest; }
  if (ty > ay) { next = at + chip.mesh_width; return image::kSouth; }
  next = at - chip.mesh_width;
  return image::kNorth;
}

const image::RoutingEntry* lookup(const image::RouterTable& table, uint32_t key, uint32_t tile) {
  const RoutingEntry* found = nullptr;
  for (const auto& e : table.entries)
    if ((key & e.mask) == e.key) {
      if (found) throw std::logic_error(fmt::format("router {}: key {:#x} matches two entries", tile, key));
      found = &e;
    }
  return found;
}

}  // namespace

std::vector<RoutingEntry> merge_entries(std::vector<RoutingEntry> entries) {
  // Quine-McCluskey-style combining, one bit at a time from low to high: aligned runs of keys
  // with one route collapse into one entry per power-of-two block.
  const auto order = [](const RoutingEntry& a, const RoutingEntry& b) {
    if (a.route != b.route) return a.route < b.route;
    if (a.mask != b.mask) return a.mask < b.mask;
    return a.key < b.key;
  };
  for (int bit = 0; bit < 32; ++bit) {
    const uint32_t b = uint32_t{1} << bit;
    std::sort(entries.begin(), entries.end(), order);
    std::vector<uint8_t> consumed(entries.size(), 0);
    std::vector<RoutingEntry> next;
    next.reserve(entries.size());
    for (size_t i = 0; i < entries.size(); ++i) {
      if (consumed[i]) continue;
      const RoutingEntry& e = entries[i];
      if ((e.mask & b) && !(e.key & b)) {
        const RoutingEntry partner{e.key | b, e.mask, e.route};
        const auto it = std::lower_bound(entries.begin() + static_cast<std::ptrdiff_t>(i) + 1,
                                         entries.end(), partner, order);
        if (it != entries.end() && *it == partner && !consumed[size_t(it - entries.begin())]) {
          consumed[size_t(it - entries.begin())] = 1;
          next.push_back({e.key, e.mask & ~b, e.route});
          continue;
        }
      }
      next.push_back(e);
    }
    entries.swap(next);
  }
  std::sort(entries.begin(), entries.end(), [](const RoutingEntry& a, const RoutingEntry& b) {
    return a.key != b.key ? a.key < b.key : a.mask < b.mask;
  });
  return entries;
}

Routing route(const std::vector<image::Slice>& slices, const std::vector<uint32_t>& tile,
              const SliceTraffic& traffic, const image::ChipConfig& chip) {
  Routing r;
  r.key_neuron_bits = image::target_index_bits(chip);
  if (slices.size() > (uint64_t{1} << (32 - r.key_neuron_bits)))
    throw InputError(fmt::format("{} slices need more than 32-bit routing keys on chip '{}'",
                                 slices.size(), chip.name));
  const uint32_t mask = ~((uint32_t{1} << r.key_neuron_bits) - 1);
  r.routers.resize(chip.tiles());
  std::vector<uint8_t> route_bits(chip.tiles(), 0);
  std::vector<uint32_t> touched;
  for (uint32_t s = 0; s < slices.size(); ++s) {
    r.key.push_back(s << r.key_neuron_bits);
    if (!slices[s].sends || traffic.out[s].empty()) continue;
    touched.clear();
    const auto mark = [&](uint32_t t, uint8_t port) {
      if (route_bits[t] == 0) touched.push_back(t);
      route_bits[t] |= port;
    };
    for (const auto& [d, neurons] : traffic.out[s]) {
      (void)neurons;
      uint32_t at = tile[s];
      while (at != tile[d]) {
        uint32_t next = 0;
        mark(at, step_towards(chip, at, tile[d], next));
        at = next;
      }
      mark(at, image::kLocal);
    }
    std::sort(touched.begin(), touched.end());
    for (uint32_t t : touched) {
      r.routers[t].entries.push_back({r.key[s], mask, route_bits[t]});
      route_bits[t] = 0;
    }
  }
  for (uint32_t t = 0; t < chip.tiles(); ++t) {
    auto& table = r.routers[t];
    table.entries_before_merge = static_cast<uint32_t>(table.entries.size());
    table.entries = merge_entries(std::move(table.entries));
    if (table.entries.size() > chip.router_table_entries)
      throw InputError(fmt::format(
          "router ({}, {}) needs {} routing-table entries after merging ({} before); chip '{}' has {} "
          "per router (router_table_entries): use a bigger chip (more entries or a larger mesh) or a "
          "different placement",
          t % chip.mesh_width, t / chip.mesh_width, table.entries.size(), table.entries_before_merge,
          chip.name, chip.router_table_entries));
  }
  return r;
}

std::vector<uint32_t> walk_key(const std::vector<image::RouterTable>& routers,
                               const image::ChipConfig& chip, uint32_t source_tile, uint32_t key) {
  std::vector<uint32_t> delivered;
  std::vector<uint8_t> visited(chip.tiles(), 0);
  std::vector<uint32_t> frontier{source_tile};
  while (!frontier.empty()) {
    const uint32_t at = frontier.back();
    frontier.pop_back();
    if (visited[at]) throw std::logic_error(fmt::format("key {:#x} reaches router {} twice", key, at));
    visited[at] = 1;
    const RoutingEntry* e = lookup(routers[at], key, at);
    if (!e) throw std::logic_error(fmt::format("key {:#x} has no entry at router {}", key, at));
    const uint32_t x = at % chip.mesh_width, y = at / chip.mesh_width;
    if (e->route & image::kLocal) delivered.push_back(at);
    const auto go = [&](bool ok, uint32_t next) {
      if (!ok) throw std::logic_error(fmt::format("key {:#x} leaves the mesh at router {}", key, at));
      frontier.push_back(next);
    };
    if (e->route & image::kEast) go(x + 1 < chip.mesh_width, at + 1);
    if (e->route & image::kWest) go(x > 0, at - 1);
    if (e->route & image::kSouth) go(y + 1 < chip.mesh_height, at + chip.mesh_width);
    if (e->route & image::kNorth) go(y > 0, at - chip.mesh_width);
  }
  return delivered;
}

}  // namespace nchip::compiler
