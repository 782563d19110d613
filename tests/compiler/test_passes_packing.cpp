// Packing (issue #16): several population slices on one core. Capacity boundaries exactly at the
// limits (N neurons / S synapse-memory bits / F fan-in pack onto one core, one more goes to a
// second), a network of 200 small populations that fits loihi_like.json only packed, the default
// ("auto") never changing a network that fits unpacked, and the report listing each core's slices.
#include <catch2/catch.hpp>

#include <set>

#include "compiler/chip_json.hpp"
#include "compiler/report.hpp"
#include "hw_model/functional/run.hpp"
#include "mapping_test_helpers.hpp"

using namespace nchip;
using nchip::test::compile_error;
using T = ir::PopulationType;

namespace {

compiler::CompileOptions packing(compiler::PackingMode mode) {
  compiler::CompileOptions o;
  o.packing = mode;
  o.threads = 1;
  return o;
}

// "in" (inputs) feeding each of the LIF populations `sizes` densely; each population also feeds
// the next (so packed neighbours talk, and traffic crosses slices on one core).
ir::Network in_to_pops(uint32_t inputs, const std::vector<uint32_t>& sizes) {
  ir::Network net;
  net.name = "packing";
  net.populations = {test::pop("in", T::input, inputs)};
  for (size_t k = 0; k < sizes.size(); ++k) net.populations.push_back(test::pop("p" + std::to_string(k), T::lif, sizes[k]));
  for (size_t k = 0; k < sizes.size(); ++k) net.projections.push_back(test::dense(net, "in", "p" + std::to_string(k)));
  return net;
}

// (population name, first, count, tile) of every core slice, in image order.
struct Placed {
  std::string population;
  uint32_t first, count, tile;
  bool operator==(const Placed& o) const {
    return population == o.population && first == o.first && count == o.count && tile == o.tile;
  }
};
std::ostream& operator<<(std::ostream& os, const Placed& p) {
  return os << p.population << "[" << p.first << "+" << p.count << "]@" << p.tile;
}
std::vector<Placed> core_slices(const image::ChipImage& im) {
  std::vector<Placed> out;
  for (const auto& s : im.slices) {
    const auto& pop = im.network.populations[s.population];
    if (pop.role != model::PopulationRole::input) out.push_back({pop.name, s.first, s.count, s.tile});
  }
  return out;
}
size_t cores_used(const image::ChipImage& im) {
  std::set<uint32_t> tiles;
  for (const auto& p : core_slices(im)) tiles.insert(p.tile);
  return tiles.size();
}

image::ChipImage compile(const ir::Network& net, const image::ChipConfig& chip, compiler::PackingMode mode) {
  return compiler::compile_network(net, chip, arith::QuantConfig{}, packing(mode));
}

}  // namespace

TEST_CASE("packing: a core that holds exactly N neurons takes N, neuron N+1 opens a second core") {
  const auto chip = test::tiny_chip(2, 1, 8);
  // 3 + 5 = 8 neurons: one core, both slices on it.
  const auto exact = compile(in_to_pops(4, {3, 5}), chip, compiler::PackingMode::greedy);
  REQUIRE(core_slices(exact).size() == 2);
  CHECK(cores_used(exact) == 1);
  CHECK(core_slices(exact)[0].tile == core_slices(exact)[1].tile);
  // 3 + 6 = 9: the ninth neuron (p1's last) is a slice of its own on the second core.
  const auto over = compile(in_to_pops(4, {3, 6}), chip, compiler::PackingMode::greedy);
  const auto s = core_slices(over);
  REQUIRE(s.size() == 3);
  CHECK(cores_used(over) == 2);
  CHECK((s[0].population == "p0" && s[0].first == 0 && s[0].count == 3));
  CHECK((s[1].population == "p1" && s[1].first == 0 && s[1].count == 5 && s[1].tile == s[0].tile));
  CHECK((s[2].population == "p1" && s[2].first == 5 && s[2].count == 1 && s[2].tile != s[0].tile));
  // 3 + 5 + 1 unpacked needs three cores, one more than the mesh has; packed, two.
  CHECK(compile_error(in_to_pops(4, {3, 5, 1}), chip, packing(compiler::PackingMode::none)) ==
        "population 'p2' needs 1 cores of 8 neurons; 0 are free on chip 'tiny' (2 cores)");
  CHECK(cores_used(compile(in_to_pops(4, {3, 5, 1}), chip, compiler::PackingMode::greedy)) == 2);
  // 17 neurons do not fit 2 x 8 even packed: the packed error names population, neurons, core and limit.
  CHECK(compile_error(in_to_pops(4, {3, 6, 8}), chip, packing(compiler::PackingMode::greedy)) ==
        "population 'p2' neurons 7-7 need core 2, but chip 'tiny' has 2 cores even packed (core 1 is full: its "
        "next neuron would need 9 neurons (chip allows 8); core_max_neurons)");
}

TEST_CASE("packing: synapse memory of exactly S bits packs two populations, one bit less splits the second") {
  auto chip = test::tiny_chip(2, 1, 64);
  const arith::QuantConfig q;
  // p0 and p1 (2 neurons each) with 10 plastic synapses per neuron: 40 synapses and one group
  // header per projection (in->p0, in->p1), counted over the whole core.
  const uint64_t bits = 40ull * image::synapse_bits(chip, q, image::StorageScheme::full, true, false) +
                        2 * image::kGroupHeaderBits;
  chip.core_synapse_memory_bits = bits;
  const auto net = in_to_pops(10, {2, 2});
  const auto exact = compile(net, chip, compiler::PackingMode::greedy);
  CHECK(cores_used(exact) == 1);
  const auto report = compiler::make_report(exact);
  REQUIRE(report.cores.size() == 1);
  CHECK(report.cores[0].usage.memory_bits == bits);
  CHECK(report.cores[0].usage.groups == 2);
  CHECK(report.cores[0].usage.fan_in == 10);  // the shared input counted once
  CHECK(report.cores[0].slices.size() == 2);
  chip.core_synapse_memory_bits = bits - 1;
  const auto split = compile(net, chip, compiler::PackingMode::greedy);
  const auto s = core_slices(split);
  REQUIRE(s.size() == 3);
  CHECK((s[0].population == "p0" && s[0].count == 2));
  CHECK((s[1].population == "p1" && s[1].first == 0 && s[1].count == 1 && s[1].tile == s[0].tile));
  CHECK((s[2].population == "p1" && s[2].first == 1 && s[2].count == 1 && s[2].tile != s[0].tile));
}

TEST_CASE("packing: fan-in counts the union of a core's presynaptic neurons") {
  // p0 listens to in0 (6 inputs), p1 to in1 (5 inputs): packed, the core's fan-in is 11.
  ir::Network net;
  net.name = "fan";
  net.populations = {test::pop("in0", T::input, 6), test::pop("in1", T::input, 5), test::pop("p0", T::lif, 2),
                     test::pop("p1", T::lif, 2)};
  net.projections = {test::dense(net, "in0", "p0"), test::dense(net, "in1", "p1")};
  auto chip = test::tiny_chip(2, 1, 64);
  chip.core_max_fan_in = 11;
  CHECK(cores_used(compile(net, chip, compiler::PackingMode::greedy)) == 1);
  chip.core_max_fan_in = 10;
  const auto split = compile(net, chip, compiler::PackingMode::greedy);
  CHECK(cores_used(split) == 2);
  CHECK(core_slices(split).size() == 2);  // p1 does not fit beside p0 at all: it moves whole
}

TEST_CASE("packing auto: a network that fits unpacked compiles to the same bytes, one that does not is packed") {
  const auto chip = test::tiny_chip(3, 1, 8);
  const auto fits = in_to_pops(4, {3, 5, 2});
  CHECK(image::write_image(compile(fits, chip, compiler::PackingMode::when_needed)) ==
        image::write_image(compile(fits, chip, compiler::PackingMode::none)));
  CHECK(cores_used(compile(fits, chip, compiler::PackingMode::greedy)) == 2);
  const auto needs_packing = in_to_pops(4, {3, 5, 2, 4});
  CHECK(compile_error(needs_packing, chip, packing(compiler::PackingMode::none)).find("0 are free") != std::string::npos);
  const auto packed = compile(needs_packing, chip, compiler::PackingMode::when_needed);
  CHECK(image::write_image(packed) == image::write_image(compile(needs_packing, chip, compiler::PackingMode::greedy)));
  CHECK(cores_used(packed) == 2);
  // Fitting neither way, auto shows the unpacked message (as before packing existed).
  CHECK(compile_error(in_to_pops(4, {8, 8, 8, 1}), chip) ==
        "population 'p3' needs 1 cores of 8 neurons; 0 are free on chip 'tiny' (3 cores)");
}

TEST_CASE("packing: the report lists each core's slices and counts the core once") {
  const auto chip = test::tiny_chip(2, 1, 8);
  const auto im = compile(in_to_pops(4, {3, 6}), chip, compiler::PackingMode::greedy);
  const auto report = compiler::make_report(im);
  REQUIRE(report.cores.size() == 2);
  CHECK(report.cores[0].slices.size() + report.cores[1].slices.size() == 3);
  CHECK(report.neurons == 9);
  const std::string text = compiler::report_text(report);
  CHECK(text.find("cores: 2 of 2 used, 3 slices packed onto them") != std::string::npos);
  CHECK(text.find("2 slices:") != std::string::npos);
  const auto json = compiler::report_json(report);
  size_t slices = 0;
  for (const auto& c : json["cores"]) slices += c["slices"].size();
  CHECK(slices == 3);
  // The image keeps the packing: read back, the same slices and the same report.
  const auto back = image::read_image(image::write_image(im), "packed.nchip");
  CHECK(core_slices(back) == core_slices(im));
  CHECK(compiler::report_text(compiler::make_report(back)) == text);
}

TEST_CASE("packing: 200 small populations fit loihi_like.json only packed, and run as unpacked") {
  const auto chip = compiler::read_chip_file(NCHIP_SOURCE_DIR "/examples/chips/loihi_like.json");
  REQUIRE(chip.tiles() == 128);
  // 200 LIF populations of 5 neurons (1000 neurons), each fed by a 20-neuron input and feeding the next.
  ir::Network net = in_to_pops(20, std::vector<uint32_t>(200, 5));
  for (size_t k = 0; k + 1 < 200; ++k)
    net.projections.push_back(test::dense(net, "p" + std::to_string(k), "p" + std::to_string(k + 1)));
  ir::validate(net, net.name);
  const std::string unpacked = compile_error(net, chip, packing(compiler::PackingMode::none));
  CHECK(unpacked == "population 'p128' needs 1 cores of 1024 neurons; 0 are free on chip 'loihi_like' (128 cores)");
  const auto packed = compile(net, chip, compiler::PackingMode::greedy);
  // Neurons alone would fit one core (1000 of 1024); synapse memory (25 plastic synapses per
  // neuron with full learning state, ~2 Mbit) needs two 1-Mbit cores, and one population is cut
  // where the first core fills up: 201 slices.
  const auto report = compiler::make_report(packed);
  CHECK(cores_used(packed) == 2);
  CHECK(report.cores.size() == 2);
  CHECK(report.memory_bits > chip.core_synapse_memory_bits);
  CHECK(report.memory_bits <= 2 * chip.core_synapse_memory_bits);
  CHECK(core_slices(packed).size() == 201);
  // Same network model as an unpacked compile on a chip with room for one slice per core: the
  // functional model runs the same network, so the same spikes.
  auto big = chip;
  big.mesh_width = 16;
  big.mesh_height = 13;
  const auto spread = compile(net, big, compiler::PackingMode::none);
  CHECK(cores_used(spread) == 200);
  functional::InputSpikes inputs(30);
  for (uint32_t t = 0; t < 30; ++t)
    for (uint32_t i = 0; i < 20; ++i)
      if ((t * 7 + i * 3) % 5 == 0) inputs[t].push_back(i);
  arith::SaturationCounts a, b;
  const auto rp = functional::run_network(packed.network, arith::FixedOps(packed.quant, a), inputs, 30, 1, true);
  const auto ru = functional::run_network(spread.network, arith::FixedOps(spread.quant, b), inputs, 30, 1, true);
  CHECK(rp.spikes == ru.spikes);
  CHECK(rp.voltages == ru.voltages);
  size_t spikes = 0;
  for (const auto& s : rp.spikes) spikes += s.size();
  CHECK(spikes > 0);
}

TEST_CASE("packing: the same bytes for one and two threads") {
  const auto chip = test::tiny_chip(2, 2, 8);
  auto net = in_to_pops(6, {3, 5, 4, 2, 7});
  net.projections.push_back(test::sparse(net, "p1", "p3", 0.5, 3));
  auto one = packing(compiler::PackingMode::greedy), two = one;
  two.threads = 2;
  CHECK(image::write_image(compiler::compile_network(net, chip, arith::QuantConfig{}, one)) ==
        image::write_image(compiler::compile_network(net, chip, arith::QuantConfig{}, two)));
}
