// The SystemC backend's statistics as the user sees them: the --stats JSON (fixed key order, so
// two runs can be diffed) and the few-line summary printed after a run.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "hw_model/systemc/stats.hpp"

namespace nchip::runtime {

nlohmann::ordered_json systemc_stats_json(const systemc::ChipStats& stats);
std::string systemc_stats_summary(const systemc::ChipStats& stats);

}  // namespace nchip::runtime
