#include "runtime/sweep/sweep_plots.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <tuple>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <unistd.h>

#include "hw_model/error.hpp"
#include "runtime/io/atomic_file.hpp"
#include "runtime/sweep/child_process.hpp"

namespace nchip::runtime::sweep {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

// A gnuplot single-quoted string ('' is a quote inside).
std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char ch : text) out += ch == '\'' ? std::string("''") : std::string(1, ch);
  return out + "'";
}

std::string file_name_part(const std::string& text) {
  std::string out;
  for (char ch : text) out += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return out;
}

const char* kTerminal = "set terminal pngcairo size 1000,650 noenhanced font 'sans,10'\n";

// Runs `script` (written to PLOTS/NAME.gp) and renames each OUTPUT.tmp to OUTPUT.
void run_gnuplot(const std::string& gnuplot, const fs::path& script_path, const std::string& script,
                 const std::vector<std::string>& outputs) {
  write_file_atomically(script_path.string(), script);
  const std::string log = script_path.string() + ".log";
  const int rc = run_process({gnuplot, script_path.string()}, log);
  if (rc != 0)
    throw InputError(fmt::format("{}: gnuplot failed (exit {}): {}", script_path.string(), rc, last_line_of(log)));
  for (const auto& out : outputs) fs::rename(out + ".tmp", out);
  fs::remove(log);
}

// The x of an axis value: a number, or a format object's width (quant.formats.Q axes).
std::optional<double> x_of(const json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_object() && v.contains("width") && v["width"].is_number()) return v["width"].get<double>();
  return std::nullopt;
}

bool numeric_axis(const SweepSpec& spec, size_t a, std::set<double>& xs, bool& by_width) {
  by_width = false;
  for (const auto& p : spec.points) {
    const json& v = p.axis_values[a];
    if (v.is_null()) continue;
    const auto x = x_of(v);
    if (!x) return false;
    by_width = by_width || v.is_object();
    xs.insert(*x);
  }
  return xs.size() >= 2;
}

}  // namespace

std::string find_gnuplot() {
  if (const char* env = std::getenv("NCHIP_GNUPLOT"))
    return ::access(env, X_OK) == 0 ? std::string(env) : std::string();
  return find_on_path("gnuplot");
}

std::vector<std::string> plot_sweep(const SweepSpec& spec, const std::vector<PointResult>& results,
                                    const std::string& out_dir, const std::string& gnuplot) {
  const fs::path plots = fs::absolute(fs::path(out_dir) / "plots");
  fs::create_directories(plots);
  std::vector<std::string> outputs;
  std::string script = kTerminal;
  script += "set datafile separator ','\nset grid\n";

  std::set<std::string> metrics;
  bool positive = true;
  for (const auto& r : results)
    if (r.present) {
      metrics.insert(r.metric_name);
      for (const auto& [it, v] : r.curve) positive = positive && v > 0;
    }
  const std::string metric = metrics.size() == 1 ? *metrics.begin() : "metric";

  // Learning curves of every point.
  const std::string curves = (plots / "curves.png").string();
  script += fmt::format("set output {}\nset title {}\nset xlabel 'iteration'\nset ylabel {}\n", quoted(curves + ".tmp"),
                        quoted("learning curves (" + spec.path + ")"), quoted(metric));
  script += positive ? "set logscale y\n" : "unset logscale y\n";
  script += spec.points.size() <= 24 ? "set key outside right top\n" : "unset key\n";
  std::string plot;
  for (const auto& p : spec.points) {
    if (!results[p.index].present) continue;
    const std::string csv = fs::absolute(fs::path(point_dir(out_dir, p)) / "curve.csv").string();
    const std::string title = describe_axes(spec, p);
    plot += fmt::format("{}{} skip 1 using 1:3 with lines title {}", plot.empty() ? "plot " : ", \\\n  ", quoted(csv),
                        quoted(title.empty() ? p.id : title));
  }
  if (plot.empty()) return {};
  script += plot + "\nunset logscale y\nset key outside right top\n";
  outputs.push_back(curves);

  // Final metric versus each numeric axis: one line per setting of the other axes (seed
  // excluded: its spread is the error bar).
  const auto summaries = summarize(spec, results);
  for (size_t a = 0; a < spec.axis_names.size(); ++a) {
    std::set<double> xs;
    bool by_width = false;
    if (spec.axis_names[a] == "seed" || !numeric_axis(spec, a, xs, by_width)) continue;
    const std::string x_label = spec.axis_names[a] + (by_width ? " (width)" : "");
    std::map<std::string, std::vector<std::tuple<double, double, double>>> lines;  // other axes -> (x, mean, std)
    std::vector<std::string> order;
    std::vector<std::pair<std::string, double>> references;  // no value on this axis (the float reference)
    for (const auto& s : summaries) {
      SweepPoint label;
      label.axis_values = s.axis_values;
      const std::string key = describe_axes(spec, label, spec.axis_names[a]);
      if (s.axis_values[a].is_null()) {
        references.emplace_back(key, s.mean);
        continue;
      }
      if (!lines.count(key)) order.push_back(key);
      lines[key].emplace_back(*x_of(s.axis_values[a]), s.mean, s.std);
    }
    std::string data;
    for (const auto& key : order) {
      auto& line = lines[key];
      std::sort(line.begin(), line.end());
      data += "# " + (key.empty() ? std::string("all") : key) + "\n";
      for (const auto& [x, mean, sd] : line) data += fmt::format("{:.9g},{:.9g},{:.9g}\n", x, mean, sd);
      data += "\n\n";
    }
    const std::string stem = file_name_part(metric + "_vs_" + spec.axis_names[a]);
    const std::string dat = (plots / (stem + ".dat")).string();
    write_file_atomically(dat, data);
    const std::string png = (plots / (stem + ".png")).string();
    const bool log_x = *xs.begin() > 0 && *xs.rbegin() / *xs.begin() >= 100;
    script += fmt::format("set output {}\nset title {}\nset xlabel {}\nset ylabel {}\n{}set logscale y\n",
                          quoted(png + ".tmp"),
                          quoted(fmt::format("final {} vs {}{}", metric, spec.axis_names[a],
                                             spec.has_seed_axis() ? " (mean, error bars: std over seeds)" : "")),
                          quoted(x_label), quoted("final " + metric), log_x ? "set logscale x\n" : "unset logscale x\n");
    script += "set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05\n";  // end points' error bars visible
    if (!positive) script += "unset logscale y\n";
    std::string p;
    for (size_t i = 0; i < order.size(); ++i)
      p += fmt::format("{}{} index {} using 1:2:3 with yerrorlines title {}", i ? ", \\\n  " : "plot ", quoted(dat), i,
                       quoted(order[i].empty() ? "all" : order[i]));
    for (const auto& [key, mean] : references)  // a dashed horizontal line each
      p += fmt::format(", \\\n  {:.9g} with lines dt 2 lw 2 title {}", mean, quoted((key.empty() ? "reference" : key) + " (mean)"));
    script += p + "\nunset logscale x\nset offsets 0, 0, 0, 0\n";
    outputs.push_back(png);
  }
  run_gnuplot(gnuplot, plots / "plots.gp", script, outputs);
  return outputs;
}

std::string plot_train_dir(const std::string& dir, const std::string& gnuplot) {
  const fs::path csv = fs::absolute(fs::path(dir) / "curve.csv");
  const std::string header = read_text_file(csv.string()).substr(0, 200);
  if (header.rfind("iteration,loss,", 0) != 0)
    throw InputError(fmt::format("{}: not a curve.csv of nchip train (expected 'iteration,loss,...')", csv.string()));
  const std::string metric = header.substr(15, header.find(',', 15) - 15);
  const std::string png = (fs::absolute(fs::path(dir)) / "curve.png").string();
  std::string script = kTerminal;
  script += fmt::format(
      "set datafile separator ','\nset grid\nset output {}\nset title {}\nset xlabel 'iteration'\n"
      "set ylabel {}\nset y2label 'loss'\nset y2tics\nset ytics nomirror\n"
      "plot {} skip 1 using 1:3 with lines lw 2 title {}, {} skip 1 using 1:2 axes x1y2 with lines title 'loss'\n",
      quoted(png + ".tmp"), quoted("learning curve: " + dir), quoted(metric), quoted(csv.string()), quoted(metric),
      quoted(csv.string()));
  const fs::path script_path = fs::path(dir) / "curve.gp";
  run_gnuplot(gnuplot, script_path, script, {png});
  return png;
}

}  // namespace nchip::runtime::sweep
