#include "runtime/sweep/sweep_plots.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <tuple>

#include "hw_model/error.hpp"
#include "runtime/io/atomic_file.hpp"

namespace nchip::runtime::sweep {

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

std::string file_name_part(const std::string& text) {
  std::string out;
  for (char ch : text) out += std::isalnum(static_cast<unsigned char>(ch)) ? ch : '_';
  return out;
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

// The float reference (or any configuration without a value on the plotted axis) as a grey band
// from the lowest to the highest final metric over its seeds (a rectangle behind the lines) and a
// dashed line at its mean, which carries the key entry.
struct Reference {
  std::string setup, plot, cleanup;
};
Reference reference_bands(const std::vector<std::pair<std::string, const ConfigSummary*>>& references) {
  Reference r;
  int id = 1;
  for (const auto& [key, s] : references) {
    r.setup += fmt::format(
        "set object {} rectangle from graph 0, first {:.9g} to graph 1, first {:.9g} behind "
        "fillcolor rgb '#b0b0b0' fillstyle transparent solid 0.35 noborder\n",
        id, s->min, s->max);
    r.cleanup += fmt::format("unset object {}\n", id++);
    r.plot += fmt::format(", \\\n  {:.9g} with lines dt 2 lw 2 lc rgb '#505050' title {}", s->mean,
                          gnuplot_quoted((key.empty() ? std::string("reference") : key) +
                                         (s->members.size() > 1 ? " (mean; band: min to max over seeds)" : "")));
  }
  return r;
}

// One configuration of the memory-vs-accuracy plot: bits per plastic synapse and final metric.
struct ParetoPoint {
  double bits, mean, std;
  std::string label;  // every axis (the .dat file)
  std::string tag;    // the values of the axes that vary (the label on the plot)
};

// An axis value, short: strings bare, numbers as JSON, a format object as WIDTH/FRAC.
std::string short_value(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("width"))
    return v["width"].dump() + (v.contains("frac") ? "/" + v["frac"].dump() : std::string());
  return v.dump();
}

// Commas would split a CSV cell of the .dat files.
std::string no_commas(std::string text) {
  std::replace(text.begin(), text.end(), ',', ';');
  return text;
}

// The configurations no other one beats on both memory and metric, fewest bits first.
std::vector<ParetoPoint> pareto_front(std::vector<ParetoPoint> points) {
  std::sort(points.begin(), points.end(),
            [](const ParetoPoint& a, const ParetoPoint& b) { return std::tie(a.bits, a.mean) < std::tie(b.bits, b.mean); });
  std::vector<ParetoPoint> front;
  for (const auto& p : points)
    if (front.empty() || p.mean < front.back().mean) front.push_back(p);
  return front;
}

}  // namespace


std::vector<std::string> plot_sweep(const SweepSpec& spec, const std::vector<PointResult>& results,
                                    const std::string& out_dir, const std::string& gnuplot) {
  const fs::path plots = fs::absolute(fs::path(out_dir) / "plots");
  fs::create_directories(plots);
  std::vector<std::string> outputs;
  std::string script = "set datafile separator ','\nset grid\n";

  std::set<std::string> metrics;
  bool positive = true;
  for (const auto& r : results)
    if (r.present) {
      metrics.insert(r.metric_name);
      for (const auto& [it, v] : r.curve) positive = positive && v > 0;
    }
  const std::string metric = metrics.size() == 1 ? *metrics.begin() : "metric";
  const std::string log_y = positive ? "set logscale y\n" : "unset logscale y\n";

  // Learning curves of every point.
  std::string plot;
  for (const auto& p : spec.points) {
    if (!results[p.index].present) continue;
    const std::string csv = fs::absolute(fs::path(point_dir(out_dir, p)) / "curve.csv").string();
    const std::string title = describe_axes(spec, p);
    plot += fmt::format("{}{} skip 1 using 1:3 with lines title {}", plot.empty() ? "plot " : ", \\\n  ",
                        gnuplot_quoted(csv), gnuplot_quoted(title.empty() ? p.id : title));
  }
  if (plot.empty()) return {};
  add_figure(script, (plots / "curves").string(),
             fmt::format("set title {}\nset xlabel 'iteration'\nset ylabel {}\n{}{}",
                         gnuplot_quoted("learning curves (" + spec.path + ")"), gnuplot_quoted(metric), log_y,
                         spec.points.size() <= 24 ? "set key outside right top\n" : "unset key\n"),
             plot, "unset logscale y\nset key outside right top\n", outputs);

  // Final metric versus each numeric axis: one line per setting of the other axes (seed
  // excluded: its spread is the error bar).
  const auto summaries = summarize(spec, results);
  // Final metrics get a log axis only when they span a decade or more (a linear axis within one
  // decade has readable ticks; gnuplot's log axis would show one).
  double lowest = 0, highest = 0;
  for (size_t i = 0; i < summaries.size(); ++i) {
    lowest = i ? std::min(lowest, summaries[i].min) : summaries[i].min;
    highest = i ? std::max(highest, summaries[i].max) : summaries[i].max;
  }
  const std::string log_final = positive && lowest > 0 && highest >= 10 * lowest ? "set logscale y\n" : "unset logscale y\n";
  for (size_t a = 0; a < spec.axis_names.size(); ++a) {
    std::set<double> xs;
    bool by_width = false;
    if (spec.axis_names[a] == "seed" || !numeric_axis(spec, a, xs, by_width)) continue;
    const std::string x_label = spec.axis_names[a] + (by_width ? " (width)" : "");
    std::map<std::string, std::vector<std::tuple<double, double, double>>> lines;  // other axes -> (x, mean, std)
    std::vector<std::string> order;
    std::vector<std::pair<std::string, const ConfigSummary*>> references;  // no value on this axis (float)
    for (const auto& s : summaries) {
      SweepPoint label;
      label.axis_values = s.axis_values;
      const std::string key = describe_axes(spec, label, spec.axis_names[a]);
      if (s.axis_values[a].is_null()) {
        references.emplace_back(key, &s);
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
    const bool log_x = *xs.begin() > 0 && *xs.rbegin() / *xs.begin() >= 100;
    const Reference ref = reference_bands(references);
    std::string setup = fmt::format(
        "set title {}\nset xlabel {}\nset ylabel {}\n{}{}",
        gnuplot_quoted(fmt::format("final {} vs {}{}", metric, spec.axis_names[a],
                                   spec.has_seed_axis() ? " (mean, error bars: std over seeds)" : "")),
        gnuplot_quoted(x_label), gnuplot_quoted("final " + metric), log_x ? "set logscale x\n" : "unset logscale x\n",
        log_final);
    // Ranges fit the data (no rounding out to whole decades) plus a margin for the end points' error bars.
    setup += "set autoscale fix\nset offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05\n";
    setup += ref.setup;
    std::string p;
    for (size_t i = 0; i < order.size(); ++i)
      p += fmt::format("{}{} index {} using 1:2:3 with yerrorlines title {}", i ? ", \\\n  " : "plot ",
                       gnuplot_quoted(dat), i, gnuplot_quoted(order[i].empty() ? "all" : order[i]));
    add_figure(script, (plots / stem).string(), setup, p + ref.plot,
               "unset logscale x\nunset logscale y\nset autoscale\nset offsets 0, 0, 0, 0\n" + ref.cleanup, outputs);
  }

  // Memory versus accuracy: bits per plastic synapse (weight + learning state, onto a LIF target)
  // against the final metric of every fixed-point configuration; the Pareto front (no other
  // configuration has fewer bits and a lower metric) joined by a line and labelled.
  std::vector<ParetoPoint> pareto;
  std::vector<std::pair<std::string, const ConfigSummary*>> floats;
  auto is_fixed = [&](const ConfigSummary& s) {
    return spec.points[s.members.front()].settings.value("mode", std::string()) == "fixed";
  };
  std::vector<size_t> varying;  // axes (not seed) with more than one value among fixed configurations
  for (size_t a = 0; a < spec.axis_names.size(); ++a) {
    std::set<std::string> values;
    for (const auto& s : summaries)
      if (is_fixed(s)) values.insert(s.axis_values[a].dump());
    if (spec.axis_names[a] != "seed" && values.size() > 1) varying.push_back(a);
  }
  for (const auto& s : summaries) {
    const SweepPoint& first = spec.points[s.members.front()];
    SweepPoint named;
    named.axis_values = s.axis_values;
    const std::string text = describe_axes(spec, named);
    if (!is_fixed(s)) {
      floats.emplace_back(text.empty() ? "float" : text, &s);
      continue;
    }
    std::string tag;
    for (size_t a : varying)
      if (!s.axis_values[a].is_null()) tag += (tag.empty() ? "" : " ") + short_value(s.axis_values[a]);
    pareto.push_back({static_cast<double>(results[first.index].bits_per_synapse_lif), s.mean, s.std,
                      no_commas(text.empty() ? "all" : text), no_commas(tag)});
  }
  if (pareto.size() >= 2) {
    std::string data = "# bits_per_synapse,final_mean,final_std,configuration,tag\n";
    for (const auto& q : pareto)
      data += fmt::format("{:.9g},{:.9g},{:.9g},{},{}\n", q.bits, q.mean, q.std, q.label, q.tag);
    data += "\n\n# Pareto front\n";
    for (const auto& q : pareto_front(pareto))
      data += fmt::format("{:.9g},{:.9g},{:.9g},{},{}\n", q.bits, q.mean, q.std, q.label, q.tag);
    const std::string stem = file_name_part(metric + "_vs_bits_per_synapse");
    const std::string dat = (plots / (stem + ".dat")).string();
    write_file_atomically(dat, data);
    const Reference ref = reference_bands(floats);
    std::string setup = fmt::format(
        "set title {}\nset xlabel 'bits per plastic synapse (weight + learning state, LIF target)'\nset ylabel {}\n{}"
        "set autoscale fix\nset offsets graph 0.08, graph 0.15, graph 0.15, graph 0.05\n{}",
        gnuplot_quoted(fmt::format("memory vs accuracy: final {} per configuration{}, Pareto front", metric,
                                   spec.has_seed_axis() ? " (mean over seeds)" : "")),
        gnuplot_quoted("final " + metric), log_final, ref.setup);
    const std::string p = fmt::format(
        "plot {0} index 0 using 1:2:3 with yerrorbars pt 7 ps 0.8 title 'configurations', \\\n"
        "  {0} index 1 using 1:2 with linespoints pt 6 ps 1.8 lw 2 title 'Pareto front', \\\n"
        "  {0} index 1 using 1:2:5 with labels left rotate by 30 offset 0.8,0.8 font 'sans,8' notitle{1}",
        gnuplot_quoted(dat), ref.plot);
    add_figure(script, (plots / stem).string(), setup, p,
               "unset logscale y\nset autoscale\nset offsets 0, 0, 0, 0\n" + ref.cleanup, outputs);
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
  const std::string stem = (fs::absolute(fs::path(dir)) / "curve").string();
  std::string script = "set datafile separator ','\nset grid\n";
  std::vector<std::string> outputs;
  add_figure(script, stem,
             fmt::format("set title {}\nset xlabel 'iteration'\nset ylabel {}\nset y2label 'loss'\nset y2tics\n"
                         "set ytics nomirror\n",
                         gnuplot_quoted("learning curve: " + dir), gnuplot_quoted(metric)),
             fmt::format("plot {0} skip 1 using 1:3 with lines lw 2 title {1}, {0} skip 1 using 1:2 axes x1y2 with "
                         "lines title 'loss'",
                         gnuplot_quoted(csv.string()), gnuplot_quoted(metric)),
             "", outputs);
  run_gnuplot(gnuplot, fs::path(dir) / "curve.gp", script, outputs);
  return outputs.front();
}

}  // namespace nchip::runtime::sweep
