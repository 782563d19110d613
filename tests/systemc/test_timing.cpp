// Timing sanity with exact numbers derived from the chip description: hop latency, link
// serialization, synaptic cycles and the step length as the sum of the spike phase (the last
// packet integrated) and the compute phase (the slowest core). One process per TEST_CASE.
#include <catch2/catch.hpp>

#include "hand_image.hpp"
#include "hw_model/systemc/timed_chip.hpp"

using namespace nchip;
using nlohmann::json;

namespace {

image::ChipConfig timing_chip(uint32_t width, uint32_t height) {
  image::ChipConfig c;
  c.name = "timing";
  c.mesh_width = width;
  c.mesh_height = height;
  c.router_hop_latency_cycles = 3;
  c.cycles_synaptic_op = 2;
  c.cycles_neuron_update = 5;
  c.router_link_width_bits = 8;  // a 32-bit packet is 4 flits: the link is busy 4 cycles
  return c;
}
constexpr uint64_t kHop = 3, kSyn = 2, kNeuron = 5, kFlit = 4;

struct Run {
  systemc::TimedChip& chip;
  arith::SaturationCounts counts;
  explicit Run(systemc::TimedChip& c, const image::ChipImage& img) : chip(c) {
    chip.load(img, img.network, arith::FixedOps(img.quant, counts));
    chip.reset(1);
  }
  // Stats of one step alone.
  systemc::ChipStats step(const std::vector<uint32_t>& inputs) {
    chip.clear_stats();
    chip.step(inputs);
    return chip.stats();
  }
};

}  // namespace

TEST_CASE("an uncongested packet takes hops x hop latency", "[systemc][timing]") {
  const json net = {{"name", "line"}, {"dt_ms", 1.0},
                    {"populations", {{{"name", "in"}, {"type", "input"}, {"size", 1}},
                                     test::lif_population("far", 1), test::lif_population("near", 1)}},
                    {"projections", {test::dense("in", "far", 1, 1, 0.1), test::dense("in", "near", 1, 1, 0.1)}}};
  // Host on tile 0 of a 4x1 row; "far" three hops east, "near" on the host tile itself.
  const auto img = test::hand_image(net, timing_chip(4, 1), 0, {{"far", 3}, {"near", 0}});
  auto& chip = systemc::TimedChip::instance(4, 1);
  Run run(chip, img);
  const auto s = run.step({0});
  // The far core integrates its one synapse after 3 hops; the near one at once.
  CHECK(s.spike_phase_cycles == 3 * kHop + 1 * kSyn);
  CHECK(s.hops == 3);
  CHECK(s.sum_stalls().link_busy_waits == 0);
  CHECK(s.sum_stalls().backpressure_waits == 0);
  CHECK(s.compute_phase_cycles == 1 * kNeuron);
  CHECK(s.total_cycles == 3 * kHop + kSyn + kNeuron);
  // A step without traffic is only the compute phase.
  const auto quiet = run.step({});
  CHECK(quiet.spike_phase_cycles == 0);
  CHECK(quiet.total_cycles == kNeuron);
}

TEST_CASE("two flows through one link serialize", "[systemc][timing]") {
  // Host in the middle of a 3x1 row fires "west" (tile 0) and "east" (tile 2) at step 0; at step 1
  // both send to "mid" on tile 1 at the same time: their packets meet at mid's router and share
  // its link into the core, so the second waits one packet's serialization (4 flits).
  const json both = {{"name", "merge"}, {"dt_ms", 1.0},
                     {"populations", {{{"name", "in"}, {"type", "input"}, {"size", 1}},
                                      test::lif_population("west", 1), test::lif_population("east", 1),
                                      test::lif_population("mid", 1)}},
                     {"projections", {test::dense("in", "west", 1, 1, 1.0), test::dense("in", "east", 1, 1, 1.0),
                                      test::dense("west", "mid", 1, 1, 0.1), test::dense("east", "mid", 1, 1, 0.1)}}};
  json one = both;
  one["projections"].erase(3);  // only the west flow
  const std::map<std::string, uint32_t> tiles{{"west", 0}, {"east", 2}, {"mid", 1}};
  auto& chip = systemc::TimedChip::instance(3, 1);

  const auto img_one = test::hand_image(one, timing_chip(3, 1), 1, tiles);
  Run single(chip, img_one);
  single.step({0});
  REQUIRE(chip.spikes() == std::vector<uint32_t>{0, 1});  // west and east fired
  const auto alone = single.step({});
  CHECK(alone.spike_phase_cycles == kHop + kSyn);
  CHECK(alone.sum_stalls().link_busy_waits == 0);

  const auto img_both = test::hand_image(both, timing_chip(3, 1), 1, tiles);
  Run merged(chip, img_both);
  merged.step({0});
  REQUIRE(chip.spikes() == std::vector<uint32_t>{0, 1});
  const auto shared = merged.step({});
  CHECK(shared.spike_phase_cycles == kHop + kFlit + kSyn);
  CHECK(shared.sum_stalls().link_busy_waits == 1);
  CHECK(shared.sum_stalls().link_busy_cycles == kFlit);
  CHECK(shared.tiles[1].out[systemc::kPortLocal].packets == 2);
  CHECK(shared.tiles[1].out[systemc::kPortLocal].busy_cycles == 2 * kFlit);
}

TEST_CASE("twice the synaptic events take twice the synaptic cycles, and the step is the critical path", "[systemc][timing]") {
  // One input spike reaches 2 synapses on tile 1 (one hop) and 4 on tile 2 (two hops).
  const json net = {{"name", "fan"}, {"dt_ms", 1.0},
                    {"populations", {{{"name", "in"}, {"type", "input"}, {"size", 1}},
                                     test::lif_population("small", 2), test::lif_population("big", 4)}},
                    {"projections", {test::dense("in", "small", 1, 2, 0.1), test::dense("in", "big", 1, 4, 0.1)}}};
  const auto img = test::hand_image(net, timing_chip(3, 1), 0, {{"small", 1}, {"big", 2}});
  auto& chip = systemc::TimedChip::instance(3, 1);
  Run run(chip, img);
  const auto s = run.step({0});
  REQUIRE(s.tiles[1].synaptic_events == 2);
  REQUIRE(s.tiles[2].synaptic_events == 4);
  CHECK(s.tiles[1].synaptic_cycles == 2 * kSyn);
  CHECK(s.tiles[2].synaptic_cycles == 2 * s.tiles[1].synaptic_cycles);
  // Critical path: the big core's packet (2 hops) and its 4 synaptic ops, then its 4 neuron
  // updates (the slowest compute phase).
  CHECK(s.spike_phase_cycles == 2 * kHop + 4 * kSyn);
  CHECK(s.compute_phase_cycles == 4 * kNeuron);
  CHECK(s.total_cycles == 2 * kHop + 4 * kSyn + 4 * kNeuron);
  CHECK(s.max_step_cycles == s.total_cycles);
  CHECK(s.tiles[2].critical_steps == 1);
  CHECK(s.core_bound_steps == 1);
  // The multicast tree crosses 2 links (tile 0 -> 1 is shared by both branches).
  CHECK(s.hops == 2);
  // Energy: 6 synaptic ops, 6 neuron updates, 2 hops at the description's per-op energies.
  const image::ChipConfig c = timing_chip(3, 1);
  CHECK(s.energy_pj() == Approx(6 * c.energy_synaptic_op_pj + 6 * c.energy_neuron_update_pj + 2 * c.energy_hop_east_west_pj));
  CHECK(s.emulated_seconds() == Approx(s.total_cycles / (c.clock_mhz * 1e6)));
}

TEST_CASE("a full FIFO back-pressures without changing results", "[systemc][timing]") {
  // 8 input spikes at once through FIFOs one packet deep, to a core that needs 4 synapses x 2
  // cycles per packet: the packets queue behind it and the sender stalls.
  const json net = {{"name", "burst"}, {"dt_ms", 1.0},
                    {"populations", {{{"name", "in"}, {"type", "input"}, {"size", 8}}, test::lif_population("sink", 4)}},
                    {"projections", {test::dense("in", "sink", 8, 4, 0.01)}}};
  const auto img = test::hand_image(net, timing_chip(2, 1), 0, {{"sink", 1}});
  systemc::SystemcParams params;
  params.fifo_depth_packets = 1;
  auto& chip = systemc::TimedChip::instance(2, 1, params);
  Run run(chip, img);
  const auto s = run.step({0, 1, 2, 3, 4, 5, 6, 7});
  CHECK(s.sum_stalls().backpressure_waits > 0);
  CHECK(s.tiles[1].synaptic_events == 32);
  // The core is the bottleneck: the first packet arrives after one hop, then 8 x 4 x 2 cycles.
  CHECK(s.spike_phase_cycles == kHop + 8 * 4 * kSyn);
  for (uint32_t p = 0; p < systemc::kPorts; ++p) CHECK(s.tiles[1].fifo_high_water[p] <= 1);
}
