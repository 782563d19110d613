// `--noc-stats DIR` (SystemC backend): what a chip designer reads about the mesh after a run, as
// files: links.csv (every directed link: packets, busy cycles, utilisation), cores.csv (every
// core's work and load), routers.csv (stalls, back-pressure, FIFO high-water marks),
// critical_path.json (the slowest step: the core that integrated its last packet, the link busiest
// in it, the core that computed longest) and, with gnuplot, link_utilization.png / core_load.png.
#pragma once

#include <cstdio>
#include <string>

#include "hw_model/systemc/stats.hpp"

namespace nchip::runtime {

// Throws InputError when DIR cannot be created. Prints one line naming the files to `out` (null:
// nothing).
void write_noc_stats(const systemc::ChipStats& stats, const std::string& dir, const std::string& title,
                     std::FILE* out);

}  // namespace nchip::runtime
