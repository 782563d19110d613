// Timing sanity with exact numbers derived from the chip description: hop latency, link
// serialization, synaptic cycles and the step length as the sum of the spike phase (the last
// packet integrated) and the compute phase (the slowest core). Every case runs on the NoC models
// `events` (SystemC's process order) and `fast` (first come, first served): nothing ties in them,
// so the pinned values hold for both; the last case is a tie, where the two rules differ by design.
// One process per TEST_CASE.
#include <catch2/catch.hpp>

#include "hand_image.hpp"
#include "hw_model/systemc/timed_chip.hpp"

using namespace nchip;
using nlohmann::json;

namespace {

using test::timing_chip;
constexpr uint64_t kHop = 3, kSyn = 2, kNeuron = 5, kFlit = 4;

systemc::NocModel each_model() {
  const auto model = GENERATE(systemc::NocModel::events, systemc::NocModel::fast);
  UNSCOPED_INFO("noc model " << (model == systemc::NocModel::fast ? "fast" : "events"));
  return model;
}

struct Run {
  systemc::TimedChip& chip;
  arith::SaturationCounts counts;
  Run(systemc::TimedChip& c, const image::ChipImage& img, systemc::NocModel model) : chip(c) {
    chip.set_noc_model(model);
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
  // Host on tile 0 of a 4x1 row; "far" three hops east, "near" on the host tile itself.
  const auto img = test::far_near_image(timing_chip(4, 1), 1);
  auto& chip = systemc::TimedChip::instance(4, 1);
  Run run(chip, img, each_model());
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
  const systemc::NocModel model = each_model();

  const auto img_one = test::hand_image(one, timing_chip(3, 1), 1, tiles);
  Run single(chip, img_one, model);
  single.step({0});
  REQUIRE(chip.spikes() == std::vector<uint32_t>{0, 1});  // west and east fired
  const auto alone = single.step({});
  CHECK(alone.spike_phase_cycles == kHop + kSyn);
  CHECK(alone.sum_stalls().link_busy_waits == 0);

  const auto img_both = test::hand_image(both, timing_chip(3, 1), 1, tiles);
  Run merged(chip, img_both, model);
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
  Run run(chip, img, each_model());
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
  Run run(chip, img, each_model());
  const auto s = run.step({0, 1, 2, 3, 4, 5, 6, 7});
  CHECK(s.sum_stalls().backpressure_waits > 0);
  CHECK(s.tiles[1].synaptic_events == 32);
  // The core is the bottleneck: the first packet arrives after one hop, then 8 x 4 x 2 cycles.
  CHECK(s.spike_phase_cycles == kHop + 8 * 4 * kSyn);
  for (uint32_t p = 0; p < systemc::kPorts; ++p) CHECK(s.tiles[1].fifo_high_water[p] <= 1);
}

TEST_CASE("a packet whose synaptic work outlasts the fast model's first calendar still times exactly", "[systemc][timing]") {
  // Two input spikes to 300 synapses one hop away: each packet keeps the core busy 600 cycles,
  // farther ahead than the fast model's first 256-cycle calendar (it grows). The first packet is
  // integrated from kHop to kHop + 600; the second (injected one serialization later) waits in the
  // core's FIFO and follows: the phase ends at kHop + 2 x 300 x kSyn.
  const json net = {{"name", "wide"}, {"dt_ms", 1.0},
                    {"populations", {{{"name", "in"}, {"type", "input"}, {"size", 2}}, test::lif_population("sink", 300)}},
                    {"projections", {test::dense("in", "sink", 2, 300, 0.001)}}};
  const auto img = test::hand_image(net, timing_chip(2, 1), 0, {{"sink", 1}});
  auto& chip = systemc::TimedChip::instance(2, 1);
  Run run(chip, img, each_model());
  for (int repeat = 0; repeat < 2; ++repeat) {  // the grown calendar serves the next step as well
    const auto s = run.step({0, 1});
    CHECK(s.tiles[1].synaptic_events == 600);
    CHECK(s.spike_phase_cycles == kHop + 2 * 300 * kSyn);
    CHECK(s.sum_stalls().link_busy_waits == 1);  // the second input waited for the host's link
  }
}

TEST_CASE("a same-cycle tie is served first come first served on the fast model", "[systemc][timing]") {
  // Four neighbours of the centre tile of a 3x3 mesh fire at step 0; at step 1 their packets reach
  // the centre's router together (cycle kHop = 3) and queue for its core, whose receive FIFO holds
  // one packet: north's reaches 4 synapses ("a"), west's 4 ("b"), east's 1 ("c"), south's 4 ("d").
  // Both rules: north goes first (its arrival was queued first: the injectors start in tile order,
  // and SystemC's reversed delta order comes to the same); the core takes it at 3 and integrates
  // until 11. West, east and south wait for the local link until 7, then for the full FIFO, in
  // that order. At 11 the slot frees and west sends; the two left wait for the link until 15,
  // then for the slot, which frees at 19 (west done).
  //   fast: the waiters are served in the order they began waiting: west, east, south. At 19 east
  //   goes (1 op: done at 21), south waits for the link until 23 and is done at 23 + 8 = 31.
  //   events and threads: SystemC releases an event's waiters w0, w_last, ..., w1, i.e. west,
  //   south, east: south goes at 19 (done 27), east is sent at 23, taken at 27, done at 29.
  // Link waits: 3 sends waited 4 + 8 + 12 = 24 cycles on both; back-pressure: fast 4 + 8 + 8 = 20
  // (south's link wait at 19-23 outlasts east's 2 ops), events 4 + 8 + 12 = 24 (east waits 23-27).
  const json net = {{"name", "tie"}, {"dt_ms", 1.0},
                    {"populations", {{{"name", "in"}, {"type", "input"}, {"size", 1}},
                                     test::lif_population("north", 1), test::lif_population("west", 1),
                                     test::lif_population("east", 1), test::lif_population("south", 1),
                                     test::lif_population("a", 4), test::lif_population("b", 4),
                                     test::lif_population("c", 1), test::lif_population("d", 4)}},
                    {"projections", {test::dense("in", "north", 1, 1, 1.0), test::dense("in", "west", 1, 1, 1.0),
                                     test::dense("in", "east", 1, 1, 1.0), test::dense("in", "south", 1, 1, 1.0),
                                     test::dense("north", "a", 1, 4, 0.01), test::dense("west", "b", 1, 4, 0.01),
                                     test::dense("east", "c", 1, 1, 0.01), test::dense("south", "d", 1, 4, 0.01)}}};
  const auto img = test::hand_image(net, timing_chip(3, 3), 4,
                                    {{"north", 1}, {"west", 3}, {"east", 5}, {"south", 7},
                                     {"a", 4}, {"b", 4}, {"c", 4}, {"d", 4}});
  systemc::SystemcParams params;
  params.fifo_depth_packets = 1;
  auto& chip = systemc::TimedChip::instance(3, 3, params);
  for (const auto model : {systemc::NocModel::fast, systemc::NocModel::events, systemc::NocModel::threads}) {
    const bool fast = model == systemc::NocModel::fast;
    INFO((fast ? "fast" : model == systemc::NocModel::events ? "events" : "threads"));
    Run run(chip, img, model);
    run.step({0});
    REQUIRE(chip.spikes() == std::vector<uint32_t>{0, 1, 2, 3});  // the four neighbours fired
    const auto s = run.step({});
    REQUIRE(s.tiles[4].synaptic_events == 13);
    CHECK(s.spike_phase_cycles == (fast ? 31u : 29u));
    CHECK(s.sum_stalls().link_busy_waits == 3);
    CHECK(s.sum_stalls().link_busy_cycles == 24);
    CHECK(s.sum_stalls().backpressure_waits == 3);
    CHECK(s.sum_stalls().backpressure_cycles == (fast ? 20u : 24u));
  }
}
