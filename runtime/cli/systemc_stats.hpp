// The SystemC backend's statistics as the user sees them: the --stats JSON (fixed key order, so
// two runs can be diffed) and the few-line summary printed after a run.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "hw_model/systemc/stats.hpp"

namespace nchip::runtime {

// `dt_ms`: the network's time step (network time = steps x dt_ms; the real-time factor is the
// emulated chip time over it: below 1 the chip runs faster than real time).
nlohmann::ordered_json systemc_stats_json(const systemc::ChipStats& stats, double dt_ms);
std::string systemc_stats_summary(const systemc::ChipStats& stats, double dt_ms);

}  // namespace nchip::runtime
