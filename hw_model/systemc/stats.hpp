// What the timed model measured, in plain numbers (no SystemC): the runtime turns it into the
// --stats JSON and the printed summary. Counters only ever add; clear() starts a new measurement
// without touching the elaborated model.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace nchip::systemc {

// Router ports, in route-bit order of image::RoutePort (east = bit 0 ... local = bit 4).
enum Port : uint8_t { kPortEast = 0, kPortWest = 1, kPortNorth = 2, kPortSouth = 3, kPortLocal = 4 };
inline constexpr int kPorts = 5;
const char* port_name(int port);

struct LinkStats {
  uint64_t packets = 0;
  uint64_t busy_cycles = 0;  // cycles the link was serializing packets
};

struct StallStats {
  uint64_t link_busy_waits = 0, link_busy_cycles = 0;        // a packet waited for its link
  uint64_t backpressure_waits = 0, backpressure_cycles = 0;  // a packet waited for a full FIFO
};

struct TileStats {
  std::array<LinkStats, kPorts> out{};          // router output links (local: to the core)
  std::array<uint32_t, kPorts> fifo_high_water{};  // router input FIFOs (packets)
  uint32_t core_queue_high_water = 0;           // the core's receive FIFO
  StallStats stalls;
  uint64_t injected = 0;                // packets this tile's core sent
  uint64_t empty_deliveries = 0;        // packets that reached no synapse on this core
  uint64_t synaptic_events = 0;
  uint64_t neuron_updates = 0;          // spiking neurons and readouts
  uint64_t eligibility_updates = 0;
  uint64_t weight_updates = 0;
  uint64_t optimizer_state_updates = 0;  // words of optimizer state (Lion's m; Adam's m and v) updated, end of batch
  uint64_t compute_cycles = 0;          // neuron, learning-signal and plasticity work
  uint64_t synaptic_cycles = 0;         // integrating arriving packets
  uint64_t critical_steps = 0;          // steps in which this core's compute phase was the longest
  uint64_t last_receive_cycle = 0;      // chip cycle at which the core last finished integrating a packet
};

// The critical path of the slowest step (the first step of the largest length since clear_stats):
// the spike phase ends when `last_core` finishes integrating the last packet; `busiest_link`
// (tile, output port) was the link busy the most cycles in that step; the compute phase is as
// long as `compute_core`'s work. -1: none (no packet in that step; no core computed).
struct SlowestStep {
  uint64_t step = 0;  // index since clear_stats
  uint64_t spike_cycles = 0, compute_cycles = 0;
  int64_t last_core = -1;
  int64_t busiest_link_tile = -1;
  int busiest_link_port = -1;
  uint64_t busiest_link_busy_cycles = 0;
  int64_t compute_core = -1;
};

struct ChipStats {
  uint32_t mesh_width = 0, mesh_height = 0;
  double clock_mhz = 0;
  uint64_t steps = 0;
  uint64_t total_cycles = 0;            // sum over steps (plus batch weight-update phases)
  uint64_t max_step_cycles = 0;
  uint64_t spike_phase_cycles = 0;      // sum over steps: packets delivered and integrated
  uint64_t compute_phase_cycles = 0;    // sum over steps: slowest core's neuron + learning work
  uint64_t noc_bound_steps = 0;         // steps whose spike phase was longer than their compute phase
  uint64_t core_bound_steps = 0;
  uint64_t weight_update_cycles = 0;    // end-of-batch weight (and optimizer state) update phases
  std::vector<uint64_t> step_cycle_histogram;  // bucket b: cycles in [2^b, 2^(b+1)) (b = 0: [0, 2))
  uint64_t packets = 0;                 // injected (host and cores)
  uint64_t hops = 0;                    // router-to-router link traversals (both directions)
  uint64_t host_packets = 0;
  uint64_t lsu_cycles = 0;
  std::vector<TileStats> tiles;         // elaborated mesh, index y * width + x
  SlowestStep slowest;
  // Energy per operation (pJ) from the chip description, for the estimate.
  double energy_synaptic_op_pj = 0, energy_neuron_update_pj = 0, energy_eligibility_update_pj = 0,
         energy_weight_update_pj = 0, energy_hop_east_west_pj = 0, energy_hop_north_south_pj = 0;

  uint64_t sum_synaptic_events() const;
  uint64_t sum_neuron_updates() const;
  uint64_t sum_eligibility_updates() const;
  uint64_t sum_weight_updates() const;
  uint64_t sum_optimizer_state_updates() const;
  uint64_t hops_east_west() const;    // hops out of east and west router ports (x)
  uint64_t hops_north_south() const;  // hops out of north and south router ports (y)
  double noc_energy_pj() const;
  // Busy cycles of tile `tile`'s output link `port` over all cycles (steps and weight updates).
  double link_utilization(uint32_t tile, int port) const;
  // Cycles a core worked (integrating packets, neuron and learning work) over all cycles.
  double core_load(uint32_t tile) const;
  StallStats sum_stalls() const;
  double energy_pj() const;
  double emulated_seconds() const { return clock_mhz > 0 ? total_cycles / (clock_mhz * 1e6) : 0.0; }
  double mean_step_cycles() const { return steps ? double(total_cycles - weight_update_cycles) / steps : 0.0; }
};

}  // namespace nchip::systemc
