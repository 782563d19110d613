// Settings of the timed model that the chip description (image::ChipConfig) does not hold: they
// describe the NoC's micro-architecture, not what a compiled network may use, so the compiler
// never needs them. One struct with defaults and validate(), like every component's parameters.
#pragma once

#include <cstdint>
#include <string>

namespace nchip::systemc {

class EtuUnit;

// How the spike phase is simulated. `events` (the default): NocEngine, one plain C++ event run per
// phase called from the sequencer (no thread switch per hop). `threads`: the SystemC threads of
// Router, NeuronCore and HostInterface, one per port, the reference the engine is tested against
// (same timing, bit for bit) and the one --trace records (its VCD signals are written by them).
// `fast`: FastNoc, the same hardware with our own first-come-first-served rule for work that meets
// in the same cycle instead of the SystemC kernel's process order (noc_fast.hpp): the same results,
// the same timing wherever nothing ties, several times faster.
enum class NocModel : uint8_t { events, threads, fast };

struct SystemcParams {
  uint32_t fifo_depth_packets = 4;   // per router input port and per core receive queue
  uint32_t packet_bits = 32;         // a spike packet is its routing key; flits = ceil(bits / link)
  uint32_t lsu_error_cycles = 4;     // learning-signal unit: cycles per readout error it forms
  NocModel noc_model = NocModel::events;
  // Where --trace records (tile index y * width + x of the image's mesh); -1: no trace.
  int32_t trace_tile = -1;
  std::string trace_path;            // VCD file name without ".vcd" (sc_create_vcd_trace_file adds it)
  // RTL in the loop (nchip train --rtl-etu CORE): image tile whose plasticity engine runs `rtl_etu`
  // (not owned) instead of the C++ eligibility-trace unit; -1: every core runs the C++ unit.
  int32_t rtl_etu_core = -1;
  EtuUnit* rtl_etu = nullptr;

  // Empty when valid, else "field: problem".
  std::string problem() const {
    if (fifo_depth_packets == 0) return "fifo_depth_packets: must be at least 1";
    if (packet_bits == 0) return "packet_bits: must be at least 1";
    return {};
  }
};

}  // namespace nchip::systemc
