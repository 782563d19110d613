// nchip run --plot DIR_OR_PREFIX: hands a run's recording to the gnuplot figures of
// runtime/sweep/run_plots (spike raster, readout traces).
#pragma once

#include <cstdio>
#include <string>

#include "compiler/ir/network.hpp"
#include "hw_model/model/recording.hpp"

namespace nchip::runtime {

// Checks where the figures go (exit 2 before anything runs when the folder does not exist).
void check_run_plot_target(const std::string& dir_or_prefix);

// Draws the figures and prints one line to `out` (the files, or that gnuplot is missing: the run
// itself still succeeds).
void plot_run_recording(const std::string& dir_or_prefix, const ir::Network& network, const std::string& mode,
                        const model::Recording& rec, std::FILE* out);

}  // namespace nchip::runtime
