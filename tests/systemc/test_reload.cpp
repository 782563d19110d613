// One elaborated model, several images: loading a second image (on a smaller mesh) and then the
// first again gives the first run's results and timing exactly, as a fresh process would (the
// first run here is the fresh process's run: nothing was loaded before it).
#include "hw_model/error.hpp"
#include "systemc_test_helpers.hpp"

using namespace nchip;

namespace {

struct Outcome {
  functional::Recording rec;
  uint64_t cycles = 0, packets = 0, hops = 0, stalls = 0, max_step = 0;
};

Outcome run(systemc::TimedChip& chip, const image::ChipImage& img, const functional::InputSpikes& in,
            uint32_t steps, uint64_t seed) {
  arith::SaturationCounts counts;
  Outcome o;
  o.rec = systemc::run_network_timed(chip, img, img.network, arith::FixedOps(img.quant, counts), in, steps,
                                     seed, true);
  const auto& s = chip.stats();
  o.cycles = s.total_cycles;
  o.packets = s.packets;
  o.hops = s.hops;
  o.stalls = s.sum_stalls().link_busy_waits + s.sum_stalls().backpressure_waits;
  o.max_step = s.max_step_cycles;
  return o;
}

}  // namespace

TEST_CASE("loading a second image into the elaborated model, then the first again", "[systemc]") {
  test::RandomNetworkSpec a;
  a.lif = 20;
  a.alif = 10;
  a.seed = 3;
  test::RandomNetworkSpec b;
  b.inputs = 5;
  b.lif = 7;
  b.alif = 3;
  b.readouts = 1;
  b.seed = 11;
  const auto img_a = test::compile_for(test::random_network(a), test::small_mesh(3, 3, 6));
  const auto img_b = test::compile_for(test::random_network(b), test::small_mesh(2, 2, 4));
  const auto in_a = test::random_inputs(a.inputs, 150, 0.1, 7);
  const auto in_b = test::random_inputs(b.inputs, 150, 0.1, 8);

  auto& chip = systemc::TimedChip::instance(3, 3);
  const Outcome first = run(chip, img_a, in_a, 150, 7);
  test::require_bit_identical(chip, img_b, in_b, 150, 8);
  const Outcome again = run(chip, img_a, in_a, 150, 7);

  CHECK(again.rec.spikes == first.rec.spikes);
  CHECK(again.rec.readouts == first.rec.readouts);
  CHECK(again.rec.voltages == first.rec.voltages);
  CHECK(again.rec.saturations == first.rec.saturations);
  CHECK(again.cycles == first.cycles);
  CHECK(again.packets == first.packets);
  CHECK(again.hops == first.hops);
  CHECK(again.stalls == first.stalls);
  CHECK(again.max_step == first.max_step);
  CHECK(first.packets > 0);
  // And it is still the functional model's answer.
  test::require_bit_identical(chip, img_a, in_a, 150, 7);
}

TEST_CASE("an image larger than the elaborated mesh is refused with one line", "[systemc]") {
  test::RandomNetworkSpec a;
  const auto img = test::compile_for(test::random_network(a), test::small_mesh(3, 3, 6));
  auto& chip = systemc::TimedChip::instance(2, 2);
  arith::SaturationCounts counts;
  REQUIRE_THROWS_AS(chip.load(img, img.network, arith::FixedOps(img.quant, counts)), InputError);
}
