// Plots drawn by gnuplot (pngcairo, from gnuplot-nox): nchip writes the data and a script into
// the plots folder and runs gnuplot on it; PNGs appear (renamed into place) only when gnuplot
// succeeded.
#pragma once

#include <string>
#include <vector>

#include "runtime/sweep/sweep_results.hpp"
#include "runtime/sweep/sweep_spec.hpp"

namespace nchip::runtime::sweep {

// The gnuplot binary: $NCHIP_GNUPLOT when set (a path; tests point it at nothing to check the
// missing case), else `gnuplot` on PATH; "" when there is none.
std::string find_gnuplot();

// DIR/plots/: curves.png (every point's learning curve) and, for each numeric axis with two or
// more values, METRIC_vs_AXIS.png (final metric, one line per setting of the other axes, error
// bars = sample standard deviation over seeds). Returns the PNGs written; an InputError with one
// line when gnuplot fails.
std::vector<std::string> plot_sweep(const SweepSpec& spec, const std::vector<PointResult>& results,
                                    const std::string& out_dir, const std::string& gnuplot);

// DIR/curve.png from a `nchip train` output directory's curve.csv (metric and loss per iteration).
std::string plot_train_dir(const std::string& dir, const std::string& gnuplot);

}  // namespace nchip::runtime::sweep
