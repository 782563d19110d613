// Validate and partition passes at their limits: an exact fit compiles, one neuron or one
// synapse more fails with a message naming the population, the resource and the chip.
#include <catch2/catch.hpp>

#include <cmath>

#include "compiler/passes/quantize.hpp"
#include "mapping_test_helpers.hpp"

using namespace nchip;
using nchip::test::compile_error;
using T = ir::PopulationType;

using nchip::test::in_to_rec;

TEST_CASE("neurons: exactly the mesh's slots fit, one more neuron does not") {
  const auto chip = test::tiny_chip(2, 1, 8);
  CHECK(compile_error(in_to_rec(4, 16), chip) == "<no error>");
  CHECK(compile_error(in_to_rec(4, 17), chip) ==
        "population 'rec' needs 3 cores of 8 neurons; 2 are free on chip 'tiny' (2 cores)");
}

TEST_CASE("synapse memory: an exact fit compiles, one synapse more does not") {
  auto chip = test::tiny_chip(1, 1, 4);
  const arith::QuantConfig q;
  // 4 neurons x 10 plastic LIF synapses, plus one group header for the one projection.
  const uint64_t bits = 40ull * image::synapse_bits(chip, q, image::StorageScheme::full, true, false) +
                        image::kGroupHeaderBits;
  chip.core_synapse_memory_bits = bits;
  auto net = in_to_rec(10, 4);
  CHECK(compile_error(net, chip) == "<no error>");
  net.projections[0].dense = false;  // the same 40 synapses in sparse form, then one more
  net.projections[0].weights.clear();
  for (uint32_t post = 0; post < 4; ++post)
    for (uint32_t pre = 0; pre < 10; ++pre) net.projections[0].synapses.push_back({pre, post, 0.25});
  CHECK(compile_error(net, chip) == "<no error>");
  net.populations[0].size = 11;
  net.projections[0].synapses.push_back({10, 3, 0.25});
  CHECK(compile_error(net, chip) ==
        "population 'rec' needs 2 cores (core_synapse_memory_bits limits a core to 2 of its neurons); "
        "1 is free on chip 'tiny' (1 cores)");
}

TEST_CASE("factored storage keeps no learning state per synapse, so more fits") {
  auto chip = test::tiny_chip(1, 1, 64);
  const arith::QuantConfig q;
  chip.core_synapse_memory_bits =
      64ull * 20 * image::synapse_bits(chip, q, image::StorageScheme::factored, true, false) + 8;
  const auto net = in_to_rec(20, 64);
  compiler::CompileOptions factored;
  factored.storage = image::StorageScheme::factored;
  CHECK(compile_error(net, chip, factored) == "<no error>");
  CHECK(compile_error(net, chip).find("core_synapse_memory_bits") != std::string::npos);
}

// Issue #17: Lion's per-synapse m (learning::optimizer_state_bits, the update_accumulator's 32
// bits) counts against synapse memory: a core that holds 40 plastic synapses with SGD's state
// no longer does with Lion's.
TEST_CASE("the optimizer's state bits count against synapse memory in partitioning") {
  auto chip = test::tiny_chip(1, 1, 4);
  const arith::QuantConfig q;
  const uint64_t sgd_bits = 40ull * image::synapse_bits(chip, q, image::StorageScheme::full, true, false) +
                            image::kGroupHeaderBits;
  CHECK(image::synapse_bits(chip, q, image::StorageScheme::full, true, false, 32) ==
        image::synapse_bits(chip, q, image::StorageScheme::full, true, false) + 32);
  CHECK(image::synapse_bits(chip, q, image::StorageScheme::full, false, false, 32) ==
        image::synapse_bits(chip, q, image::StorageScheme::full, false, false));  // not plastic: no state
  compiler::CompileOptions lion;
  lion.optimizer_state_bits = 32;
  chip.core_synapse_memory_bits = sgd_bits;
  const auto net = in_to_rec(10, 4);
  CHECK(compile_error(net, chip) == "<no error>");
  CHECK(compile_error(net, chip, lion).find("core_synapse_memory_bits") != std::string::npos);
  chip.core_synapse_memory_bits = sgd_bits + 40 * 32;
  CHECK(compile_error(net, chip, lion) == "<no error>");
}

TEST_CASE("fan-in and trace slots: a neuron over the limit on its own is named") {
  auto chip = test::tiny_chip(4, 1, 8);
  chip.core_max_fan_in = 10;
  CHECK(compile_error(in_to_rec(10, 8), chip) == "<no error>");
  CHECK(compile_error(in_to_rec(11, 8), chip) ==
        "population 'rec' neuron 0 does not fit a core on its own: it needs fan-in of 11 presynaptic "
        "neurons (chip allows 10); chip 'tiny' (core_max_fan_in) is too small for it");
  chip.core_max_fan_in = 100;
  chip.core_trace_slots = 5;
  CHECK(compile_error(in_to_rec(6, 8), chip).find("6 presynaptic trace slots (a core has 5)") != std::string::npos);
}

TEST_CASE("fan-out over the limit is an error naming the neurons") {
  auto chip = test::tiny_chip(4, 1, 2);
  chip.core_max_fan_out = 2;
  ir::Network net;
  net.populations = {test::pop("a", T::lif, 2), test::pop("b", T::lif, 6)};
  net.projections = {test::dense(net, "a", "b")};
  CHECK(compile_error(net, chip) ==
        "population 'a' neurons 0-1 send spikes to 3 cores; chip 'tiny' allows 2 per core "
        "(core_max_fan_out): use a chip with a larger fan-out or fewer, larger cores");
}

TEST_CASE("validate: unsupported neuron types and unrepresentable parameters") {
  auto chip = test::tiny_chip(4, 1, 8);
  chip.neuron_models = {"lif", "readout"};
  ir::Network net;
  net.populations = {test::pop("in", T::input, 2), test::pop("ad", T::alif, 2)};
  net.projections = {test::dense(net, "in", "ad")};
  CHECK(compile_error(net, chip) ==
        "population 'ad' uses neuron type 'alif', which chip 'tiny' does not support (neuron_models: lif, readout)");
  chip.neuron_models = {"lif", "alif", "readout"};
  net.populations[1].v_th = 1e-9;
  CHECK(compile_error(net, chip).rfind("population 'ad': v_th = 1e-09 is not representable", 0) == 0);
}

TEST_CASE("quantize: weights beyond the format at the largest exponent are refused") {
  auto net = in_to_rec(2, 2);
  net.projections[0].weights[1] = 1e6;
  CHECK(compile_error(net, test::tiny_chip(1, 1, 8)).rfind(
            "projection 0 ('in' -> 'rec'): weight 1000000 is out of range after scaling", 0) == 0);
}

TEST_CASE("quantize: per-projection error report") {
  auto net = in_to_rec(8, 8);
  const auto q = compiler::quantize(net, arith::QuantConfig{});
  REQUIRE(q.projections.size() == 1);
  const auto& p = q.projections[0];
  CHECK(p.name == "in->rec");
  CHECK(p.synapses == 64);
  CHECK(p.max_abs_weight < 0.5);
  // The exponent is the smallest that fits max |w| with one bit of headroom.
  const double max_real = arith::QuantConfig{}[arith::Quantity::weight].max_real();
  CHECK(p.max_abs_weight * 2 <= std::ldexp(max_real, p.exponent));
  CHECK(p.max_abs_weight * 2 > std::ldexp(max_real, p.exponent - 1));
  // Nearest rounding: error at most half an LSB of the scaled format.
  CHECK(p.max_abs_error <= std::ldexp(1.0, -12 + p.exponent) / 2);
  CHECK(p.rms_error <= p.max_abs_error);
  CHECK(p.snr_db > 60);
}
