// The compile report: how a network was mapped (per core: neurons, synapses, memory; per
// router: table entries; per projection: quantization error; placement cost against row-major;
// totals). Built from the chip image alone, so `nchip compile` and `nchip inspect` print the same.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/measured_activity.hpp"
#include "compiler/passes/usage.hpp"
#include "hw_model/image/chip_image.hpp"

namespace nchip::compiler {

struct SliceReport {
  std::string population;
  uint32_t first = 0, count = 0;  // neurons [first, first + count) of the population
};

struct CoreReport {
  uint32_t tile = 0;
  std::vector<SliceReport> slices;  // one, or several when packed (issue #16), in image order
  CoreUsage usage;                  // of the whole core (fan-in, traces, groups counted once)
};

struct RouterReport {
  uint32_t tile = 0;
  uint32_t entries_before_merge = 0;
  uint32_t entries = 0;
};

struct HostPort {
  std::string direction;  // "input" (host -> chip) or "readout" (chip -> host)
  std::string population;
  uint32_t first = 0, count = 0, tile = 0, key = 0;
};

// `nchip compile --rates-from-run` (issue #16): the rates a functional run measured and what
// placement made of them. Not in the image: make_report leaves it empty (`nchip inspect` has no run).
struct RatesFromRun {
  std::string input;  // what drove the run, e.g. "poisson (seed 1, trial 0)"
  double dt_ms = 1.0;
  std::vector<PopulationRate> populations;
  MeasuredPlacement placement;
};

struct CompileReport {
  image::ChipConfig chip;
  std::string network;
  image::StorageScheme storage = image::StorageScheme::full;
  uint32_t optimizer_state_bits = 0;  // per plastic synapse (Lion's m, Adam's m and v), included in learning_bits
  uint64_t optimizer_bits = 0;        // all optimizer state, factor_bits included (per core: CoreUsage)
  uint32_t factor_register_bits = 0;  // Adafactor's row / column register width (0: none reserved)
  uint64_t factor_bits = 0;           // all cores' row and column registers, in bits
  arith::QuantConfig quant;
  std::vector<CoreReport> cores;      // used cores, by tile
  std::vector<RouterReport> routers;  // routers with at least one entry, by tile
  std::vector<image::ProjectionQuantization> projections;
  std::vector<HostPort> host;
  image::PlacementSummary placement;
  std::optional<RatesFromRun> rates_from_run;
  uint32_t neurons = 0;
  uint64_t synapses = 0, memory_bits = 0, learning_bits = 0;
  uint64_t delay_buffer_bits = 0;  // all cores' delay rings (issue #14), part of memory_bits
  uint64_t entries_before_merge = 0, entries = 0;
  uint32_t max_router_entries = 0;
};

CompileReport make_report(const image::ChipImage& image);
// Human-readable; per-core and per-router lists stop after max_rows rows (the JSON has them all).
std::string report_text(const CompileReport& report, size_t max_rows = 64);
nlohmann::ordered_json report_json(const CompileReport& report);

}  // namespace nchip::compiler
