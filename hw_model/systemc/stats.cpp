#include "hw_model/systemc/stats.hpp"

namespace nchip::systemc {

const char* port_name(int port) {
  static const char* const kNames[kPorts] = {"east", "west", "north", "south", "local"};
  return port >= 0 && port < kPorts ? kNames[port] : "?";
}

uint64_t ChipStats::sum_synaptic_events() const {
  uint64_t n = 0;
  for (const auto& t : tiles) n += t.synaptic_events;
  return n;
}
uint64_t ChipStats::sum_neuron_updates() const {
  uint64_t n = 0;
  for (const auto& t : tiles) n += t.neuron_updates;
  return n;
}
uint64_t ChipStats::sum_eligibility_updates() const {
  uint64_t n = 0;
  for (const auto& t : tiles) n += t.eligibility_updates;
  return n;
}
uint64_t ChipStats::sum_weight_updates() const {
  uint64_t n = 0;
  for (const auto& t : tiles) n += t.weight_updates;
  return n;
}
uint64_t ChipStats::sum_optimizer_state_updates() const {
  uint64_t n = 0;
  for (const auto& t : tiles) n += t.optimizer_state_updates;
  return n;
}
StallStats ChipStats::sum_stalls() const {
  StallStats s;
  for (const auto& t : tiles) {
    s.link_busy_waits += t.stalls.link_busy_waits;
    s.link_busy_cycles += t.stalls.link_busy_cycles;
    s.backpressure_waits += t.stalls.backpressure_waits;
    s.backpressure_cycles += t.stalls.backpressure_cycles;
  }
  return s;
}
uint64_t ChipStats::hops_east_west() const {
  uint64_t n = 0;
  for (const auto& t : tiles) n += t.out[kPortEast].packets + t.out[kPortWest].packets;
  return n;
}
uint64_t ChipStats::hops_north_south() const {
  uint64_t n = 0;
  for (const auto& t : tiles) n += t.out[kPortNorth].packets + t.out[kPortSouth].packets;
  return n;
}
double ChipStats::noc_energy_pj() const {
  return hops_east_west() * energy_hop_east_west_pj + hops_north_south() * energy_hop_north_south_pj;
}
double ChipStats::link_utilization(uint32_t tile, int port) const {
  return total_cycles ? double(tiles.at(tile).out[port].busy_cycles) / double(total_cycles) : 0.0;
}
double ChipStats::core_load(uint32_t tile) const {
  const TileStats& t = tiles.at(tile);
  return total_cycles ? double(t.synaptic_cycles + t.compute_cycles) / double(total_cycles) : 0.0;
}
double ChipStats::energy_pj() const {
  return sum_synaptic_events() * energy_synaptic_op_pj + sum_neuron_updates() * energy_neuron_update_pj +
         sum_eligibility_updates() * energy_eligibility_update_pj +
         (sum_weight_updates() + sum_optimizer_state_updates()) * energy_weight_update_pj + noc_energy_pj();
}

}  // namespace nchip::systemc
