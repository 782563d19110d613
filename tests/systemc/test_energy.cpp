// The energy and time figures of examples/chips/loihi_like.json, pinned against Davies et al. 2018
// (IEEE Micro 38(1)), Table 2, and a hand-computable run on that chip whose totals follow from the
// published figures alone. One process per TEST_CASE (SystemC elaborates once).
#include <catch2/catch.hpp>

#include "compiler/chip_json.hpp"
#include "hand_image.hpp"
#include "hw_model/systemc/timed_chip.hpp"

using namespace nchip;
using nlohmann::json;

namespace {

image::ChipConfig loihi_like() { return compiler::read_chip_file(NCHIP_SOURCE_DIR "/examples/chips/loihi_like.json"); }

}  // namespace

TEST_CASE("loihi_like carries Table 2's figures", "[systemc][energy]") {
  const image::ChipConfig c = loihi_like();
  // Energy per operation, pJ (Table 2).
  CHECK(c.energy_synaptic_op_pj == 23.6);       // synaptic spike op (min)
  CHECK(c.energy_neuron_update_pj == 81.0);     // neuron update, active
  CHECK(c.energy_eligibility_update_pj == 120.0);  // synaptic update (pairwise STDP)
  CHECK(c.energy_weight_update_pj == 120.0);
  CHECK(c.energy_hop_east_west_pj == 3.0);      // tile hop E-W
  CHECK(c.energy_hop_north_south_pj == 4.0);    // tile hop N-S
  // Times at the nominal 1 GHz clock: cycles are ns, rounded from Table 2.
  CHECK(c.clock_mhz == 1000.0);
  CHECK(c.cycles_synaptic_op == 4);          // 3.5 ns (max), rounded up
  CHECK(c.cycles_neuron_update == 8);        // 8.4 ns (active)
  CHECK(c.cycles_eligibility_update == 6);   // 6.1 ns
  CHECK(c.cycles_weight_update == 6);        // 6.1 ns
  CHECK(c.router_hop_latency_cycles == 5);   // mean of 4.1 ns (E-W) and 6.5 ns (N-S)
}

TEST_CASE("a hand-computable run on loihi_like costs what Table 2 says", "[systemc][energy]") {
  // One input spike from the host on tile (0,0) reaches "east" (2 LIF, tile (2,0): 2 east hops)
  // and "south" (3 LIF, tile (0,1): 1 south hop); weights too small to make anyone spike.
  const json net = {{"name", "table2"}, {"dt_ms", 1.0},
                    {"populations", {{{"name", "in"}, {"type", "input"}, {"size", 1}},
                                     test::lif_population("east", 2), test::lif_population("south", 3)}},
                    {"projections", {test::dense("in", "east", 1, 2, 0.01), test::dense("in", "south", 1, 3, 0.01)}}};
  const image::ChipConfig chip = loihi_like();
  const uint32_t south_tile = chip.mesh_width;  // (0, 1)
  const auto img = test::hand_image(net, chip, 0, {{"east", 2}, {"south", south_tile}});
  auto& timed = systemc::TimedChip::instance(chip.mesh_width, chip.mesh_height);
  // Nothing ties here: both the SystemC-order model and the fast one give these values.
  const auto model = GENERATE(systemc::NocModel::events, systemc::NocModel::fast);
  INFO((model == systemc::NocModel::fast ? "fast" : "events"));
  timed.set_noc_model(model);
  arith::SaturationCounts counts;
  timed.load(img, img.network, arith::FixedOps(img.quant, counts));
  timed.reset(1);
  timed.clear_stats();
  timed.step({0});
  const systemc::ChipStats s = timed.stats();
  REQUIRE(timed.spikes().empty());
  CHECK(s.sum_synaptic_events() == 5);
  CHECK(s.sum_neuron_updates() == 5);
  CHECK(s.hops_east_west() == 2);
  CHECK(s.hops_north_south() == 1);
  // 5 x 23.6 + 5 x 81 + 2 x 3.0 + 1 x 4.0 pJ.
  CHECK(s.energy_pj() == Approx(533.0));
  CHECK(s.noc_energy_pj() == Approx(10.0));
  // Spike phase: the east branch, 2 hops x 5 ns + 2 synaptic ops x 4 ns = 18 ns (the south one
  // takes 5 + 3 x 4 = 17); compute phase: the south core's 3 neuron updates x 8 ns = 24 ns.
  CHECK(s.spike_phase_cycles == 18);
  CHECK(s.compute_phase_cycles == 24);
  CHECK(s.total_cycles == 42);
  CHECK(s.emulated_seconds() == Approx(42e-9));
}
