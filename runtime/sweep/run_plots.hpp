// `nchip run --plot DIR_OR_PREFIX`: a spike raster and the readout traces of one run, drawn by
// gnuplot (runtime/sweep/gnuplot_script) as PNG and SVG. Plain data in, so this folder does not
// depend on the simulator's types.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace nchip::runtime::sweep {

struct RunTraces {
  std::string title;  // the network's name and the run's mode
  double dt_ms = 1.0;
  uint32_t steps = 0;
  struct Population {
    std::string name;
    uint32_t first = 0, size = 0;  // its neurons' indices in `spikes`
  };
  std::vector<Population> populations;                // spiking populations, in index order
  std::vector<std::pair<uint32_t, uint32_t>> spikes;  // (step, neuron index)
  std::vector<std::string> readout_names;             // one per readout unit, e.g. "out[0]"
  std::vector<double> readouts;                       // [step * readout_names.size() + k]
};

// Where the files go: an existing directory (or a path ending in '/') gets DIR/raster.* and
// DIR/readouts.*; anything else is a prefix: PREFIX_raster.*, PREFIX_readouts.*. An InputError
// naming the path when its folder does not exist.
std::string run_plot_stem(const std::string& dir_or_prefix, const std::string& figure);

// Writes the data (.dat), the script (.gp) and the figures: raster (one colour per population) and,
// with readouts, readouts (one line per unit). Returns the files drawn.
std::vector<std::string> plot_run(const RunTraces& traces, const std::string& dir_or_prefix, const std::string& gnuplot);

}  // namespace nchip::runtime::sweep
