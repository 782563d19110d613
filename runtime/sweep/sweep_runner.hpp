// Runs a sweep's points as `nchip train` child processes (the same binary, the same code path),
// --jobs at a time, each with --threads 1. A point runs in DIR/points/.tmp-ID-PID and is renamed
// to DIR/points/ID only after train exited 0 and its files are synced, so a killed sweep leaves
// no directory that looks finished; a point whose DIR/points/ID/metrics.json exists is skipped.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "runtime/sweep/sweep_results.hpp"
#include "runtime/sweep/sweep_spec.hpp"

namespace nchip::runtime::sweep {

struct RunSettings {
  std::string out_dir;
  std::string nchip_exe;  // the binary that runs `train` (this one: /proc/self/exe)
  unsigned jobs = 1;
  size_t shard_index = 0, shard_count = 1;  // run the points with index % count == index
  bool quiet = false;
};

struct RunOutcome {
  size_t ran = 0, skipped = 0, failed = 0, other_shards = 0;
  bool interrupted = false;  // SIGINT/SIGTERM: no new points started, points in flight kept to resume
};

// `results` (indexed by point) receives the result of every point that is complete afterwards.
RunOutcome run_points(const SweepSpec& spec, const RunSettings& settings, std::vector<PointResult>& results);

}  // namespace nchip::runtime::sweep
