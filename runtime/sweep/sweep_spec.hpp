// The sweep spec (nchip sweep SPEC.json): a base `nchip train` configuration plus axes, expanded
// into points. Each point is a list of `nchip train` arguments (so it runs exactly what train
// runs), its canonical settings (JSON, keys sorted) and a stable id derived from them.
// Structural problems (unknown key or axis, wrong type, bad quant format) are InputErrors naming
// the spec's JSON path; whether train accepts each point is checked by the caller
// (check_train_arguments), with SweepPoint::origin naming where the point came from.
#pragma once

#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace nchip::runtime::sweep {

struct SweepPoint {
  size_t index = 0;                         // position in the expansion (table order, --shard)
  std::vector<nlohmann::json> axis_values;  // one per SweepSpec::axis_names; null: not set / not used
  std::vector<size_t> axis_index;           // cartesian: index into each axis's list (empty: explicit)
  nlohmann::json settings;                  // canonical: every train option of the point (+ "quant" object)
  std::string id;                           // readable prefix + '-' + 10 hex digits of hash(settings)
  std::vector<std::string> train_args;      // `nchip train` arguments, without --out/--threads/--quiet
  std::string origin;                       // JSON path naming the point in error messages
  std::string task;                         // the point's task (decides its metric and criterion)
  double criterion = 0;                     // "first iteration below" threshold of the point's metric
};

struct SweepSpec {
  std::string path;                     // the spec file as given
  std::vector<std::string> axis_names;  // table columns, in spec order
  bool cartesian = true;                // "axes" (product) or "points" (explicit list)
  std::vector<SweepPoint> points;       // distinct points (duplicates of an earlier id dropped)
  // "reference": the float reference of the report (a number, or {task: number}); null: the
  // sweep's own float points are the reference.
  nlohmann::json reference;
  bool has_seed_axis() const;
};

// `is_train_option(name)`: whether `nchip train` has an option of that name.
SweepSpec read_sweep_spec(const std::string& path, const std::function<bool(const std::string&)>& is_train_option);

// The task's default "below criterion" threshold: store-recall 0.05 (the paper's 5 % recall error),
// pattern-generation 0.1 NMSE (a round number, not the paper's).
double default_criterion(const std::string& task);

// FNV-1a 64 of `text` as 16 hex digits.
std::string hash_hex(const std::string& text);

// A short "name=value" text of a point's axis values, for progress lines and plot titles.
std::string describe_axes(const SweepSpec& spec, const SweepPoint& point, const std::string& skip_axis = "");

}  // namespace nchip::runtime::sweep
