// Placement at measured rates (issue #16, nchip compile --rates-from-run): with spike counts per
// source neuron, a link weighs the packets the run sent over it, so a population that fires much
// more than the others is placed next to its target, where the flat 10 Hz estimate sees a tie.
// The costs are checked against a hand computation from the tiles.
#include <catch2/catch.hpp>

#include <cstdlib>

#include "compiler/passes/place.hpp"
#include "compiler/report.hpp"
#include "mapping_test_helpers.hpp"

using namespace nchip;
using T = ir::PopulationType;

namespace {

// in (1 input) -> a and b; a -> c and b -> c; one neuron each, one core each (core_max_neurons 1)
// on a 4 x 1 mesh whose host is tile 0. Sources: in 0, then the spiking a 1, b 2, c 3.
ir::Network hot_and_cold() {
  ir::Network net;
  net.name = "hot";
  net.populations = {test::pop("in", T::input, 1), test::pop("a", T::lif, 1), test::pop("b", T::lif, 1),
                     test::pop("c", T::lif, 1)};
  net.projections = {test::dense(net, "in", "a"), test::dense(net, "in", "b"), test::dense(net, "a", "c"),
                     test::dense(net, "b", "c")};
  return net;
}

// 100 steps: the input sent 10 spikes, a 100 (it fires every step), b 1, c none.
compiler::MeasuredActivity hot_a() { return {100, {10, 100, 1, 0}}; }

uint32_t tile_of(const image::ChipImage& im, const std::string& population) {
  for (const auto& s : im.slices)
    if (im.network.populations[s.population].name == population) return s.tile;
  FAIL("no slice of " << population);
  return 0;
}

uint64_t distance(uint32_t x, uint32_t y) { return x > y ? x - y : y - x; }  // a 4 x 1 mesh

// Spikes x hops of the run by hand: the input's 10 spikes from the host (tile 0) to a and to b,
// a's 100 to c, b's 1 to c.
uint64_t hand_spike_hops(const image::ChipImage& im) {
  const uint32_t a = tile_of(im, "a"), b = tile_of(im, "b"), c = tile_of(im, "c");
  return 10 * distance(a, 0) + 10 * distance(b, 0) + 100 * distance(a, c) + 1 * distance(b, c);
}
// Neurons x hops (the flat estimate's weights): every link is one sending neuron.
uint64_t hand_neuron_hops(const image::ChipImage& im) {
  const uint32_t a = tile_of(im, "a"), b = tile_of(im, "b"), c = tile_of(im, "c");
  return distance(a, 0) + distance(b, 0) + distance(a, c) + distance(b, c);
}

}  // namespace

TEST_CASE("placement at measured rates puts the hot population next to its target") {
  const auto chip = test::tiny_chip(4, 1, 1);
  compiler::CompileOptions options;
  options.threads = 1;
  const image::ChipImage flat = compiler::compile_network(hot_and_cold(), chip, arith::QuantConfig{}, options);
  const compiler::MeasuredActivity activity = hot_a();
  options.measured = &activity;
  compiler::MeasuredPlacement result;
  const image::ChipImage measured = compiler::compile_network(hot_and_cold(), chip, arith::QuantConfig{}, options, &result);

  // Flat: every placement of a, b, c costs 4 neuron-hops at best, so row-major (a 0, b 1, c 2) stays.
  CHECK(tile_of(flat, "a") == 0);
  CHECK(tile_of(flat, "b") == 1);
  CHECK(tile_of(flat, "c") == 2);
  CHECK(hand_neuron_hops(flat) == 4);
  CHECK(hand_spike_hops(flat) == 211);  // 0 + 10 + 200 + 1
  // Measured: a moves beside c (1 hop instead of 2), b goes to the host: 10 + 0 + 100 + 2 = 112, the
  // optimum of the 24 placements (checked below).
  CHECK(distance(tile_of(measured, "a"), tile_of(measured, "c")) == 1);
  CHECK(hand_spike_hops(measured) == 112);
  CHECK(result.measured_placement_used);
  CHECK(result.steps == 100);
  CHECK(result.spike_hops == 112);
  CHECK(result.flat_placement_spike_hops == 211);
  CHECK(result.row_major_spike_hops == 211);
  uint64_t best = UINT64_MAX;
  for (uint32_t a = 0; a < 4; ++a)
    for (uint32_t b = 0; b < 4; ++b)
      for (uint32_t c = 0; c < 4; ++c)
        if (a != b && b != c && a != c)
          best = std::min<uint64_t>(best, 10 * a + 10 * b + 100 * distance(a, c) + distance(b, c));
  CHECK(best == 112);
  // The image's cost stays the flat estimate (neurons x hops x 10 Hz x 1 ms), of the placement used.
  CHECK(measured.placement.cost == Approx(hand_neuron_hops(measured) * 0.01));
  CHECK(measured.placement.naive_cost == Approx(4 * 0.01));
  // Placement alone changed: same slices, same network.
  REQUIRE(measured.slices.size() == flat.slices.size());
  for (size_t s = 0; s < flat.slices.size(); ++s) {
    CHECK(measured.slices[s].population == flat.slices[s].population);
    CHECK(measured.slices[s].count == flat.slices[s].count);
  }
}

TEST_CASE("placement at measured rates keeps the flat placement when it is as good") {
  // Every neuron equally active: the measured weights are the flat ones times 7, a tie everywhere.
  const auto chip = test::tiny_chip(4, 1, 1);
  compiler::CompileOptions options;
  options.threads = 1;
  const auto flat = compiler::compile_network(hot_and_cold(), chip, arith::QuantConfig{}, options);
  const compiler::MeasuredActivity even{100, {7, 7, 7, 7}};
  options.measured = &even;
  compiler::MeasuredPlacement result;
  const auto measured = compiler::compile_network(hot_and_cold(), chip, arith::QuantConfig{}, options, &result);
  CHECK_FALSE(result.measured_placement_used);
  CHECK(result.spike_hops == 7 * 4);
  CHECK(result.flat_placement_spike_hops == 7 * 4);
  CHECK(image::write_image(measured) == image::write_image(flat));
}

TEST_CASE("population rates: spikes and mean Hz per input and spiking population") {
  const auto im = compiler::compile_network(hot_and_cold(), test::tiny_chip(4, 1, 1), arith::QuantConfig{});
  const auto rates = compiler::population_rates(im.network, hot_a(), 1.0);
  REQUIRE(rates.size() == 4);
  CHECK((rates[0].population == "in" && rates[0].role == "input" && rates[0].spikes == 10));
  CHECK(rates[0].rate_hz == Approx(100.0));  // 10 spikes / (1 neuron x 0.1 s)
  CHECK((rates[1].population == "a" && rates[1].spikes == 100));
  CHECK(rates[1].rate_hz == Approx(1000.0));
  CHECK(rates[2].rate_hz == Approx(10.0));
  CHECK(rates[3].rate_hz == 0.0);
}
