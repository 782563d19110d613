// Driving gnuplot (gnuplot-nox): nchip writes the data and a script, gnuplot draws each figure as
// PNG (pngcairo) and SVG; the files appear (renamed from .tmp) only when gnuplot succeeded.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace nchip::runtime::sweep {

// The gnuplot binary: $NCHIP_GNUPLOT when set (a path; tests point it at nothing to check the
// missing case), else `gnuplot` on PATH; "" when there is none.
std::string find_gnuplot();

// A gnuplot single-quoted string ('' is a quote inside).
std::string gnuplot_quoted(const std::string& text);

// Appends the commands that draw `plot_command` (after the `set` lines in `setup`) into
// STEM.png and STEM.svg, and adds both paths to `outputs`. `cleanup` runs after both (unset
// objects, log scales) so the next figure starts clean.
void add_figure(std::string& script, const std::string& stem, const std::string& setup,
                const std::string& plot_command, const std::string& cleanup, std::vector<std::string>& outputs);

// Writes `script` to `script_path`, runs gnuplot on it and renames each OUTPUT.tmp to OUTPUT. An
// InputError with gnuplot's last line when it fails.
void run_gnuplot(const std::string& gnuplot, const std::filesystem::path& script_path, const std::string& script,
                 const std::vector<std::string>& outputs);

}  // namespace nchip::runtime::sweep
