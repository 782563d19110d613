// The co-simulation loop: stream records into an RTL model and into hw_model/arith's
// etu_update<FixedOps>, compare every output field of every update, stop at the first mismatch.
// Optional random bubbles (in_valid low) and back-pressure (out_ready low) exercise the
// handshake; with a VCD path, a mismatch is replayed with tracing on to dump the cycles around it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "hw_model/arith/quant_config.hpp"
#include "rtl/cosim/etu_checker.hpp"
#include "rtl/cosim/etu_dut.hpp"
#include "rtl/cosim/etu_stimulus.hpp"

namespace nchip::rtl {

struct CosimOptions {
  double bubble_rate = 0.0;      // probability that a cycle presents no input
  double stall_rate = 0.0;       // probability that a cycle holds out_ready low
  uint64_t handshake_seed = 1;   // seeds the bubbles and stalls
  std::string vcd_path;          // empty: no waveform
  uint64_t vcd_window = 24;      // cycles dumped before (and after) the mismatch
  uint64_t hang_cycles = 1000;   // cycles without progress that count as a hung unit
  // Called about every 2^20 cycles with the updates compared so far (progress output).
  std::function<void(uint64_t compared)> progress;
};

struct CosimReport {
  uint64_t compared = 0;         // updates whose every field matched
  uint64_t cycles = 0;           // clock cycles simulated after reset
  double seconds = 0.0;          // wall time of the loop (RTL and reference together)
  uint64_t saturations_eligibility = 0, saturations_accumulator = 0;  // in the matched updates
  std::optional<Mismatch> mismatch;
  std::string vcd_written;       // path, when a VCD was written
  uint64_t vcd_first_cycle = 0, vcd_last_cycle = 0;
  double updates_per_second() const { return seconds > 0 ? compared / seconds : 0.0; }
};

using DutFactory = std::function<std::unique_ptr<EtuDut>()>;
using SourceFactory = std::function<std::unique_ptr<EtuSource>()>;

// `reference` is the configuration the reference computes with; a test may deliberately pass
// one that differs from the RTL's to prove that a difference is caught.
CosimReport run_cosim(const DutFactory& make_dut, const SourceFactory& make_source,
                      const arith::QuantConfig& reference, const CosimOptions& options);

}  // namespace nchip::rtl
