// `nchip run --backend systemc --noc-stats DIR`: heat maps of the mesh, drawn by gnuplot
// (runtime/sweep/gnuplot_script) as PNG and SVG: every directed link's utilisation (a square beside
// the link's midpoint, on the side of its direction) and every core's load (one cell per tile).
// Plain data in, so this folder does not depend on the simulator's types.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nchip::runtime::sweep {

struct NocHeatMaps {
  std::string title;
  uint32_t width = 0, height = 0;
  struct Link {
    uint32_t x = 0, y = 0;  // the sending tile
    int port = 0;           // 0 east, 1 west, 2 north (y - 1), 3 south (y + 1)
    double utilization = 0;
  };
  std::vector<Link> links;
  std::vector<double> core_load;  // per tile, index y * width + x
};

// Writes DIR/link_utilization.{dat,png,svg}, DIR/core_load.{dat,png,svg} and DIR/noc.gp; returns
// the figures drawn.
std::vector<std::string> plot_noc(const NocHeatMaps& maps, const std::string& dir, const std::string& gnuplot);

}  // namespace nchip::runtime::sweep
