// The NoC engine (hw_model/systemc/noc_engine.*) against the SystemC threads it replaces: on random
// networks, meshes, host tiles, link widths and FIFO depths, every step's spike phase and every
// counter (stalls, back-pressure, FIFO high-water marks, per-link packets and busy cycles, per-core
// work) must be equal, step by step. Contention is made likely on purpose (4-flit packets, high
// input rates, depth-1 FIFOs), so the order in which simultaneous packets win a link or a slot is
// exercised. The fast model (noc_fast.*) runs beside them: its own tie rule may change the timing,
// never the results or the work (spikes every step, packets, hops, per-link packets, synaptic
// events). One process per TEST_CASE (SystemC elaborates once per process).
#include "systemc_test_helpers.hpp"

using namespace nchip;

namespace {

struct Timeline {
  std::vector<uint64_t> spike_cycles, stall_cycles, backpressure_cycles;  // cumulative, per step
  systemc::ChipStats final;
  functional::Recording recording;
};

Timeline run(systemc::TimedChip& chip, systemc::NocModel model, const image::ChipImage& image,
             const functional::InputSpikes& inputs, uint32_t steps, uint64_t seed) {
  chip.set_noc_model(model);
  arith::SaturationCounts counts;
  const arith::FixedOps ops(image.quant, counts);
  chip.load(image, image.network, ops);
  chip.reset(seed);
  Timeline t;
  const std::vector<uint32_t> none;
  for (uint32_t s = 0; s < steps; ++s) {
    chip.step(s < inputs.size() ? inputs[s] : none);
    const systemc::ChipStats& st = chip.stats();
    t.spike_cycles.push_back(st.spike_phase_cycles);
    t.stall_cycles.push_back(st.sum_stalls().link_busy_cycles);
    t.backpressure_cycles.push_back(st.sum_stalls().backpressure_cycles);
    t.recording.spikes.push_back(chip.spikes());
  }
  t.final = chip.stats();
  return t;
}

// What does not depend on who wins a tie: the traffic and the work.
void require_same_work(const systemc::ChipStats& a, const systemc::ChipStats& b) {
  REQUIRE(a.steps == b.steps);
  REQUIRE(a.compute_phase_cycles == b.compute_phase_cycles);
  REQUIRE(a.packets == b.packets);
  REQUIRE(a.hops == b.hops);
  REQUIRE(a.host_packets == b.host_packets);
  REQUIRE(a.tiles.size() == b.tiles.size());
  for (size_t t = 0; t < a.tiles.size(); ++t) {
    INFO("tile " << t);
    const systemc::TileStats &x = a.tiles[t], &y = b.tiles[t];
    for (int p = 0; p < systemc::kPorts; ++p) {
      INFO("port " << systemc::port_name(p));
      REQUIRE(x.out[p].packets == y.out[p].packets);
      REQUIRE(x.out[p].busy_cycles == y.out[p].busy_cycles);
    }
    REQUIRE(x.injected == y.injected);
    REQUIRE(x.empty_deliveries == y.empty_deliveries);
    REQUIRE(x.synaptic_events == y.synaptic_events);
    REQUIRE(x.synaptic_cycles == y.synaptic_cycles);
    REQUIRE(x.compute_cycles == y.compute_cycles);
  }
}

// Everything, timing included (events against threads: the same order, so the same values).
void require_same_stats(const systemc::ChipStats& a, const systemc::ChipStats& b) {
  require_same_work(a, b);
  REQUIRE(a.total_cycles == b.total_cycles);
  REQUIRE(a.max_step_cycles == b.max_step_cycles);
  REQUIRE(a.spike_phase_cycles == b.spike_phase_cycles);
  REQUIRE(a.noc_bound_steps == b.noc_bound_steps);
  REQUIRE(a.core_bound_steps == b.core_bound_steps);
  REQUIRE(a.step_cycle_histogram == b.step_cycle_histogram);
  for (size_t t = 0; t < a.tiles.size(); ++t) {
    INFO("tile " << t);
    const systemc::TileStats &x = a.tiles[t], &y = b.tiles[t];
    for (int p = 0; p < systemc::kPorts; ++p) {
      INFO("port " << systemc::port_name(p));
      REQUIRE(x.fifo_high_water[p] == y.fifo_high_water[p]);
    }
    REQUIRE(x.core_queue_high_water == y.core_queue_high_water);
    REQUIRE(x.stalls.link_busy_waits == y.stalls.link_busy_waits);
    REQUIRE(x.stalls.link_busy_cycles == y.stalls.link_busy_cycles);
    REQUIRE(x.stalls.backpressure_waits == y.stalls.backpressure_waits);
    REQUIRE(x.stalls.backpressure_cycles == y.stalls.backpressure_cycles);
    REQUIRE(x.critical_steps == y.critical_steps);
  }
}

// Runs `net` on both NoC models over several input seeds and requires the same timing step by step.
void compare_models(const test::RandomNetworkSpec& spec, const image::ChipConfig& chip_config, uint32_t host_tile, double rate,
                    uint32_t steps) {
  const image::ChipImage image = test::compile_for(test::random_network(spec), chip_config, host_tile);
  auto& chip = systemc::TimedChip::instance(chip_config.mesh_width, chip_config.mesh_height);  // elaborated by the caller
  uint64_t contended = 0;
  for (uint64_t seed : {1u, 2u, 3u}) {
    INFO("input seed " << seed);
    const auto inputs = test::random_inputs(spec.inputs, steps, rate, seed);
    const Timeline threads = run(chip, systemc::NocModel::threads, image, inputs, steps, seed);
    const Timeline events = run(chip, systemc::NocModel::events, image, inputs, steps, seed);
    for (uint32_t s = 0; s < steps; ++s) {
      INFO("step " << s);
      REQUIRE(events.recording.spikes[s] == threads.recording.spikes[s]);
      REQUIRE(events.spike_cycles[s] == threads.spike_cycles[s]);
      REQUIRE(events.stall_cycles[s] == threads.stall_cycles[s]);
      REQUIRE(events.backpressure_cycles[s] == threads.backpressure_cycles[s]);
    }
    require_same_stats(events.final, threads.final);
    const Timeline fast = run(chip, systemc::NocModel::fast, image, inputs, steps, seed);
    REQUIRE(fast.recording.spikes == threads.recording.spikes);
    require_same_work(fast.final, threads.final);
    contended += threads.final.sum_stalls().link_busy_waits + threads.final.sum_stalls().backpressure_waits;
  }
  // The comparison means something only if packets fought over links and slots.
  CHECK(contended > 0);
}

image::ChipConfig contended_chip(uint32_t width, uint32_t height, uint32_t per_core, uint32_t link_bits) {
  image::ChipConfig c = test::small_mesh(width, height, per_core);
  c.router_hop_latency_cycles = 3;
  c.router_link_width_bits = link_bits;
  c.cycles_synaptic_op = 2;
  return c;
}

}  // namespace

TEST_CASE("noc engine equals the threads on a 2x2 mesh with depth-1 FIFOs", "[systemc][noc]") {
  systemc::SystemcParams params;
  params.fifo_depth_packets = 1;
  systemc::TimedChip::instance(2, 2, params);
  test::RandomNetworkSpec spec;
  compare_models(spec, contended_chip(2, 2, 8, 8), 0, 0.3, 60);
}

TEST_CASE("noc engine equals the threads on a 3x3 mesh with the host in the middle", "[systemc][noc]") {
  systemc::SystemcParams params;
  params.fifo_depth_packets = 2;
  systemc::TimedChip::instance(3, 3, params);
  test::RandomNetworkSpec spec;
  spec.lif = 20;
  spec.alif = 10;
  spec.readouts = 3;
  spec.seed = 5;
  compare_models(spec, contended_chip(3, 3, 6, 16), 4, 0.25, 60);
}

TEST_CASE("noc engine equals the threads on a dense 4x4 mesh with default FIFOs", "[systemc][noc]") {
  systemc::TimedChip::instance(4, 4);
  test::RandomNetworkSpec spec;
  spec.inputs = 16;
  spec.lif = 40;
  spec.alif = 16;
  spec.readouts = 4;
  spec.probability = 0.8;
  spec.seed = 9;
  compare_models(spec, contended_chip(4, 4, 4, 8), 5, 0.3, 40);
}

TEST_CASE("noc engine equals the threads on a 5x3 mesh with 1-flit packets and CUBA neurons", "[systemc][noc]") {
  systemc::SystemcParams params;
  params.fifo_depth_packets = 1;
  systemc::TimedChip::instance(5, 3, params);
  test::RandomNetworkSpec spec;
  spec.lif = 24;
  spec.alif = 8;
  spec.cuba = 10;
  spec.seed = 13;
  compare_models(spec, contended_chip(5, 3, 3, 32), 7, 0.35, 40);
}

TEST_CASE("a 16x16 mesh gives the functional model's results and the threads' timing", "[systemc][noc]") {
  systemc::TimedChip::instance(16, 16);
  test::RandomNetworkSpec spec;
  spec.inputs = 32;
  spec.lif = 400;
  spec.alif = 100;
  spec.readouts = 4;
  spec.probability = 0.05;
  spec.gain = 6.0;
  spec.seed = 21;
  image::ChipConfig chip = test::small_mesh(16, 16, 2);
  chip.core_max_fan_out = 256;  // a slice may reach every core
  const image::ChipImage image = test::compile_for(test::random_network(spec), chip, 136);
  uint32_t cores_used = 0;
  for (const auto& slice : image.slices) cores_used = std::max(cores_used, slice.tile + 1);
  REQUIRE(cores_used > 240);  // the network covers (nearly) the whole mesh
  auto& timed = systemc::TimedChip::instance(16, 16);
  for (const auto model : {systemc::NocModel::events, systemc::NocModel::fast}) {
    timed.set_noc_model(model);
    test::require_bit_identical(timed, image, test::random_inputs(spec.inputs, 40, 0.2, 3), 40, 3);
    CHECK(timed.stats().hops > 10000);
  }
  compare_models(spec, chip, 136, 0.2, 15);
}
