// Chip-wide timing constants and the per-timestep barrier: every packet copy in a FIFO and every
// injector still sending counts as outstanding work; when both reach zero the spike phase of the
// step is over (all packets delivered and integrated) and `drained` fires. One instance per
// elaborated chip, shared by its modules.
#pragma once

#include <cstdint>
#include <string>

#include <systemc>

namespace nchip::systemc {

struct NocContext {
  // One cycle of the chip clock is one nanosecond of SystemC time; stats convert to real time at
  // the chip's clock_mhz, so the kernel's resolution never limits the clock.
  const sc_core::sc_time cycle{1, sc_core::SC_NS};
  uint32_t hop_latency_cycles = 1;
  uint32_t flit_cycles = 1;  // link occupancy per packet: ceil(packet_bits / link_width_bits)

  int64_t in_flight = 0;
  int64_t injectors_busy = 0;
  sc_core::sc_event drained;
  std::string error;  // first routing inconsistency (a key without an entry, a route off the mesh)

  uint64_t now_cycles() const {
    return static_cast<uint64_t>(sc_core::sc_time_stamp() / cycle);
  }
  void queued() { ++in_flight; }
  void consumed() {
    --in_flight;
    check();
  }
  void injector_done() {
    --injectors_busy;
    check();
  }
  void fail(const std::string& what) {
    if (error.empty()) error = what;
  }

 private:
  void check() {
    if (in_flight == 0 && injectors_busy == 0) drained.notify(sc_core::SC_ZERO_TIME);
  }
};

}  // namespace nchip::systemc
