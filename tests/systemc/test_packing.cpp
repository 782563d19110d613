// Packing (issue #16) on the SystemC chip: cores that hold several slices (spiking neurons of two
// populations, spiking neurons and readouts) give the functional model's spikes, readouts,
// voltages and synaptic events bit for bit, the same as the unpacked compile of the network;
// only the timing changes (fewer cores, fewer hops, more work per core).
#include <set>

#include "hw_model/error.hpp"
#include "hw_model/systemc/core_program.hpp"
#include "systemc_test_helpers.hpp"

using namespace nchip;

namespace {

image::ChipImage compile_packed(const ir::Network& net, const image::ChipConfig& chip, compiler::PackingMode mode) {
  compiler::CompileOptions options;
  options.packing = mode;
  return compiler::compile_network(net, chip, arith::QuantConfig{}, options);
}

size_t cores_used(const image::ChipImage& im) {
  std::set<uint32_t> tiles;
  for (const auto& s : im.slices)
    if (im.network.populations[s.population].role != model::PopulationRole::input) tiles.insert(s.tile);
  return tiles.size();
}

}  // namespace

TEST_CASE("packed and unpacked compiles run bit-identically on the SystemC chip", "[systemc][packing]") {
  test::RandomNetworkSpec spec;
  spec.lif = 12;
  spec.alif = 6;
  spec.readouts = 3;
  spec.seed = 4;
  const ir::Network net = test::random_network(spec);
  const image::ChipConfig mesh = test::small_mesh(2, 2, 8);
  // Unpacked: lif 6+6, alif 6, out 3 on four cores. Packed: lif 8 | lif 4 + alif 4 | alif 2 + out 3.
  const image::ChipImage unpacked = compile_packed(net, mesh, compiler::PackingMode::none);
  const image::ChipImage packed = compile_packed(net, mesh, compiler::PackingMode::greedy);
  REQUIRE(cores_used(unpacked) == 4);
  REQUIRE(cores_used(packed) == 3);
  auto& chip = systemc::TimedChip::instance(2, 2);
  uint64_t cycles[2] = {0, 0};
  int k = 0;
  for (const image::ChipImage* im : {&unpacked, &packed}) {
    for (uint64_t seed : {1u, 2u}) {
      INFO((k == 0 ? "unpacked" : "packed") << ", seed " << seed);
      test::require_bit_identical(chip, *im, test::random_inputs(spec.inputs, 150, 0.08, seed), 150, seed);
    }
    cycles[k++] = chip.stats().total_cycles;
    CHECK(chip.stats().hops > 0);
  }
  // Timing is the model's own: a packed core does more work per step, so the runs differ in cycles.
  CHECK(cycles[0] != cycles[1]);
  // The recordings themselves, packed against unpacked (each already equals the functional model's).
  arith::SaturationCounts a, b;
  const auto inputs = test::random_inputs(spec.inputs, 100, 0.08, 9);
  const auto ru = systemc::run_network_timed(chip, unpacked, unpacked.network, arith::FixedOps(unpacked.quant, a), inputs, 100, 9, true);
  const auto rp = systemc::run_network_timed(chip, packed, packed.network, arith::FixedOps(packed.quant, b), inputs, 100, 9, true);
  CHECK(rp.spikes == ru.spikes);
  CHECK(rp.readouts == ru.readouts);
  CHECK(rp.voltages == ru.voltages);
}

// Delays (issue #14) on packed cores: each core's delay ring spans all of its slices' neurons, as
// deep as the longest delay onto any of them.
TEST_CASE("packed cores with delayed projections run bit-identically to functional and to unpacked",
          "[systemc][packing][delay]") {
  test::RandomNetworkSpec spec;
  spec.seed = 6;
  ir::Network net = test::random_network(spec);
  const uint32_t delays[] = {3, 1, 5, 2, 7};
  for (size_t p = 0; p < net.projections.size(); ++p) net.projections[p].delay_steps = delays[p % 5];
  const image::ChipConfig mesh = test::small_mesh(2, 2, 8);
  const image::ChipImage unpacked = compile_packed(net, mesh, compiler::PackingMode::none);
  const image::ChipImage packed = compile_packed(net, mesh, compiler::PackingMode::greedy);
  REQUIRE(cores_used(packed) < cores_used(unpacked));
  REQUIRE(packed.network.max_delay_steps() == 7);
  auto& chip = systemc::TimedChip::instance(2, 2);
  const auto inputs = test::random_inputs(spec.inputs, 120, 0.08, 3);
  for (const image::ChipImage* im : {&unpacked, &packed})
    test::require_bit_identical(chip, *im, inputs, 120, 3);
  arith::SaturationCounts a, b;
  const auto ru = systemc::run_network_timed(chip, unpacked, unpacked.network, arith::FixedOps(unpacked.quant, a), inputs, 120, 3, true);
  const auto rp = systemc::run_network_timed(chip, packed, packed.network, arith::FixedOps(packed.quant, b), inputs, 120, 3, true);
  CHECK(rp.spikes == ru.spikes);
  CHECK(rp.voltages == ru.voltages);
  size_t spikes = 0;
  for (const auto& step : rp.spikes) spikes += step.size();
  CHECK(spikes > 0);
}

TEST_CASE("a chip image whose packed slices are not contiguous is refused by the SystemC model", "[systemc][packing]") {
  test::RandomNetworkSpec spec;
  const ir::Network net = test::random_network(spec);
  image::ChipImage im = compile_packed(net, test::small_mesh(2, 2, 8), compiler::PackingMode::none);
  // Put the first and the last spiking slice on one core: not one run of neurons.
  std::vector<image::Slice*> spiking;
  for (auto& s : im.slices)
    if (im.network.populations[s.population].role == model::PopulationRole::spiking) spiking.push_back(&s);
  REQUIRE(spiking.size() >= 3);
  spiking.back()->tile = spiking.front()->tile;
  try {
    (void)systemc::build_program(im, im.network);
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("are not one contiguous run") != std::string::npos);
  }
}
