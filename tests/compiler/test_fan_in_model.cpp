// The fan-in model (issue #16): a chip counts core_max_fan_in in presynaptic neurons (nchip's
// first model, the default) or in input axons, (presynaptic neuron, projection) pairs, as Loihi's
// axon_id-addressed distribution lists and SpiNNaker's synaptic rows do (image::FanInModel). A
// source reaching one core through two projections is 1 source neuron but 2 axons; the limit holds
// exactly at N under both models; the chip file, the image (version 7; version 6 still reads) and
// the report carry the model.
#include <catch2/catch.hpp>

#include <set>

#include "compiler/chip_json.hpp"
#include "compiler/report.hpp"
#include "mapping_test_helpers.hpp"
#include "old_image_versions.hpp"

using namespace nchip;
using nchip::test::compile_error;
using T = ir::PopulationType;

namespace {

// "in" (3 inputs) feeding p0 and p1 (2 LIF each) through two projections: packed onto one core,
// each input reaches it twice.
ir::Network shared_input() {
  ir::Network net;
  net.name = "axons";
  net.populations = {test::pop("in", T::input, 3), test::pop("p0", T::lif, 2), test::pop("p1", T::lif, 2)};
  net.projections = {test::dense(net, "in", "p0"), test::dense(net, "in", "p1")};
  return net;
}

image::ChipConfig chip_with(image::FanInModel model, uint32_t fan_in) {
  auto chip = test::tiny_chip(2, 1, 64);
  chip.fan_in_model = model;
  chip.core_max_fan_in = fan_in;
  return chip;
}

image::ChipImage packed(const ir::Network& net, const image::ChipConfig& chip) {
  compiler::CompileOptions o;
  o.packing = compiler::PackingMode::greedy;
  o.threads = 1;
  return compiler::compile_network(net, chip, arith::QuantConfig{}, o);
}

compiler::CompileOptions greedy() {
  compiler::CompileOptions o;
  o.packing = compiler::PackingMode::greedy;
  return o;
}

size_t tiles_used(const image::ChipImage& im) {
  std::set<uint32_t> tiles;
  for (const auto& s : im.slices)
    if (im.network.populations[s.population].role != model::PopulationRole::input) tiles.insert(s.tile);
  return tiles.size();
}

}  // namespace

TEST_CASE("fan-in model: a source reaching a core through two projections is 1 source neuron and 2 axons") {
  const auto by_neurons = compiler::make_report(packed(shared_input(), chip_with(image::FanInModel::source_neurons, 64)));
  const auto by_axons = compiler::make_report(packed(shared_input(), chip_with(image::FanInModel::axons, 64)));
  REQUIRE(by_neurons.cores.size() == 1);
  REQUIRE(by_axons.cores.size() == 1);
  CHECK(by_neurons.cores[0].usage.fan_in == 3);  // in0..in2 once
  CHECK(by_axons.cores[0].usage.fan_in == 6);    // (in_i, in->p0) and (in_i, in->p1)
  // One projection per (source, target population) pair: unpacked, both models count the same.
  const auto net = test::in_to_rec(5, 3);
  for (const auto model : {image::FanInModel::source_neurons, image::FanInModel::axons}) {
    const auto report = compiler::make_report(compiler::compile_network(net, chip_with(model, 64), arith::QuantConfig{}));
    REQUIRE(report.cores.size() == 1);
    CHECK(report.cores[0].usage.fan_in == 5);
  }
}

TEST_CASE("fan-in model axons: fan-in of exactly N packs onto one core and N - 1 moves the second population") {
  CHECK(tiles_used(packed(shared_input(), chip_with(image::FanInModel::axons, 6))) == 1);
  const auto split = packed(shared_input(), chip_with(image::FanInModel::axons, 5));
  CHECK(tiles_used(split) == 2);
  // p1's first neuron would bring 3 more axons (6 > 5): p1 moves whole to the second core.
  const auto report = compiler::make_report(split);
  REQUIRE(report.cores.size() == 2);
  CHECK(report.cores[0].usage.fan_in == 3);
  CHECK(report.cores[1].usage.fan_in == 3);
  CHECK(report.cores[1].slices.size() == 1);
  CHECK(report.cores[1].slices[0].population == "p1");
  CHECK(report.cores[1].slices[0].count == 2);
  // Each neuron alone needs 3 axons: a limit of 2 refuses it, naming population, neuron, count and field.
  CHECK(compile_error(shared_input(), chip_with(image::FanInModel::axons, 2), greedy()) ==
        "population 'p0' neuron 0 does not fit a core on its own: it needs fan-in of 3 input axons (chip allows "
        "2); chip 'tiny' (core_max_fan_in) is too small for it");
}

TEST_CASE("fan-in model source_neurons: fan-in of exactly N fits one core and N - 1 refuses") {
  // The same network needs only 3 source neurons on one core: the limit 3 is exact.
  CHECK(tiles_used(packed(shared_input(), chip_with(image::FanInModel::source_neurons, 3))) == 1);
  CHECK(compile_error(shared_input(), chip_with(image::FanInModel::source_neurons, 2), greedy()) ==
        "population 'p0' neuron 0 does not fit a core on its own: it needs fan-in of 3 presynaptic neurons (chip "
        "allows 2); chip 'tiny' (core_max_fan_in) is too small for it");
}

TEST_CASE("fan-in model: the chip file and image and report carry it and version 6 images read as source_neurons") {
  const auto loihi = compiler::read_chip_file(NCHIP_SOURCE_DIR "/examples/chips/loihi_like.json");
  CHECK(loihi.fan_in_model == image::FanInModel::axons);
  CHECK(compiler::read_chip_file(NCHIP_SOURCE_DIR "/examples/chips/small.json").fan_in_model ==
        image::FanInModel::source_neurons);
  const auto parsed = compiler::parse_chip_json(R"({"fan_in_model": {"value": "axons", "source": "Loihi"}})", "c.json");
  CHECK(parsed.fan_in_model == image::FanInModel::axons);
  CHECK(compiler::parse_chip_json(compiler::chip_to_json(parsed), "w").fan_in_model == image::FanInModel::axons);
  CHECK(image::chip_hash(parsed) != image::chip_hash(image::ChipConfig{}));
  try {
    compiler::parse_chip_json(R"({"fan_in_model": "rows"})", "c.json");
    FAIL("accepted an unknown fan-in model");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) == "c.json: /fan_in_model: unknown fan-in model 'rows' (expected source_neurons or axons)");
  }

  const auto axons = packed(shared_input(), chip_with(image::FanInModel::axons, 64));
  const auto back = image::read_image(image::write_image(axons), "a.nchip");
  CHECK(back.chip.fan_in_model == image::FanInModel::axons);
  CHECK(compiler::report_text(compiler::make_report(back)) == compiler::report_text(compiler::make_report(axons)));
  const std::string text = compiler::report_text(compiler::make_report(back));
  CHECK(text.find("fan-in counts input axons, (presynaptic neuron, projection) pairs (fan_in_model axons, at most 64 "
                  "per core)") != std::string::npos);
  CHECK(compiler::report_json(compiler::make_report(back))["chip"]["fan_in_model"] == "axons");

  const auto plain = packed(shared_input(), chip_with(image::FanInModel::source_neurons, 64));
  const std::string now = image::write_image(plain);
  const auto v6 = image::read_image(test::as_image_version(now, 6), "v6.nchip");
  CHECK(v6.chip.fan_in_model == image::FanInModel::source_neurons);
  CHECK(image::write_image(v6) == now);
  CHECK_THROWS_AS(test::as_image_version(image::write_image(axons), 6), std::logic_error);
}
