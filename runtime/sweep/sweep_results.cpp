#include "runtime/sweep/sweep_results.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

#include "hw_model/error.hpp"
#include "runtime/io/atomic_file.hpp"

namespace nchip::runtime::sweep {

namespace {

using json = nlohmann::json;

std::vector<std::string> split(const std::string& line, char sep) {
  std::vector<std::string> out;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, sep)) out.push_back(cell);
  return out;
}

std::string number(double v) { return fmt::format("{:.9g}", v); }

json nullable(const std::optional<uint32_t>& v) { return v ? json(*v) : json(); }

}  // namespace

std::string point_dir(const std::string& out_dir, const SweepPoint& point) {
  return out_dir + "/points/" + point.id;
}

PointResult read_point_result(const std::string& dir, double criterion) {
  PointResult r;
  const std::string metrics_path = dir + "/metrics.json";
  if (!std::filesystem::exists(metrics_path)) return r;
  json m;
  try {
    m = json::parse(read_text_file(metrics_path));
    r.metric_name = m.at("metric_name").get<std::string>();
    r.weights_changed = m.at("weights_changed").get<uint64_t>();
    r.plastic_synapses = m.at("plastic_synapses").get<uint64_t>();
    r.seconds_per_iteration = m.at("seconds_per_iteration").at("total").get<double>();
    r.bits_per_synapse_lif = m.at("bits_per_synapse").at("lif_target").get<int>();
    r.bits_per_synapse_alif = m.at("bits_per_synapse").at("alif_target").get<int>();
    if (m.contains("saturations"))
      for (const auto& [name, count] : m["saturations"].items()) r.saturations += count.get<uint64_t>();
    if (m.contains("weight_update_saturations")) r.weight_update_saturations = m["weight_update_saturations"].get<uint64_t>();
  } catch (const json::exception& e) {
    throw InputError(fmt::format("{}: not a metrics file of nchip train: {}", metrics_path, e.what()));
  }
  const std::string stats_path = dir + "/systemc_stats.json";
  double stats_cycles = -1, stats_energy = -1;
  if (std::filesystem::exists(stats_path)) {
    try {
      const json st = json::parse(read_text_file(stats_path));
      stats_cycles = st.at("cycles").at("total").get<double>();
      stats_energy = st.at("energy").at("total_pj").get<double>();
    } catch (const json::exception& e) {
      throw InputError(fmt::format("{}: not a SystemC statistics file: {}", stats_path, e.what()));
    }
  }
  const std::string memory_path = dir + "/synapse_memory.json";
  if (std::filesystem::exists(memory_path)) {
    try {
      r.synapse_memory = json::parse(read_text_file(memory_path));
      if (r.synapse_memory.contains("max_core_bits")) {
        r.synapse_memory_max_core_bits = r.synapse_memory.at("max_core_bits").get<uint64_t>();
        r.cores_used = r.synapse_memory.at("cores").get<uint32_t>();
      }
    } catch (const json::exception& e) {
      throw InputError(fmt::format("{}: not a synapse memory file of nchip sweep: {}", memory_path, e.what()));
    }
  }
  const std::string curve_path = dir + "/curve.csv";
  std::istringstream curve(read_text_file(curve_path));
  std::string line;
  std::getline(curve, line);
  const auto header = split(line, ',');
  const auto column = std::find(header.begin(), header.end(), r.metric_name);
  if (column == header.end() || header.empty() || header[0] != "iteration")
    throw InputError(fmt::format("{}: no '{}' column", curve_path, r.metric_name));
  const size_t col = static_cast<size_t>(column - header.begin());
  while (std::getline(curve, line)) {
    if (line.empty()) continue;
    const auto cells = split(line, ',');
    if (cells.size() <= col) throw InputError(fmt::format("{}: short row '{}'", curve_path, line));
    r.curve.emplace_back(static_cast<uint32_t>(std::stoul(cells[0])), std::stod(cells[col]));
  }
  if (r.curve.empty()) throw InputError(fmt::format("{}: no iterations", curve_path));
  r.present = true;
  r.iterations = static_cast<uint32_t>(r.curve.size());
  r.final_metric = r.curve.back().second;
  r.best_metric = r.curve.front().second;
  for (const auto& [it, v] : r.curve) {
    r.best_metric = std::min(r.best_metric, v);
    if (!r.first_below && v < criterion) r.first_below = it;
  }
  if (stats_cycles >= 0) {
    r.cycles_per_iteration = stats_cycles / r.iterations;
    r.energy_pj_per_iteration = stats_energy / r.iterations;
  }
  const size_t tail = std::min<size_t>(10, r.curve.size());
  double sum = 0;
  for (size_t i = r.curve.size() - tail; i < r.curve.size(); ++i) sum += r.curve[i].second;
  r.mean_last_10 = sum / static_cast<double>(tail);
  return r;
}

std::vector<ConfigSummary> summarize(const SweepSpec& spec, const std::vector<PointResult>& results) {
  std::vector<ConfigSummary> out;
  std::map<std::string, size_t> by_key;
  for (const auto& p : spec.points) {
    if (!results[p.index].present) continue;
    std::vector<json> values = p.axis_values;
    for (size_t a = 0; a < values.size(); ++a)
      if (spec.axis_names[a] == "seed") values[a] = nullptr;
    const std::string key = json(values).dump();
    auto [it, fresh] = by_key.emplace(key, out.size());
    if (fresh) out.push_back(ConfigSummary{values, {}, 0, 0, 0, 0, 0, 0});
    out[it->second].members.push_back(p.index);
  }
  for (auto& s : out) {
    const double n = static_cast<double>(s.members.size());
    s.min = s.max = results[s.members.front()].final_metric;
    for (size_t i : s.members) {
      const auto& r = results[i];
      s.mean += r.final_metric / n;
      s.best_mean += r.best_metric / n;
      s.min = std::min(s.min, r.final_metric);
      s.max = std::max(s.max, r.final_metric);
      s.reached += r.first_below ? 1 : 0;
    }
    double ss = 0;
    for (size_t i : s.members) ss += (results[i].final_metric - s.mean) * (results[i].final_metric - s.mean);
    s.std = s.members.size() > 1 ? std::sqrt(ss / (n - 1)) : 0.0;  // sample standard deviation
  }
  return out;
}

std::string csv_cell(const json& value) {
  if (value.is_null()) return {};
  const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char ch : text) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return quoted + "\"";
}

void write_tables(const SweepSpec& spec, const std::vector<PointResult>& results, const std::string& out_dir) {
  // Time is the last column, so tables of two runs compare equal without it.
  std::string csv = "index,id";
  for (const auto& name : spec.axis_names) csv += "," + csv_cell(json(name));
  csv += ",metric,final_metric,best_metric,first_iteration_below_criterion,criterion,mean_last_10,iterations,"
         "weights_changed,plastic_synapses,saturations,weight_update_saturations,bits_per_synapse_lif,"
         "bits_per_synapse_alif,synapse_memory_bits_max_core,cores_used,cycles_per_iteration,"
         "energy_pj_per_iteration\n";
  // Wall time differs between two runs of the same sweep: it goes to timing.csv alone, so the
  // other tables are the same bytes for every --jobs, shard split or MPI run.
  std::string timing = "index,id,seconds_per_iteration\n";
  json rows = json::array(), missing = json::array();
  for (const auto& p : spec.points) {
    const PointResult& r = results[p.index];
    if (!r.present) {
      missing.push_back(p.id);
      continue;
    }
    csv += fmt::format("{},{}", p.index, p.id);
    json axes = json::object();
    for (size_t a = 0; a < spec.axis_names.size(); ++a) {
      csv += "," + csv_cell(p.axis_values[a]);
      axes[spec.axis_names[a]] = p.axis_values[a];
    }
    auto optional_number = [](const std::optional<double>& v) { return v ? fmt::format("{:.9g}", *v) : std::string(); };
    timing += fmt::format("{},{},{:.6g}\n", p.index, p.id, r.seconds_per_iteration);
    auto optional_count = [](const auto& v) { return v ? std::to_string(*v) : std::string(); };
    csv += fmt::format(",{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", r.metric_name, number(r.final_metric),
                       number(r.best_metric), r.first_below ? std::to_string(*r.first_below) : "",
                       number(p.criterion), number(r.mean_last_10), r.iterations, r.weights_changed,
                       r.plastic_synapses, r.saturations, r.weight_update_saturations, r.bits_per_synapse_lif,
                       r.bits_per_synapse_alif, optional_count(r.synapse_memory_max_core_bits),
                       optional_count(r.cores_used), optional_number(r.cycles_per_iteration),
                       optional_number(r.energy_pj_per_iteration));
    rows.push_back({{"index", p.index},
                    {"id", p.id},
                    {"axes", axes},
                    {"metric", r.metric_name},
                    {"final_metric", r.final_metric},
                    {"best_metric", r.best_metric},
                    {"first_iteration_below_criterion", nullable(r.first_below)},
                    {"criterion", p.criterion},
                    {"mean_last_10", r.mean_last_10},
                    {"iterations", r.iterations},
                    {"weights_changed", r.weights_changed},
                    {"plastic_synapses", r.plastic_synapses},
                    {"saturations", r.saturations},
                    {"weight_update_saturations", r.weight_update_saturations},
                    {"bits_per_synapse", {{"lif_target", r.bits_per_synapse_lif}, {"alif_target", r.bits_per_synapse_alif}}},
                    {"synapse_memory", r.synapse_memory},
                    {"cycles_per_iteration", r.cycles_per_iteration ? json(*r.cycles_per_iteration) : json()},
                    {"energy_pj_per_iteration", r.energy_pj_per_iteration ? json(*r.energy_pj_per_iteration) : json()},
                    {"settings", p.settings}});
  }
  json doc = {{"spec", spec.path}, {"axes", spec.axis_names}, {"points_total", spec.points.size()},
              {"points", rows}, {"missing", missing}};
  if (!spec.reference.is_null()) doc["reference"] = spec.reference;  // nchip sweep --report reads it
  if (spec.has_seed_axis()) {
    std::string sum_csv;
    for (const auto& name : spec.axis_names)
      if (name != "seed") sum_csv += csv_cell(json(name)) + ",";
    sum_csv += "seeds,final_mean,final_std,final_min,final_max,best_mean,seeds_below_criterion\n";
    json summary = json::array();
    for (const auto& s : summarize(spec, results)) {
      json axes = json::object();
      for (size_t a = 0; a < spec.axis_names.size(); ++a) {
        if (spec.axis_names[a] == "seed") continue;
        sum_csv += csv_cell(s.axis_values[a]) + ",";
        axes[spec.axis_names[a]] = s.axis_values[a];
      }
      sum_csv += fmt::format("{},{},{},{},{},{},{}\n", s.members.size(), number(s.mean), number(s.std), number(s.min),
                             number(s.max), number(s.best_mean), s.reached);
      summary.push_back({{"axes", axes}, {"seeds", s.members.size()}, {"final_mean", s.mean}, {"final_std", s.std},
                         {"final_min", s.min}, {"final_max", s.max}, {"best_mean", s.best_mean},
                         {"seeds_below_criterion", s.reached}});
    }
    doc["summary"] = summary;
    write_file_atomically(out_dir + "/summary.csv", sum_csv);
  }
  write_file_atomically(out_dir + "/timing.csv", timing);
  write_file_atomically(out_dir + "/sweep.csv", csv);
  write_file_atomically(out_dir + "/sweep.json", doc.dump(2) + "\n");
}

}  // namespace nchip::runtime::sweep
