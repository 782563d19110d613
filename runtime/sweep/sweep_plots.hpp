// Plots drawn by gnuplot (gnuplot-nox; runtime/sweep/gnuplot_script): nchip writes the data and a
// script into the plots folder and runs gnuplot on it; every figure as PNG and SVG, which appear
// (renamed into place) only when gnuplot succeeded.
#pragma once

#include <string>
#include <vector>

#include "runtime/sweep/gnuplot_script.hpp"
#include "runtime/sweep/sweep_results.hpp"
#include "runtime/sweep/sweep_spec.hpp"

namespace nchip::runtime::sweep {

// DIR/plots/: curves (every point's learning curve); for each numeric axis with two or more
// values, METRIC_vs_AXIS (final metric, one line per setting of the other axes, error bars =
// sample standard deviation over seeds, the float reference a band); METRIC_vs_bits_per_synapse
// (memory vs accuracy, the Pareto front marked). Each as .png and .svg. Returns the files
// written; an InputError with one line when gnuplot fails.
std::vector<std::string> plot_sweep(const SweepSpec& spec, const std::vector<PointResult>& results,
                                    const std::string& out_dir, const std::string& gnuplot);

// DIR/curve.png (+ .svg) from a `nchip train` output directory's curve.csv (metric and loss per
// iteration); returns the PNG's path.
std::string plot_train_dir(const std::string& dir, const std::string& gnuplot);

}  // namespace nchip::runtime::sweep
