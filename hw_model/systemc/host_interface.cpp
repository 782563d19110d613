#include "hw_model/systemc/host_interface.hpp"

namespace nchip::systemc {

HostInterface::HostInterface(const sc_core::sc_module_name& name, NocContext& ctx, StallStats& stalls)
    : sc_core::sc_module(name), ctx_(ctx) {
  inject.stalls = &stalls;
  SC_THREAD(inject_loop);
}

void HostInterface::inject_loop() {
  for (;;) {
    sc_core::wait(start);
    const uint64_t now = ctx_.now_cycles();
    for (uint32_t key : pending) {
      inject.send(ctx_, Packet{key, 0, now});
      ++packets;
    }
    pending.clear();
    ctx_.injector_done();
  }
}

}  // namespace nchip::systemc
