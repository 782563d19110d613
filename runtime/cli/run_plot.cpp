#include "runtime/cli/run_plot.hpp"

#include <fmt/core.h>

#include "runtime/sweep/gnuplot_script.hpp"
#include "runtime/sweep/run_plots.hpp"

namespace nchip::runtime {

void check_run_plot_target(const std::string& dir_or_prefix) { sweep::run_plot_stem(dir_or_prefix, "raster"); }

void plot_run_recording(const std::string& dir_or_prefix, const ir::Network& network, const std::string& mode,
                        const model::Recording& rec, std::FILE* out) {
  const std::string gnuplot = sweep::find_gnuplot();
  if (gnuplot.empty()) {
    fmt::print(out, "plot: gnuplot not found (apt-get install gnuplot-nox); no figures drawn\n");
    return;
  }
  sweep::RunTraces t;
  t.title = fmt::format("{} ({}, {} steps)", network.name, mode, rec.steps);
  t.dt_ms = network.dt_ms;
  t.steps = rec.steps;
  // Neuron indices of the recording: the spiking populations in network order (as results_json
  // numbers them); readout units likewise.
  uint32_t first = 0;
  for (const auto& pop : network.populations) {
    if (pop.type == ir::PopulationType::input) continue;
    if (pop.type == ir::PopulationType::readout) {
      for (uint32_t k = 0; k < pop.size; ++k) t.readout_names.push_back(fmt::format("{}[{}]", pop.name, k));
      continue;
    }
    t.populations.push_back({pop.name, first, pop.size});
    first += pop.size;
  }
  for (uint32_t s = 0; s < rec.steps && s < rec.spikes.size(); ++s)
    for (uint32_t j : rec.spikes[s]) t.spikes.emplace_back(s, j);
  if (rec.n_readouts == t.readout_names.size()) t.readouts = rec.readouts;
  else t.readout_names.clear();  // not recorded in the network's layout: leave the figure out
  const auto files = sweep::plot_run(t, dir_or_prefix, gnuplot);
  std::string list;
  for (const auto& f : files) list += (list.empty() ? "" : ", ") + f;
  fmt::print(out, "plot: wrote {}\n", list);
}

}  // namespace nchip::runtime
