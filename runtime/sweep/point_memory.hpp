// Synapse memory per core of a sweep point: its trained network (DIR/points/ID/trained.json)
// compiled onto its chip (the point's --chip, else the built-in 4x4 chip the SystemC backend
// uses) with its number formats and storage scheme, as `nchip compile` maps it. Each core's
// synapse memory holds the synapse words, group headers and learning state (compiler/passes/usage);
// the most loaded core is what a chip designer must provision.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "runtime/sweep/sweep_spec.hpp"

namespace nchip::runtime::sweep {

// {"chip", "cores", "max_core_bits", "mean_core_bits", "total_bits", "learning_bits",
// "core_capacity_bits"} of a fixed-point point; {"error": "..."} when its network does not map
// (say, too large for the chip); null for a float point (no number formats). `point_folder` holds
// trained.json.
nlohmann::json point_synapse_memory(const SweepPoint& point, const std::string& point_folder);

}  // namespace nchip::runtime::sweep
