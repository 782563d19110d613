// The SystemC chip against the functional simulator on random networks, mesh sizes and seeds:
// spikes, readouts, voltages, synaptic events and saturation counts must be identical, on the NoC
// models `events` and `fast` (timing cannot change results). Each
// TEST_CASE runs in its own process (SystemC elaborates once per process).
#include "systemc_test_helpers.hpp"

using namespace nchip;

namespace {

void check_mesh(uint32_t width, uint32_t height, uint32_t per_core, const test::RandomNetworkSpec& spec,
                uint32_t host_tile) {
  const ir::Network net = test::random_network(spec);
  const image::ChipImage image = test::compile_for(net, test::small_mesh(width, height, per_core), host_tile);
  auto& chip = systemc::TimedChip::instance(width, height);
  for (const auto model : {systemc::NocModel::events, systemc::NocModel::fast}) {
    chip.set_noc_model(model);
    for (uint64_t seed : {1u, 2u, 3u}) {
      INFO("seed " << seed << (model == systemc::NocModel::fast ? ", fast" : ", events"));
      const auto inputs = test::random_inputs(spec.inputs, 200, 0.08, seed);
      test::require_bit_identical(chip, image, inputs, 200, seed);
    }
  }
  // The model did real NoC work: packets crossed links.
  CHECK(chip.stats().hops > 0);
}

}  // namespace

TEST_CASE("bit-identical to functional on a 2x2 mesh", "[systemc]") {
  test::RandomNetworkSpec spec;
  spec.lif = 12;
  spec.alif = 6;
  check_mesh(2, 2, 8, spec, 0);
}

TEST_CASE("bit-identical to functional on a 3x3 mesh, host in the middle", "[systemc]") {
  test::RandomNetworkSpec spec;
  spec.lif = 20;
  spec.alif = 10;
  spec.readouts = 3;
  spec.seed = 5;
  check_mesh(3, 3, 6, spec, 4);
}

TEST_CASE("bit-identical to functional on a 4x4 mesh with dense traffic", "[systemc]") {
  test::RandomNetworkSpec spec;
  spec.inputs = 30;
  spec.lif = 40;
  spec.alif = 20;
  spec.readouts = 4;
  spec.probability = 0.8;
  spec.gain = 2.0;
  spec.seed = 9;
  check_mesh(4, 4, 5, spec, 0);
}

TEST_CASE("bit-identical to functional with stochastic rounding", "[systemc]") {
  test::RandomNetworkSpec spec;
  const ir::Network net = test::random_network(spec);
  image::ChipImage image = test::compile_for(net, test::small_mesh(3, 2, 8));
  image.quant.rounding = arith::Rounding::stochastic;
  auto& chip = systemc::TimedChip::instance(3, 2);
  test::require_bit_identical(chip, image, test::random_inputs(spec.inputs, 300, 0.08, 4), 300, 4);
}

TEST_CASE("bit-identical to functional with current-based (CUBA) neurons and bias currents", "[systemc]") {
  test::RandomNetworkSpec spec;
  spec.cuba = 14;
  spec.seed = 3;
  const ir::Network net = test::random_network(spec);
  const image::ChipImage image = test::compile_for(net, test::small_mesh(3, 3, 7));
  uint32_t cuba_neurons = 0;
  for (const auto& p : image.network.neurons) cuba_neurons += p.current_based ? 1 : 0;
  REQUIRE(cuba_neurons == 14);
  auto& chip = systemc::TimedChip::instance(3, 3);
  for (auto rounding : {arith::Rounding::nearest, arith::Rounding::stochastic}) {
    image::ChipImage im = image;
    im.quant.rounding = rounding;
    test::require_bit_identical(chip, im, test::random_inputs(spec.inputs, 200, 0.08, 7), 200, 7);
  }
}

TEST_CASE("bit-identical to functional with reset to zero and v_leak and IF neurons", "[systemc]") {
  test::RandomNetworkSpec spec;
  spec.cuba = 10;
  spec.neuron_options = true;
  spec.seed = 4;
  const ir::Network net = test::random_network(spec);
  const image::ChipImage image = test::compile_for(net, test::small_mesh(3, 3, 8));
  uint32_t zero = 0, no_leak = 0;
  for (const auto& p : image.network.neurons) {
    zero += p.reset_to_zero ? 1 : 0;
    no_leak += p.leaky ? 0 : 1;
  }
  REQUIRE(zero == 15);
  REQUIRE(no_leak == 5);
  auto& chip = systemc::TimedChip::instance(3, 3);
  test::require_bit_identical(chip, image, test::random_inputs(spec.inputs, 200, 0.08, 8), 200, 8);
}
