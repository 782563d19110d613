// Placement and routing: every key reaches exactly its destination cores once, merging never
// changes where a key goes, placement never loses to row-major and wins on clustered traffic.
#include <catch2/catch.hpp>

#include <algorithm>
#include <set>

#include "compiler/passes/place.hpp"
#include "compiler/passes/route.hpp"
#include "compiler/passes/usage.hpp"
#include "mapping_test_helpers.hpp"

using namespace nchip;
using T = ir::PopulationType;

namespace {

uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

ir::Network random_network(uint64_t seed) {
  ir::Network net;
  net.name = "random";
  uint64_t r = seed;
  const auto next = [&](uint64_t n) { return (r = mix(r)) % n; };
  net.populations.push_back(test::pop("in", T::input, 1 + static_cast<uint32_t>(next(40))));
  const int spiking = 1 + static_cast<int>(next(4));
  for (int i = 0; i < spiking; ++i)
    net.populations.push_back(test::pop("p" + std::to_string(i), next(2) ? T::lif : T::alif,
                                        1 + static_cast<uint32_t>(next(60))));
  net.populations.push_back(test::pop("out", T::readout, 1 + static_cast<uint32_t>(next(4))));
  for (int i = 0; i < spiking; ++i) {
    const std::string name = "p" + std::to_string(i);
    if (next(3)) net.projections.push_back(test::sparse(net, "in", name, 0.3, seed + i));
    for (int j = 0; j < spiking; ++j)
      if (next(2)) net.projections.push_back(test::sparse(net, name, "p" + std::to_string(j), 0.1, seed * 7 + i * 5 + j));
    if (next(2)) net.projections.push_back(test::sparse(net, name, "out", 0.5, seed * 3 + i));
  }
  return net;
}

// Destination tiles of a slice computed straight from the synapses (independent of traffic.cpp).
std::set<uint32_t> expected_tiles(const image::ChipImage& im, const image::Slice& slice) {
  const auto& net = im.network;
  std::vector<uint32_t> unit_tile(net.n_neurons() + net.n_readouts(), UINT32_MAX);
  for (const auto& s : im.slices) {
    const auto& p = net.populations[s.population];
    if (p.role == model::PopulationRole::input) continue;
    for (uint32_t i = 0; i < s.count; ++i) unit_tile[compiler::first_unit(net, p) + s.first + i] = s.tile;
  }
  std::set<uint32_t> tiles;
  const auto& p = net.populations[slice.population];
  for (uint32_t i = 0; i < slice.count; ++i) {
    const uint32_t local = p.first + slice.first + i;
    const auto add = [&](const model::SynapseMatrix<arith::FixedOps>& m, uint32_t offset) {
      for (uint32_t k = m.row_start[local]; k < m.row_start[local + 1]; ++k) tiles.insert(unit_tile[offset + m.target[k]]);
    };
    if (p.role == model::PopulationRole::input) {
      add(net.input_synapses, 0);
    } else {
      add(net.recurrent_synapses, 0);
      add(net.readout_synapses, net.n_neurons());
    }
  }
  return tiles;
}

}  // namespace

TEST_CASE("routing: every key reaches exactly its target cores, once, without loops") {
  int keys_walked = 0;
  for (uint64_t seed = 1; seed <= 40; ++seed) {
    const ir::Network net = random_network(seed);
    const uint32_t w = 1 + static_cast<uint32_t>(mix(seed) % 6), h = 1 + static_cast<uint32_t>(mix(seed + 99) % 6);
    const uint32_t neurons = 4 + static_cast<uint32_t>(mix(seed + 5) % 40);
    const auto chip = test::tiny_chip(w, h, neurons);
    image::ChipImage im;
    try {
      im = compiler::compile_network(net, chip, arith::QuantConfig{});
    } catch (const InputError& e) {
      // Random networks may not fit a random small mesh; that error must be about cores.
      CHECK(std::string(e.what()).find("free on chip") != std::string::npos);
      continue;
    }
    for (const auto& slice : im.slices) {
      if (!slice.sends) continue;
      const std::set<uint32_t> want = expected_tiles(im, slice);
      if (want.empty()) continue;
      // Every neuron of the slice sends key | i; the tables mask the neuron bits, so try a few.
      for (uint32_t i : {0u, slice.count - 1}) {
        const auto got = compiler::walk_key(im.routers, chip, slice.tile, slice.key | i);
        const std::set<uint32_t> got_set(got.begin(), got.end());
        CHECK(got.size() == got_set.size());  // each core once
        CHECK(got_set == want);
        ++keys_walked;
      }
    }
  }
  CHECK(keys_walked > 100);
}

TEST_CASE("merging entries keeps the routing of every key identical") {
  for (uint64_t seed = 1; seed <= 200; ++seed) {
    uint64_t r = seed;
    const auto next = [&](uint64_t n) { return (r = mix(r)) % n; };
    // Distinct key blocks of 2^3 keys (masked neuron bits), each with a random route.
    const uint32_t mask = ~uint32_t{7};
    std::set<uint32_t> blocks;
    const size_t n = 1 + next(60);
    while (blocks.size() < n) blocks.insert(static_cast<uint32_t>(next(128)) << 3);
    std::vector<image::RoutingEntry> entries;
    for (uint32_t key : blocks) entries.push_back({key, mask, static_cast<uint8_t>(1 + next(3))});
    const auto merged = compiler::merge_entries(entries);
    CHECK(merged.size() <= entries.size());
    const auto route_of = [](const std::vector<image::RoutingEntry>& table, uint32_t key) {
      int matches = 0;
      uint8_t route = 0;
      for (const auto& e : table)
        if ((key & e.mask) == e.key) {
          ++matches;
          route = e.route;
        }
      REQUIRE(matches <= 1);
      return route;
    };
    for (uint32_t key = 0; key < (128u << 3) + 64; ++key) REQUIRE(route_of(merged, key) == route_of(entries, key));
  }
  // An aligned run with one route collapses to a single entry.
  std::vector<image::RoutingEntry> run;
  for (uint32_t k = 0; k < 8; ++k) run.push_back({k << 4, ~uint32_t{15}, image::kEast});
  const auto one = compiler::merge_entries(run);
  REQUIRE(one.size() == 1);
  CHECK(one[0].mask == ~uint32_t{127});
}

TEST_CASE("a router over its table size is an error naming the router") {
  auto chip = test::tiny_chip(4, 1, 2);
  chip.router_table_entries = 2;
  ir::Network net;
  net.populations = {test::pop("a", T::lif, 8)};
  net.projections = {test::sparse(net, "a", "a", 0.9, 3)};
  const std::string error = test::compile_error(net, chip);
  CHECK(error.rfind("router (", 0) == 0);
  CHECK(error.find("(router_table_entries): use a bigger chip (more entries or a larger mesh) or a different placement") !=
        std::string::npos);
}

TEST_CASE("placement: never worse than row-major, clearly better on clustered traffic") {
  // 16 one-core populations; i talks only to i + 8 (two mesh rows apart in row-major order).
  ir::Network net;
  for (int i = 0; i < 16; ++i) net.populations.push_back(test::pop("c" + std::to_string(i), T::lif, 4));
  for (int i = 0; i < 8; ++i) {
    net.projections.push_back(test::dense(net, "c" + std::to_string(i), "c" + std::to_string(i + 8)));
    net.projections.push_back(test::dense(net, "c" + std::to_string(i + 8), "c" + std::to_string(i)));
  }
  const auto chip = test::tiny_chip(4, 4, 4);
  const auto im = compiler::compile_network(net, chip, arith::QuantConfig{});
  CHECK(im.placement.naive_cost > 0);
  CHECK(im.placement.cost <= 0.6 * im.placement.naive_cost);

  for (uint64_t seed = 1; seed <= 20; ++seed) {
    const auto chip_r = test::tiny_chip(5, 5, 8);
    try {
      const auto r = compiler::compile_network(random_network(seed), chip_r, arith::QuantConfig{});
      CHECK(r.placement.cost <= r.placement.naive_cost);
    } catch (const InputError&) {
    }
  }
}
