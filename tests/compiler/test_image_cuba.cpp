// Issue #14 in the chip image (format version 4): CUBA neurons and bias currents survive a round
// trip, version 2 and 3 images (no synaptic current format, no CUBA block) still read, and the compiler
// counts a CUBA neuron's synaptic current word in core memory. Version 6: CubaLI readouts (a
// readout with a synaptic current) alike, and version 5 images still read.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <string>

#include "compiler/image_network.hpp"
#include "compiler/lower.hpp"
#include "compiler/report.hpp"
#include "hw_model/image/checksum.hpp"
#include "hw_model/image/chip_image.hpp"
#include "image_test_helpers.hpp"
#include "old_image_versions.hpp"
#include "mapping_test_helpers.hpp"

using namespace nchip;
using T = ir::PopulationType;

namespace {

ir::Network cuba_network(T hidden_type, bool readout_current = false) {
  ir::Network net;
  net.name = "cuba";
  net.populations = {test::pop("in", T::input, 10), test::pop("hid", hidden_type, 13), test::pop("lif", T::lif, 5),
                     test::pop("out", T::readout, 2)};
  if (hidden_type == T::cuba_lif) {
    net.populations[1].tau_syn_ms = 4.0;
    for (uint32_t k = 0; k < 13; ++k) net.populations[1].bias.push_back(0.01 * k);
  }
  if (readout_current) {
    net.populations[3].readout_current = true;
    net.populations[3].tau_syn_ms = 3.0;
    net.populations[3].bias = {0.25, -0.5};
    net.populations[3].synaptic_bias = {0.125, 0.0};
    if (hidden_type == T::cuba_lif) {
      net.populations[1].synaptic_bias.assign(13, 0.0);
      net.populations[1].synaptic_bias[4] = -0.375;
    }
  }
  net.projections = {test::dense(net, "in", "hid"), test::sparse(net, "hid", "hid", 0.3, 2),
                     test::dense(net, "hid", "lif"), test::dense(net, "lif", "out")};
  return net;
}

image::ChipImage compile(T hidden_type, bool readout_current = false) {
  return compiler::compile_network(cuba_network(hidden_type, readout_current), test::tiny_chip(3, 2, 8),
                                   arith::QuantConfig{});
}

}  // namespace

TEST_CASE("a CUBA network's image round-trips its current decay and bias currents") {
  const image::ChipImage im = compile(T::cuba_lif);
  uint32_t cuba = 0, with_bias = 0;
  for (const auto& p : im.network.neurons) {
    cuba += p.current_based ? 1 : 0;
    with_bias += p.bias.raw != 0 ? 1 : 0;
  }
  CHECK(cuba == 13);
  CHECK(with_bias == 12);  // neuron 0 has bias 0
  // exp(-1 / 4) in the default u24.24 decay format.
  CHECK(im.network.neurons[0].alpha_syn.raw == static_cast<int32_t>(std::lround(std::exp(-0.25) * (1 << 24))));
  const image::ChipImage back = image::read_image(image::write_image(im), "x");
  test::require_same_model(back.network, im.network);
  CHECK(image::write_image(back) == image::write_image(im));
  // The network read back from the image is a cuba_lif population again, with its constants.
  const ir::Network outline = compiler::training_network(back).network;
  REQUIRE(outline.populations[1].type == T::cuba_lif);
  CHECK(outline.populations[1].tau_syn_ms == Approx(4.0).epsilon(1e-6));
  CHECK(outline.populations[1].bias.at(5) == Approx(0.05).margin(1e-4));
  CHECK(outline.populations[2].type == T::lif);
}

TEST_CASE("version 3 and 2 images still read: default current format and no CUBA neurons") {
  const image::ChipImage im = compile(T::lif);
  const std::string now = image::write_image(im);  // today's version
  for (uint32_t version : {3u, 2u}) {
    const std::string old = test::as_image_version(now, version);
    // 8 bytes: one hop energy; 3: the current format; 9 per neuron: the CUBA block; 6: the optimizer
    // block; 3 x 8: the three matrices' delay lists and 1: Adafactor's register width (version 5);
    // 4 per neuron and 9 per readout: synaptic bias, readout flags and alpha_syn (version 6); 1: the
    // fan-in model (version 7).
    REQUIRE(old.size() == now.size() - 8 - 3 - (9 + 4) * im.network.neurons.size() - (version < 3 ? 6 : 0) - 3 * 8 -
                              1 - 9 * im.network.readouts.size() - 1);
    const image::ChipImage back = image::read_image(old, "old.nchip");
    test::require_same_model(back.network, im.network);
    CHECK(back.quant[arith::Quantity::synaptic_current] == arith::QuantConfig{}[arith::Quantity::synaptic_current]);
    CHECK(image::write_image(back) == now);
  }
}

TEST_CASE("the compiler counts one synaptic current word per CUBA neuron in core memory") {
  const auto lif = compiler::make_report(compile(T::lif));
  const auto cuba = compiler::make_report(compile(T::cuba_lif));
  const uint64_t word = arith::QuantConfig{}[arith::Quantity::synaptic_current].width;
  CHECK(cuba.memory_bits == lif.memory_bits + 13 * word);
  CHECK(cuba.learning_bits == lif.learning_bits);
}

// A source with a plastic synapse onto a CUBA neuron needs its synaptic filter zsyn beside zbar
// (hw_model/arith/presynaptic_trace.hpp): two trace slots on that core, one elsewhere. Every synapse
// here is plastic, so a core's distinct plastic sources are its fan-in.
TEST_CASE("the compiler counts two presynaptic trace slots per plastic source of a CUBA core") {
  const auto report = compiler::make_report(compile(T::cuba_lif));
  uint32_t cuba_cores = 0;
  for (const auto& c : report.cores) {
    REQUIRE(c.slices.size() == 1);  // fits unpacked: one slice per core
    const std::string& population = c.slices.front().population;
    INFO(population << " from " << c.slices.front().first);
    if (population == "out") continue;  // readout synapses have no presynaptic trace
    CHECK(c.usage.trace_slots == (population == "hid" ? 2 : 1) * c.usage.fan_in);
    cuba_cores += population == "hid";
  }
  CHECK(cuba_cores >= 1);
}

TEST_CASE("a chip without cuba_lif refuses a CubaLI readout in one line") {
  image::ChipConfig chip = test::tiny_chip(3, 2, 8);
  chip.neuron_models = {"lif", "alif", "readout"};
  try {
    compiler::compile_network(cuba_network(T::lif, true), chip, arith::QuantConfig{});
    FAIL("compiled");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) ==
          "population 'out' uses neuron type 'cuba_lif' (its synaptic current, tau_syn_ms), which chip 'tiny' does "
          "not support (neuron_models: lif, alif, readout)");
  }
}

TEST_CASE("a chip without cuba_lif refuses a CUBA population in one line") {
  image::ChipConfig chip = test::tiny_chip(3, 2, 8);
  chip.neuron_models = {"lif", "alif", "readout"};
  try {
    compiler::compile_network(cuba_network(T::cuba_lif), chip, arith::QuantConfig{});
    FAIL("compiled");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) ==
          "population 'hid' uses neuron type 'cuba_lif', which chip 'tiny' does not support (neuron_models: lif, "
          "alif, readout)");
  }
}

// tau dv/dt = v_leak - v: with no input v[t] = v_leak (1 - alpha^t) exactly, which the bias
// (1 - alpha) v_leak reproduces step by step (float: to rounding; the image holds it as the bias).
TEST_CASE("v_leak becomes the bias (1 - alpha) v_leak and v relaxes to v_leak") {
  ir::Network net = cuba_network(T::lif);
  net.populations[1].v_leak = 0.4;
  net.populations[1].v_th = 10.0;
  net.populations[1].tau_m_ms = 20.0;
  const arith::FloatOps f;
  const auto model = compiler::lower(net, f);
  const double alpha = std::exp(-1.0 / 20.0);
  CHECK(model.neurons[0].bias == Approx((1 - alpha) * 0.4).epsilon(1e-15));
  arith::SpikingState<arith::FloatOps> s;
  for (int t = 1; t <= 100; ++t) {
    arith::spiking_step(f, model.neurons[0], s, 0.0, {});
    REQUIRE(s.v == Approx(0.4 * (1 - std::pow(alpha, t))).epsilon(1e-12));
  }
  // Readback: the bias is what the image holds (v_leak folded into it), reset and leak survive.
  net.populations[1].reset = ir::ResetMode::zero;
  const auto im = compiler::compile_network(net, test::tiny_chip(3, 2, 8), arith::QuantConfig{});
  const ir::Network back = compiler::training_network(image::read_image(image::write_image(im), "x")).network;
  CHECK(back.populations[1].reset == ir::ResetMode::zero);
  CHECK(back.populations[1].bias.at(0) == Approx((1 - alpha) * 0.4).margin(1e-4));
}

TEST_CASE("a CubaLI readout's and a synaptic bias's image round-trips and version 5 images still read") {
  const image::ChipImage im = compile(T::cuba_lif, true);
  REQUIRE(im.network.readouts.size() == 2);
  CHECK(compiler::training_network(im).network.populations[1].synaptic_bias.at(4) == -0.375);
  for (const auto& r : im.network.readouts) {
    CHECK(r.current_based);
    // exp(-1 / 3) in the default u24.24 decay format.
    CHECK(r.alpha_syn.raw == static_cast<int32_t>(std::lround(std::exp(-1.0 / 3.0) * (1 << 24))));
  }
  const std::string bytes = image::write_image(im);
  const image::ChipImage back = image::read_image(bytes, "x");
  test::require_same_model(back.network, im.network);
  CHECK(image::write_image(back) == bytes);
  const ir::Network outline = compiler::training_network(back).network;
  REQUIRE(outline.populations[3].type == T::readout);
  CHECK(outline.populations[3].readout_current);
  CHECK(outline.populations[3].tau_syn_ms == Approx(3.0).epsilon(1e-6));
  CHECK(outline.populations[3].bias.at(1) == Approx(-0.5).margin(1e-4));
  CHECK(outline.populations[3].synaptic_bias == std::vector<double>{0.125, 0.0});
  // Without readout currents, version 5 (no readout flags) reads back to the same model and bytes.
  const image::ChipImage plain = compile(T::cuba_lif);
  const std::string now = image::write_image(plain);
  const std::string v5 = test::as_image_version(now, 5);
  REQUIRE(v5.size() == now.size() - 4 * plain.network.neurons.size() - 9 * plain.network.readouts.size() - 1);  // 1: version 7's fan-in model
  const image::ChipImage old = image::read_image(v5, "v5.nchip");
  test::require_same_model(old.network, plain.network);
  CHECK(image::write_image(old) == now);
  CHECK_THROWS_AS(test::as_image_version(bytes, 5), std::logic_error);  // a CubaLI readout has no version 5
}

TEST_CASE("the compiler counts a CubaLI readout's current word and its sources' zsyn trace slots") {
  const auto plain = compiler::make_report(compile(T::lif));
  const auto cubali = compiler::make_report(compile(T::lif, true));
  const uint64_t word = arith::QuantConfig{}[arith::Quantity::synaptic_current].width;
  CHECK(cubali.memory_bits == plain.memory_bits + 2 * word);
  for (const auto& c : cubali.cores) {
    REQUIRE(c.slices.size() == 1);
    const std::string& population = c.slices.front().population;
    INFO(population);
    // A readout core keeps zkappa per plastic source; a CubaLI readout also zsyn (learning_pass.hpp).
    if (population == "out") CHECK(c.usage.trace_slots == 2 * c.usage.fan_in);
  }
}
