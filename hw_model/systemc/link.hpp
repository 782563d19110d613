// A point-to-point link into a FIFO (router to router, router to core, core or host to router):
// it serializes packets (busy for flit_cycles each), delivers after latency_cycles, and stalls the
// sending thread while it is busy or the FIFO behind it is full (back-pressure).
#pragma once

#include "hw_model/systemc/noc_context.hpp"
#include "hw_model/systemc/packet_fifo.hpp"
#include "hw_model/systemc/stats.hpp"

namespace nchip::systemc {

struct Link {
  PacketFifo* dest = nullptr;  // null: no neighbour (mesh edge)
  uint32_t latency_cycles = 0;
  bool counts_hop = false;     // router-to-router links count as hops
  sc_core::sc_time free_at = sc_core::SC_ZERO_TIME;
  LinkStats* stats = nullptr;  // may be null (injection links are counted by their sender)
  StallStats* stalls = nullptr;

  void reset() { free_at = sc_core::SC_ZERO_TIME; }

  // Blocks the calling SC_THREAD until the packet is on its way; returns after the link has
  // accepted it (the packet arrives latency_cycles later, while the caller carries on).
  void send(NocContext& ctx, Packet p) {
    using sc_core::sc_time_stamp;
    // A send that waited counts once per cause, however often it re-checked: the counts then do
    // not depend on how the kernel orders threads woken at the same time.
    sc_core::sc_time busy_wait = sc_core::SC_ZERO_TIME, full_wait = sc_core::SC_ZERO_TIME;
    for (;;) {
      const sc_core::sc_time now = sc_time_stamp();
      if (free_at > now) {
        sc_core::wait(free_at - now);
        busy_wait += sc_time_stamp() - now;
        continue;
      }
      if (dest->full()) {
        dest->wait_for_space();
        full_wait += sc_time_stamp() - now;
        continue;
      }
      break;
    }
    if (busy_wait > sc_core::SC_ZERO_TIME) {
      stalls->link_busy_waits += 1;
      stalls->link_busy_cycles += static_cast<uint64_t>(busy_wait / ctx.cycle);
    }
    if (full_wait > sc_core::SC_ZERO_TIME) {
      stalls->backpressure_waits += 1;
      stalls->backpressure_cycles += static_cast<uint64_t>(full_wait / ctx.cycle);
    }
    const sc_core::sc_time now = sc_time_stamp();
    free_at = now + ctx.flit_cycles * ctx.cycle;
    if (stats) {
      stats->packets += 1;
      stats->busy_cycles += ctx.flit_cycles;
    }
    if (counts_hop) p.hops += 1;
    ctx.queued();
    dest->push(p, now + latency_cycles * ctx.cycle);
  }
};

}  // namespace nchip::systemc
