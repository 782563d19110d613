#include "runtime/cli/noc_stats.hpp"

#include <fmt/core.h>

#include <filesystem>

#include <nlohmann/json.hpp>

#include "runtime/io/atomic_file.hpp"
#include "runtime/io/output_directory.hpp"
#include "runtime/sweep/gnuplot_script.hpp"
#include "runtime/sweep/noc_plots.hpp"

namespace nchip::runtime {

namespace {

// The tile a router output port of `tile` leads to; false at the mesh edge.
bool neighbour(const systemc::ChipStats& s, uint32_t tile, int port, uint32_t& to) {
  const uint32_t x = tile % s.mesh_width, y = tile / s.mesh_width;
  switch (port) {
    case systemc::kPortEast: if (x + 1 >= s.mesh_width) return false; to = tile + 1; return true;
    case systemc::kPortWest: if (x == 0) return false; to = tile - 1; return true;
    case systemc::kPortNorth: if (y == 0) return false; to = tile - s.mesh_width; return true;
    case systemc::kPortSouth: if (y + 1 >= s.mesh_height) return false; to = tile + s.mesh_width; return true;
    default: to = tile; return true;  // local: into this tile's core
  }
}

nlohmann::ordered_json tile_json(const systemc::ChipStats& s, int64_t tile) {
  if (tile < 0) return nullptr;
  return {{"tile", tile}, {"x", tile % s.mesh_width}, {"y", tile / s.mesh_width}};
}

}  // namespace

void write_noc_stats(const systemc::ChipStats& s, const std::string& dir, const std::string& title, std::FILE* out) {
  namespace fs = std::filesystem;
  OutputDirectory folder(dir, "--noc-stats");
  const auto path = [&](const char* name) { return (fs::path(dir) / name).string(); };

  std::string links = "tile,x,y,port,to_x,to_y,packets,busy_cycles,utilization\n";
  sweep::NocHeatMaps maps;
  maps.title = title;
  maps.width = s.mesh_width;
  maps.height = s.mesh_height;
  for (uint32_t t = 0; t < s.tiles.size(); ++t)
    for (int p = 0; p < systemc::kPorts; ++p) {
      uint32_t to = 0;
      if (!neighbour(s, t, p, to)) continue;
      const systemc::LinkStats& l = s.tiles[t].out[p];
      const double util = s.link_utilization(t, p);
      links += fmt::format("{},{},{},{},{},{},{},{},{:.6f}\n", t, t % s.mesh_width, t / s.mesh_width,
                           systemc::port_name(p), to % s.mesh_width, to / s.mesh_width, l.packets, l.busy_cycles, util);
      if (p != systemc::kPortLocal) maps.links.push_back({t % s.mesh_width, t / s.mesh_width, p, util});
    }

  std::string cores =
      "tile,x,y,synaptic_ops,synaptic_cycles,neuron_updates,eligibility_updates,compute_cycles,load,packets_sent,"
      "critical_steps\n";
  std::string routers =
      "tile,x,y,packets_out,hops_out,link_busy_waits,link_busy_cycles,backpressure_waits,backpressure_cycles,"
      "fifo_high_water_east,fifo_high_water_west,fifo_high_water_north,fifo_high_water_south,"
      "fifo_high_water_local,receive_queue_high_water\n";
  for (uint32_t t = 0; t < s.tiles.size(); ++t) {
    const systemc::TileStats& ts = s.tiles[t];
    const uint32_t x = t % s.mesh_width, y = t / s.mesh_width;
    cores += fmt::format("{},{},{},{},{},{},{},{},{:.6f},{},{}\n", t, x, y, ts.synaptic_events, ts.synaptic_cycles,
                         ts.neuron_updates, ts.eligibility_updates, ts.compute_cycles, s.core_load(t), ts.injected,
                         ts.critical_steps);
    maps.core_load.push_back(s.core_load(t));
    uint64_t packets = 0, hops = 0;
    for (int p = 0; p < systemc::kPorts; ++p) {
      packets += ts.out[p].packets;
      if (p != systemc::kPortLocal) hops += ts.out[p].packets;
    }
    routers += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", t, x, y, packets, hops,
                           ts.stalls.link_busy_waits, ts.stalls.link_busy_cycles, ts.stalls.backpressure_waits,
                           ts.stalls.backpressure_cycles, ts.fifo_high_water[0], ts.fifo_high_water[1],
                           ts.fifo_high_water[2], ts.fifo_high_water[3], ts.fifo_high_water[4],
                           ts.core_queue_high_water);
  }

  const systemc::SlowestStep& w = s.slowest;
  nlohmann::ordered_json critical;
  critical["step"] = w.step;
  critical["cycles"] = w.spike_cycles + w.compute_cycles;
  critical["spike_phase_cycles"] = w.spike_cycles;
  critical["compute_phase_cycles"] = w.compute_cycles;
  critical["bound"] = w.spike_cycles > w.compute_cycles ? "noc" : "core";
  critical["last_packet_core"] = tile_json(s, w.last_core);
  nlohmann::ordered_json link = tile_json(s, w.busiest_link_tile);
  if (!link.is_null()) {
    link["port"] = systemc::port_name(w.busiest_link_port);
    link["busy_cycles"] = w.busiest_link_busy_cycles;
  }
  critical["busiest_link"] = link;
  critical["slowest_core"] = tile_json(s, w.compute_core);

  write_file_atomically(path("links.csv"), links);
  write_file_atomically(path("cores.csv"), cores);
  write_file_atomically(path("routers.csv"), routers);
  write_file_atomically(path("critical_path.json"), critical.dump(1) + "\n");
  std::string written = fmt::format("{}/links.csv, cores.csv, routers.csv, critical_path.json", dir);
  const std::string gnuplot = sweep::find_gnuplot();
  if (gnuplot.empty()) {
    written += " (gnuplot not found: apt-get install gnuplot-nox; no heat maps drawn)";
  } else {
    sweep::plot_noc(maps, dir, gnuplot);
    written += ", link_utilization.png/.svg, core_load.png/.svg";
  }
  if (out) fmt::print(out, "noc stats: wrote {}\n", written);
}

}  // namespace nchip::runtime
