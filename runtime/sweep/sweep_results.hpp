// What a finished sweep point's files say (DIR/points/ID/metrics.json and curve.csv), the
// per-configuration summary over seeds, and the tables DIR/sweep.csv, DIR/sweep.json and
// DIR/summary.csv.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "runtime/sweep/sweep_spec.hpp"

namespace nchip::runtime::sweep {

struct PointResult {
  bool present = false;  // the point's directory is complete (metrics.json exists)
  std::string metric_name;
  uint32_t iterations = 0;
  double final_metric = 0, best_metric = 0, mean_last_10 = 0;
  std::optional<uint32_t> first_below;  // first iteration whose metric < the point's criterion
  uint64_t weights_changed = 0, plastic_synapses = 0;
  uint64_t saturations = 0, weight_update_saturations = 0;  // fixed mode; 0 in float
  int bits_per_synapse_lif = 0, bits_per_synapse_alif = 0;
  // Synapse memory of the most loaded core and the cores used, the network compiled onto the
  // point's chip (synapse_memory.json; fixed points that map; runtime/sweep/point_memory).
  std::optional<uint64_t> synapse_memory_max_core_bits;
  std::optional<uint32_t> cores_used;
  nlohmann::json synapse_memory;  // the file as it is (null: none)
  // SystemC backend (DIR/points/ID/systemc_stats.json): chip cycles and energy per iteration.
  std::optional<double> cycles_per_iteration, energy_pj_per_iteration;
  double seconds_per_iteration = 0;
  std::vector<std::pair<uint32_t, double>> curve;  // (iteration, metric)
};

// DIR/points/ID of a point.
std::string point_dir(const std::string& out_dir, const SweepPoint& point);

// Reads a complete point directory (InputError naming the file when it is malformed); a
// directory without metrics.json gives present = false.
PointResult read_point_result(const std::string& dir, double criterion);

// Mean and spread of the final metric over the "seed" axis: points equal on every other axis.
struct ConfigSummary {
  std::vector<nlohmann::json> axis_values;  // the seed axis null
  std::vector<size_t> members;              // point indices
  double mean = 0, std = 0, min = 0, max = 0, best_mean = 0;
  size_t reached = 0;  // members whose metric went below the criterion
};
std::vector<ConfigSummary> summarize(const SweepSpec& spec, const std::vector<PointResult>& results);

// sweep.csv, sweep.json (and summary.csv with a seed axis), each written atomically, and the
// wall time per iteration in timing.csv (the only output that differs between two runs). Points
// without results are left out of the rows and listed in sweep.json's "missing".
void write_tables(const SweepSpec& spec, const std::vector<PointResult>& results, const std::string& out_dir);

// CSV cell of an axis value: empty for null, strings bare, others as JSON; quoted when needed.
std::string csv_cell(const nlohmann::json& value);

}  // namespace nchip::runtime::sweep
