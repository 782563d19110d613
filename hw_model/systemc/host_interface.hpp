// The host's port into the chip, at the image's host tile: injects the step's input spikes as
// packets into that tile's router (its own link into the local input FIFO, beside the core's), and
// hands targets to the learning-signal unit. Readouts are read from the chip state after a step.
#pragma once

#include <cstdint>
#include <vector>

#include <systemc>

#include "hw_model/systemc/link.hpp"

namespace nchip::systemc {

class HostInterface : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(HostInterface);
  HostInterface(const sc_core::sc_module_name& name, NocContext& ctx, StallStats& stalls);

  // Keys to inject at the next step start (the caller filters inputs nobody listens to).
  std::vector<uint32_t> pending;
  Link inject;
  sc_core::sc_event start;  // the sequencer's go for this step's injection (one per injector, notified
                            // in a fixed order so equal-time arbitration is reproducible)
  uint64_t packets = 0;

 private:
  void inject_loop();
  NocContext& ctx_;
};

}  // namespace nchip::systemc
