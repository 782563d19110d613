#include "runtime/sweep/run_plots.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <filesystem>

#include "hw_model/error.hpp"
#include "runtime/io/atomic_file.hpp"
#include "runtime/sweep/gnuplot_script.hpp"

namespace nchip::runtime::sweep {

namespace fs = std::filesystem;

std::string run_plot_stem(const std::string& dir_or_prefix, const std::string& figure) {
  if (dir_or_prefix.empty()) throw InputError("--plot: expected a directory or a file name prefix");
  const fs::path path(dir_or_prefix);
  if (dir_or_prefix.back() == '/' || fs::is_directory(path)) {
    if (!fs::is_directory(path)) throw InputError(fmt::format("--plot {}: no such directory", dir_or_prefix));
    return (fs::absolute(path) / figure).string();
  }
  const fs::path folder = fs::absolute(path).parent_path();
  if (!fs::is_directory(folder))
    throw InputError(fmt::format("--plot {}: folder {} does not exist", dir_or_prefix, folder.string()));
  return fs::absolute(path).string() + "_" + figure;
}

std::vector<std::string> plot_run(const RunTraces& t, const std::string& dir_or_prefix, const std::string& gnuplot) {
  const std::string raster = run_plot_stem(dir_or_prefix, "raster");
  std::vector<std::string> outputs;
  std::string script = "set datafile separator ','\nset grid\nset xlabel 'time (ms)'\n";
  const double end_ms = t.steps * t.dt_ms;

  // Spike raster: one data block per population (time in ms, neuron index), a colour each.
  std::string data = "# time_ms,neuron\n";
  std::string plot;
  for (size_t p = 0; p < t.populations.size(); ++p) {
    const auto& pop = t.populations[p];
    data += fmt::format("# {}\n", pop.name);
    size_t count = 0;
    for (const auto& [step, neuron] : t.spikes)
      if (neuron >= pop.first && neuron < pop.first + pop.size) {
        data += fmt::format("{:.9g},{}\n", step * t.dt_ms, neuron);
        ++count;
      }
    if (count == 0) data += "nan,nan\n";  // gnuplot refuses an empty block
    data += "\n\n";
    plot += fmt::format("{}{} index {} using 1:2 with points pt 7 ps 0.35 title {}", p ? ", \\\n  " : "plot ",
                        gnuplot_quoted(raster + ".dat"), p,
                        gnuplot_quoted(fmt::format("{} ({} neurons, {} spikes)", pop.name, pop.size, count)));
  }
  if (t.populations.empty()) throw InputError("--plot: the network has no spiking population to draw");
  write_file_atomically(raster + ".dat", data);
  uint32_t neurons = 0;
  for (const auto& pop : t.populations) neurons = std::max(neurons, pop.first + pop.size);
  add_figure(script, raster,
             fmt::format("set title {}\nset ylabel 'neuron'\nset xrange [0:{:.9g}]\nset yrange [-0.5:{}]\n"
                         "set key outside right top\n",
                         gnuplot_quoted("spike raster: " + t.title), end_ms, neurons - 0.5),
             plot, "set autoscale\n", outputs);

  // Readout traces: one column per readout unit.
  const size_t n = t.readout_names.size();
  if (n > 0) {
    const std::string readouts = run_plot_stem(dir_or_prefix, "readouts");
    std::string rows = "time_ms";
    for (const auto& name : t.readout_names) rows += "," + name;
    rows += "\n";
    for (uint32_t s = 0; s < t.steps; ++s) {
      rows += fmt::format("{:.9g}", s * t.dt_ms);
      for (size_t k = 0; k < n; ++k) rows += fmt::format(",{:.9g}", t.readouts[s * n + k]);
      rows += "\n";
    }
    write_file_atomically(readouts + ".dat", rows);
    std::string lines;
    for (size_t k = 0; k < n; ++k)
      lines += fmt::format("{}{} skip 1 using 1:{} with lines title {}", k ? ", \\\n  " : "plot ",
                           gnuplot_quoted(readouts + ".dat"), k + 2, gnuplot_quoted(t.readout_names[k]));
    add_figure(script, readouts,
               fmt::format("set title {}\nset ylabel 'readout y'\nset xrange [0:{:.9g}]\n{}",
                           gnuplot_quoted("readout traces: " + t.title), end_ms,
                           n <= 24 ? "set key outside right top\n" : "unset key\n"),
               lines, "set autoscale\n", outputs);
  }
  run_gnuplot(gnuplot, raster + ".gp", script, outputs);
  return outputs;
}

}  // namespace nchip::runtime::sweep
