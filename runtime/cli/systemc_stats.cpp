#include "runtime/cli/systemc_stats.hpp"

#include <fmt/core.h>

namespace nchip::runtime {

namespace {

double network_seconds(const systemc::ChipStats& s, double dt_ms) { return static_cast<double>(s.steps) * dt_ms * 1e-3; }
// Emulated chip time / network time (0 when no step ran).
double real_time_factor(const systemc::ChipStats& s, double dt_ms) {
  const double network_s = network_seconds(s, dt_ms);
  return network_s > 0 ? s.emulated_seconds() / network_s : 0.0;
}

}  // namespace

nlohmann::ordered_json systemc_stats_json(const systemc::ChipStats& s, double dt_ms) {
  using nlohmann::ordered_json;
  const systemc::StallStats stalls = s.sum_stalls();
  ordered_json out;
  out["mesh"] = {{"width", s.mesh_width}, {"height", s.mesh_height}};
  out["clock_mhz"] = s.clock_mhz;
  out["steps"] = s.steps;
  ordered_json cycles;
  cycles["total"] = s.total_cycles;
  cycles["mean_per_step"] = s.mean_step_cycles();
  cycles["max_per_step"] = s.max_step_cycles;
  cycles["spike_phase_total"] = s.spike_phase_cycles;
  cycles["compute_phase_total"] = s.compute_phase_cycles;
  cycles["weight_update_total"] = s.weight_update_cycles;
  cycles["learning_signal_total"] = s.lsu_cycles;
  ordered_json hist = ordered_json::array();
  for (size_t b = 0; b < s.step_cycle_histogram.size(); ++b)
    if (s.step_cycle_histogram[b])
      hist.push_back({{"from", b == 0 ? 0 : (uint64_t{1} << b)}, {"below", uint64_t{1} << (b + 1)},
                      {"steps", s.step_cycle_histogram[b]}});
  cycles["histogram_per_step"] = hist;
  out["cycles"] = cycles;
  uint32_t critical_tile = 0;
  for (uint32_t t = 0; t < s.tiles.size(); ++t)
    if (s.tiles[t].critical_steps > s.tiles[critical_tile].critical_steps) critical_tile = t;
  out["critical_path"] = {
      {"dominant", s.noc_bound_steps > s.core_bound_steps ? "noc" : "core"},
      {"noc_bound_steps", s.noc_bound_steps},
      {"core_bound_steps", s.core_bound_steps},
      {"slowest_core", {{"tile", critical_tile}, {"x", s.mesh_width ? critical_tile % s.mesh_width : 0},
                        {"y", s.mesh_width ? critical_tile / s.mesh_width : 0},
                        {"steps", s.tiles.empty() ? 0 : s.tiles[critical_tile].critical_steps}}}};
  out["operations"] = {{"synaptic_ops", s.sum_synaptic_events()},
                       {"neuron_updates", s.sum_neuron_updates()},
                       {"eligibility_updates", s.sum_eligibility_updates()},
                       {"weight_updates", s.sum_weight_updates()},
                       {"optimizer_state_updates", s.sum_optimizer_state_updates()}};
  out["noc"] = {{"packets", s.packets},
                {"host_packets", s.host_packets},
                {"hops", s.hops},
                {"hops_east_west", s.hops_east_west()},
                {"hops_north_south", s.hops_north_south()},
                {"stalls", {{"link_busy_waits", stalls.link_busy_waits},
                            {"link_busy_cycles", stalls.link_busy_cycles},
                            {"backpressure_waits", stalls.backpressure_waits},
                            {"backpressure_cycles", stalls.backpressure_cycles}}}};
  out["energy"] = {{"total_pj", s.energy_pj()},
                   {"synaptic_pj", s.sum_synaptic_events() * s.energy_synaptic_op_pj},
                   {"neuron_pj", s.sum_neuron_updates() * s.energy_neuron_update_pj},
                   {"eligibility_pj", s.sum_eligibility_updates() * s.energy_eligibility_update_pj},
                   {"weight_update_pj",  // weights and optimizer state (Lion's m)
                    (s.sum_weight_updates() + s.sum_optimizer_state_updates()) * s.energy_weight_update_pj},
                   {"noc_pj", s.noc_energy_pj()}};
  out["emulated_time_s"] = s.emulated_seconds();
  out["network_time_s"] = network_seconds(s, dt_ms);
  out["real_time_factor"] = real_time_factor(s, dt_ms);
  ordered_json tiles = ordered_json::array();
  for (uint32_t t = 0; t < s.tiles.size(); ++t) {
    const systemc::TileStats& ts = s.tiles[t];
    ordered_json links = ordered_json::object();
    ordered_json fifos = ordered_json::object();
    for (int p = 0; p < systemc::kPorts; ++p) {
      const double util = s.link_utilization(t, p);
      links[systemc::port_name(p)] = {{"packets", ts.out[p].packets}, {"busy_cycles", ts.out[p].busy_cycles},
                                      {"utilization", util}};
      fifos[systemc::port_name(p)] = ts.fifo_high_water[p];
    }
    tiles.push_back({{"tile", t},
                     {"x", t % s.mesh_width},
                     {"y", t / s.mesh_width},
                     {"core", {{"synaptic_ops", ts.synaptic_events},
                               {"neuron_updates", ts.neuron_updates},
                               {"eligibility_updates", ts.eligibility_updates},
                               {"weight_updates", ts.weight_updates},
                               {"synaptic_cycles", ts.synaptic_cycles},
                               {"compute_cycles", ts.compute_cycles},
                               {"packets_sent", ts.injected},
                               {"empty_deliveries", ts.empty_deliveries},
                               {"receive_queue_high_water", ts.core_queue_high_water},
                               {"critical_steps", ts.critical_steps}}},
                     {"router", {{"links", links}, {"input_fifo_high_water", fifos},
                                 {"stalls", {{"link_busy_waits", ts.stalls.link_busy_waits},
                                             {"link_busy_cycles", ts.stalls.link_busy_cycles},
                                             {"backpressure_waits", ts.stalls.backpressure_waits},
                                             {"backpressure_cycles", ts.stalls.backpressure_cycles}}}}}});
  }
  out["tiles"] = tiles;
  return out;
}

std::string systemc_stats_summary(const systemc::ChipStats& s, double dt_ms) {
  const systemc::StallStats stalls = s.sum_stalls();
  std::string text;
  text += fmt::format("  chip (SystemC, {}x{} mesh, {} MHz): {} cycles = {:.3f} ms emulated, {:.1f} cycles/step "
                      "(max {}), {} noc-bound / {} core-bound steps\n",
                      s.mesh_width, s.mesh_height, s.clock_mhz, s.total_cycles, s.emulated_seconds() * 1e3,
                      s.mean_step_cycles(), s.max_step_cycles, s.noc_bound_steps, s.core_bound_steps);
  if (s.steps > 0 && dt_ms > 0)
    text += fmt::format("  chip time: {:.3f} ms emulated for {:.3f} ms of network time: real-time factor {:.4g} ({})\n",
                        s.emulated_seconds() * 1e3, network_seconds(s, dt_ms) * 1e3, real_time_factor(s, dt_ms),
                        real_time_factor(s, dt_ms) <= 1 ? fmt::format("{:.3g}x faster than real time",
                                                                      1 / real_time_factor(s, dt_ms))
                                                        : std::string("slower than real time at this clock"));
  text += fmt::format("  chip work: {} synaptic ops, {} neuron updates, {} eligibility updates, {} weight updates\n",
                      s.sum_synaptic_events(), s.sum_neuron_updates(), s.sum_eligibility_updates(),
                      s.sum_weight_updates());
  text += fmt::format("  chip NoC: {} packets, {} hops, {} link waits ({} cycles), {} back-pressure waits ({} cycles)\n",
                      s.packets, s.hops, stalls.link_busy_waits, stalls.link_busy_cycles,
                      stalls.backpressure_waits, stalls.backpressure_cycles);
  text += fmt::format("  chip energy: {:.3f} uJ estimated\n", s.energy_pj() * 1e-6);
  return text;
}

}  // namespace nchip::runtime
