#include "runtime/sweep/sweep_report.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "hw_model/error.hpp"
#include "runtime/io/atomic_file.hpp"

namespace nchip::runtime::sweep {

namespace {

using json = nlohmann::json;

// One configuration: the points equal on every axis but seed, averaged.
struct Config {
  std::string task, metric;
  bool is_float = false;
  json axes;  // axis -> value, seed left out
  double sum = 0;
  size_t points = 0;
  double mean() const { return sum / static_cast<double>(points); }
};

std::string short_axis(const std::string& name) {
  if (name.rfind("quant.formats.", 0) == 0) return name.substr(14);
  if (name.rfind("quant.", 0) == 0) return name.substr(6);
  return name;
}

std::string value_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_object() && v.contains("width")) {  // a format object: "12 (frac 8)"
    std::string text = v["width"].dump();
    if (v.contains("frac")) text += " (frac " + v["frac"].dump() + ")";
    return text;
  }
  return v.dump();
}

// The width a value of a width axis stands for: a number, or a format object's width.
std::optional<double> width_of(const json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_object() && v.contains("width") && v["width"].is_number()) return v["width"].get<double>();
  return std::nullopt;
}

bool is_width_axis(const std::string& name, const std::vector<Config>& configs) {
  if (name.rfind("quant.formats.", 0) != 0) return false;
  const bool whole_format = name.find('.', 14) == std::string::npos;  // quant.formats.trace
  if (!whole_format && name.compare(name.size() - 6, 6, ".width") != 0) return false;  // not .frac/.signed
  for (const auto& c : configs)
    if (c.axes.contains(name) && !c.axes[name].is_null() && !width_of(c.axes[name])) return false;
  return true;
}

// "name=value ..." of the axes in `order` other than `skip` (and seed), "all" when there are none.
std::string others_text(const json& axes, const std::vector<std::string>& order, const std::string& skip) {
  std::string out;
  for (const auto& name : order) {
    if (name == skip || name == "seed" || !axes.contains(name) || axes[name].is_null()) continue;
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", short_axis(name), value_text(axes[name]));
  }
  return out.empty() ? "all" : out;
}

std::string number(double v) { return fmt::format("{:.4g}", v); }

}  // namespace

std::string sweep_report(const json& doc, const std::string& where) {
  std::vector<std::string> axis_order;
  std::vector<Config> configs;
  try {
    for (const auto& name : doc.at("axes")) axis_order.push_back(name.get<std::string>());
    std::map<std::string, size_t> by_key;
    for (const auto& row : doc.at("points")) {
      const json& settings = row.at("settings");
      Config c;
      c.task = settings.value("task", std::string("(no task)"));
      c.is_float = settings.value("mode", std::string("float")) != "fixed";  // train's default mode is float
      c.metric = row.at("metric").get<std::string>();
      c.axes = row.at("axes");
      c.axes.erase("seed");
      const std::string key = c.task + "\n" + c.axes.dump();
      auto [it, fresh] = by_key.emplace(key, configs.size());
      if (fresh) configs.push_back(c);
      configs[it->second].sum += row.at("final_metric").get<double>();
      configs[it->second].points += 1;
    }
  } catch (const json::exception& e) {
    throw InputError(fmt::format("{}: not a sweep.json of nchip sweep: {}", where, e.what()));
  }
  const json reference = doc.value("reference", json());
  const size_t missing = doc.contains("missing") ? doc["missing"].size() : 0;

  // Named by its spec, not its folder: the report of two runs of one sweep is the same bytes.
  const std::string name = doc.contains("spec") && doc["spec"].is_string() ? doc["spec"].get<std::string>() : where;
  std::string out = fmt::format("nchip sweep report: {} ({} points{})\n", name, doc["points"].size(),
                                missing ? fmt::format(", {} not finished", missing) : "");
  out += fmt::format("smallest width per axis whose final metric (mean over seeds) is within {:.0f} % of the float "
                     "reference, with every wider setting too\n",
                     kReportTolerance * 100);
  if (configs.empty()) return out + "no finished points\n";
  std::vector<std::string> tasks;
  for (const auto& c : configs)
    if (std::find(tasks.begin(), tasks.end(), c.task) == tasks.end()) tasks.push_back(c.task);

  for (const auto& task : tasks) {
    std::vector<Config> fixed;
    const Config* best_float = nullptr;
    for (const auto& c : configs) {
      if (c.task != task) continue;
      if (!c.is_float) fixed.push_back(c);
      else if (!best_float || c.mean() < best_float->mean()) best_float = &c;
    }
    const std::string metric = fixed.empty() ? (best_float ? best_float->metric : "metric") : fixed.front().metric;
    out += fmt::format("\ntask {} (final {}):\n", task, metric);
    // The reference: the spec's "reference" (a number, or per task) first, else the best float
    // configuration of the task in this sweep.
    std::optional<double> ref;
    std::string ref_source;
    if (reference.is_number()) {
      ref = reference.get<double>();
      ref_source = "the spec's \"reference\"";
    } else if (reference.is_object() && reference.contains(task)) {
      ref = reference[task].get<double>();
      ref_source = "the spec's \"reference\"." + task;
    } else if (best_float) {
      ref = best_float->mean();
      std::vector<std::string> named;  // the float configuration's settings, but task and mode
      for (const auto& a : axis_order)
        if (a != "task" && a != "mode") named.push_back(a);
      const std::string settings = others_text(best_float->axes, named, "");
      ref_source = fmt::format("mode float, {} point{}{}", best_float->points, best_float->points == 1 ? "" : "s",
                               settings == "all" ? std::string() : ", " + settings);
    }
    if (!ref) {
      out += "  no float reference: add \"mode\": [\"float\", \"fixed\"] to the axes, or \"reference\": VALUE to "
             "the spec\n";
      continue;
    }
    const double limit = *ref * (1.0 + kReportTolerance);
    out += fmt::format("  float reference {} ({}); within {:.0f} %: {} <= {}\n", number(*ref), ref_source,
                       kReportTolerance * 100, metric, number(limit));
    // Lines are named by the axes that vary among this task's fixed configurations.
    std::vector<std::string> varying;
    for (const auto& a : axis_order) {
      std::set<std::string> values;
      for (const auto& c : fixed) values.insert(c.axes.value(a, json()).dump());
      if (values.size() > 1) varying.push_back(a);
    }
    bool any_axis = false;
    for (const auto& axis : axis_order) {
      if (!is_width_axis(axis, fixed)) continue;
      any_axis = true;
      // One line per setting of the other axes: (width, value text, mean), narrowest first.
      std::vector<std::string> line_order;
      std::map<std::string, std::vector<std::tuple<double, std::string, double>>> lines;
      for (const auto& c : fixed) {
        if (!c.axes.contains(axis) || c.axes[axis].is_null()) continue;
        const std::string key = others_text(c.axes, varying, axis);
        if (!lines.count(key)) line_order.push_back(key);
        lines[key].emplace_back(*width_of(c.axes[axis]), value_text(c.axes[axis]), c.mean());
      }
      out += fmt::format("  {}:\n", short_axis(axis));
      std::optional<double> overall;
      std::string overall_text, overall_line;
      for (const auto& key : line_order) {
        auto& line = lines[key];
        std::sort(line.begin(), line.end());
        // The narrowest entry from which on every wider one is within the limit.
        size_t first_ok = line.size();
        while (first_ok > 0 && std::get<2>(line[first_ok - 1]) <= limit) --first_ok;
        std::string values;
        for (const auto& [w, text, mean] : line) values += fmt::format("{}{}: {}", values.empty() ? "" : ", ", text, number(mean));
        if (first_ok == line.size()) {
          out += fmt::format("    {}: none within {:.0f} %  [{}]\n", key, kReportTolerance * 100, values);
          continue;
        }
        const auto& [w, text, mean] = line[first_ok];
        out += fmt::format("    {}: {}  [{}]\n", key, text, values);
        if (!overall || w < *overall) {
          overall = w;
          overall_text = text;
          overall_line = key;
        }
      }
      if (line_order.size() > 1)
        out += overall ? fmt::format("    smallest: {} ({})\n", overall_text, overall_line)
                       : fmt::format("    smallest: none within {:.0f} %\n", kReportTolerance * 100);
    }
    if (!any_axis) out += "  no width axis (quant.formats.Q or quant.formats.Q.width) in this sweep\n";
  }
  return out;
}

std::string sweep_report_of_dir(const std::string& dir) {
  const std::string path = dir + "/sweep.json";
  json doc;
  try {
    doc = json::parse(read_text_file(path));
  } catch (const json::exception& e) {
    throw InputError(fmt::format("{}: not valid JSON: {}", path, e.what()));
  }
  return sweep_report(doc, path);
}

}  // namespace nchip::runtime::sweep
