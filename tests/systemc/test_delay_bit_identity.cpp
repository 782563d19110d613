// Issue #14: projections with multi-step synaptic delays (1 to 64 steps, per projection) run
// bit-identically on the SystemC chip (each core's delay ring, filled as packets arrive) and the
// functional model (one ring for the whole network): spikes, readouts, voltages, currents,
// synaptic events and saturations, with nearest and stochastic rounding, LIF, ALIF and CUBA.
#include "systemc_test_helpers.hpp"

using namespace nchip;

namespace {

// Delays 2, 5, 1, 3, 64, 7, ... over the projections, so input, recurrent and readout projections
// each have some, and one core's ring is as deep as the chip allows.
ir::Network delayed(ir::Network net) {
  const uint32_t delays[] = {2, 5, 1, 3, 64, 7, 4, 2, 6};
  for (size_t p = 0; p < net.projections.size(); ++p) net.projections[p].delay_steps = delays[p % 9];
  return net;
}

}  // namespace

TEST_CASE("bit-identical to functional with delayed projections", "[systemc]") {
  test::RandomNetworkSpec spec;
  spec.lif = 16;
  spec.alif = 8;
  spec.readouts = 3;
  spec.cuba = 8;
  spec.seed = 6;
  const ir::Network net = delayed(test::random_network(spec));
  const image::ChipImage image = test::compile_for(net, test::small_mesh(3, 3, 6), 4);
  REQUIRE(image.network.max_delay_steps() == 64);
  auto& chip = systemc::TimedChip::instance(3, 3);
  for (auto rounding : {arith::Rounding::nearest, arith::Rounding::stochastic}) {
    image::ChipImage im = image;
    im.quant.rounding = rounding;
    test::require_bit_identical(chip, im, test::random_inputs(spec.inputs, 250, 0.08, 3), 250, 3);
  }
  // The delays changed what the chip did (the same network without them spikes differently).
  const image::ChipImage plain = test::compile_for(test::random_network(spec), test::small_mesh(3, 3, 6), 4);
  arith::SaturationCounts c1, c2;
  const auto inputs = test::random_inputs(spec.inputs, 250, 0.08, 3);
  const auto with = systemc::run_network_timed(chip, image, image.network, arith::FixedOps(image.quant, c1),
                                               inputs, 250, 3, false);
  const auto without = systemc::run_network_timed(chip, plain, plain.network, arith::FixedOps(plain.quant, c2),
                                                  inputs, 250, 3, false);
  CHECK(with.spikes != without.spikes);
}
