// Issue #14, multi-step synaptic delays in the compiler: the network file's delay_steps (read,
// written, refused in one line), the delay ring in core memory (report, capacity boundary, the
// error naming resource, core and population) and the chip image (version 5 field; version 4
// images of delay-free networks still read).
#include <catch2/catch.hpp>

#include "compiler/image_network.hpp"
#include "compiler/ir/network_json.hpp"
#include "compiler/report.hpp"
#include "image_test_helpers.hpp"
#include "ir_test_helpers.hpp"
#include "mapping_test_helpers.hpp"
#include "old_image_versions.hpp"

using namespace nchip;
using Catch::Matchers::Contains;
using T = ir::PopulationType;

namespace {

nlohmann::json with_delay(const nlohmann::json& delay) {
  nlohmann::json doc = test::valid_network();
  doc["projections"][1]["delay_steps"] = delay;
  return doc;
}

// in (4) -> lif (10), delay d; lif -> lif, delay 1; lif -> out (2).
ir::Network delayed_net(uint32_t d) {
  ir::Network net;
  net.name = "delayed";
  net.populations = {test::pop("in", T::input, 4), test::pop("lif", T::lif, 10), test::pop("out", T::readout, 2)};
  net.projections = {test::dense(net, "in", "lif"), test::dense(net, "lif", "lif"), test::dense(net, "lif", "out")};
  net.projections[0].delay_steps = d;
  return net;
}

}  // namespace

TEST_CASE("delay_steps is read, written only when it is not 1, and round-trips", "[compiler][delay]") {
  const ir::Network net = ir::parse_network_json(with_delay(5).dump(), "net.json");
  CHECK(net.projections[1].delay_steps == 5);
  CHECK(net.projections[0].delay_steps == 1);
  const auto written = ir::network_to_json(net);
  CHECK(written.find("\"delay_steps\": 5") != std::string::npos);
  CHECK(ir::parse_network_json(written, "again.json") == net);
  // A network without delays is written exactly as before: no delay_steps key at all.
  const ir::Network plain = ir::parse_network_json(test::valid_network().dump(), "net.json");
  CHECK(ir::network_to_json(plain).find("delay_steps") == std::string::npos);
  CHECK(ir::parse_network_json(with_delay(1).dump(), "net.json") == plain);
}

TEST_CASE("a bad delay_steps is one line naming the field", "[compiler][delay]") {
  CHECK(test::error_of(with_delay(0)) ==
        "net.json: /projections/1/delay_steps: delay_steps must be a whole number of steps in [1, 64], got 0");
  CHECK(test::error_of(with_delay(-2)) ==
        "net.json: /projections/1/delay_steps: expected a non-negative integer, got number -2");
  CHECK_THAT(test::error_of(with_delay(1.5)), Contains("/projections/1/delay_steps: expected an integer"));
  CHECK_THAT(test::error_of(with_delay("2")), Contains("/projections/1/delay_steps: expected an integer"));
  CHECK(test::error_of(with_delay(65)) == "net.json: /projections/1/delay_steps: must be at most 64, got 65");
  CHECK(test::error_of(with_delay(64)) == "<no error>");
  // A network built in code is checked by validate() alike.
  ir::Network net = delayed_net(65);
  CHECK_THROWS_WITH(ir::validate(net, "code"), "code: /projections/0/delay_steps: delay_steps must be a whole "
                                               "number of steps in [1, 64], got 65");
}

TEST_CASE("each core's delay ring is (longest delay - 1) words per neuron of core memory", "[compiler][delay]") {
  const image::ChipConfig chip = test::tiny_chip(2, 2, 10);
  const auto plain = compiler::make_report(compiler::compile_network(delayed_net(1), chip, arith::QuantConfig{}));
  const auto delayed = compiler::make_report(compiler::compile_network(delayed_net(6), chip, arith::QuantConfig{}));
  REQUIRE(plain.cores.size() == 2);  // lif and out
  REQUIRE(delayed.cores.size() == 2);
  CHECK(plain.delay_buffer_bits == 0);
  const auto& lif = delayed.cores[0].slices.front().population == "lif" ? delayed.cores[0] : delayed.cores[1];
  CHECK(lif.usage.delay_steps == 6);
  CHECK(lif.usage.delay_buffer_bits == 5 * 10 * image::kDelaySlotBits);
  CHECK(delayed.delay_buffer_bits == 5 * 10 * 32);
  CHECK(delayed.memory_bits == plain.memory_bits + 5 * 10 * 32);
  const std::string text = compiler::report_text(delayed);
  CHECK_THAT(text, Contains("delay buffers: "));
  CHECK_THAT(text, Contains("delay ring 6 steps, 50 words"));
  CHECK(compiler::report_text(plain).find("delay ") == std::string::npos);  // ("delayed" is the name)
  const auto j = compiler::report_json(delayed);
  CHECK(j["totals"]["delay_buffer_bits"] == 1600);
  CHECK(compiler::report_json(plain)["totals"].count("delay_buffer_bits") == 0);
}

TEST_CASE("the delay ring counts against core memory: at the boundary it fits, one bit less it splits", "[compiler][delay]") {
  image::ChipConfig chip = test::tiny_chip(4, 2, 10);
  const auto fitted = compiler::make_report(compiler::compile_network(delayed_net(6), chip, arith::QuantConfig{}));
  uint64_t lif_bits = 0;
  for (const auto& c : fitted.cores) lif_bits = c.slices.front().population == "lif" ? c.usage.memory_bits : lif_bits;
  uint64_t most = 0;
  for (const auto& c : fitted.cores) most = std::max(most, c.usage.memory_bits);
  REQUIRE(most == lif_bits);  // the lif core is the fullest
  chip.core_synapse_memory_bits = lif_bits;
  CHECK(compiler::make_report(compiler::compile_network(delayed_net(6), chip, arith::QuantConfig{})).cores.size() == 2);
  chip.core_synapse_memory_bits = lif_bits - 1;
  CHECK(compiler::make_report(compiler::compile_network(delayed_net(6), chip, arith::QuantConfig{})).cores.size() > 2);
  // Without the delay the same budget holds all ten lif neurons on one core.
  CHECK(compiler::make_report(compiler::compile_network(delayed_net(1), chip, arith::QuantConfig{})).cores.size() == 2);
}

TEST_CASE("a neuron whose delay ring alone does not fit a core is refused naming the resource", "[compiler][delay]") {
  image::ChipConfig chip = test::tiny_chip(2, 2, 10);
  chip.core_synapse_memory_bits = 63 * 32;  // a 64-step ring of one neuron alone is 63 words
  const std::string message = test::compile_error(delayed_net(64), chip);
  CHECK_THAT(message, Contains("population 'lif' neuron 0 does not fit a core on its own"));
  CHECK_THAT(message, Contains("a 64-step delay buffer of 2016 bits"));
  CHECK_THAT(message, Contains("core_synapse_memory_bits"));
}

TEST_CASE("the image keeps each synapse's delay (version 5) and reads version 4 images", "[compiler][delay][image]") {
  const image::ChipConfig chip = test::tiny_chip(2, 2, 10);
  const image::ChipImage im = compiler::compile_network(delayed_net(3), chip, arith::QuantConfig{});
  REQUIRE(im.network.input_synapses.delay_steps == std::vector<uint8_t>(40, 3));
  CHECK(im.network.recurrent_synapses.delay_steps.empty());
  const std::string bytes = image::write_image(im);
  CHECK(test::get_le(bytes, 8, 4) == image::kImageFormatVersion);
  const image::ChipImage back = image::read_image(bytes, "x");
  test::require_same_model(back.network, im.network);
  CHECK(image::write_image(back) == bytes);
  // The image's IR (nchip train --net X.nchip, inspect) knows the projection's delay.
  CHECK(compiler::training_network(back).network.projections[0].delay_steps == 3);
  // A version 4 image of a network without delays: read as all delays 1, rewritten as today's.
  const image::ChipImage plain = compiler::compile_network(delayed_net(1), chip, arith::QuantConfig{});
  const std::string now = image::write_image(plain);
  const std::string v4 = test::as_image_version(now, 4);
  // The three (empty) delay lists, Adafactor's register width, version 6's synaptic bias per
  // neuron and current fields per readout, and version 7's fan-in model byte.
  CHECK(v4.size() == now.size() - 3 * 8 - 1 - 4 * plain.network.neurons.size() - 9 * plain.network.readouts.size() - 1);
  const image::ChipImage old = image::read_image(v4, "old.nchip");
  test::require_same_model(old.network, plain.network);
  CHECK(image::write_image(old) == now);
  // A corrupt delay is one line.
  image::ChipImage bad = im;
  bad.network.input_synapses.delay_steps[7] = 0;
  CHECK_THROWS_WITH(image::read_image(image::write_image(bad), "bad.nchip"),
                    Contains("input synapses: synaptic delay 0 outside [1, 64] steps"));
}
