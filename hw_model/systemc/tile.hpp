// One mesh tile: a router and the neuron core on its local port, wired together, plus the signals
// --trace records when this tile is the traced one.
#pragma once

#include <memory>

#include <systemc>

#include "hw_model/systemc/neuron_core.hpp"
#include "hw_model/systemc/router.hpp"

namespace nchip::systemc {

class Tile : public sc_core::sc_module {
 public:
  Tile(const sc_core::sc_module_name& name, NocContext& ctx, TileStats& stats, uint32_t fifo_depth)
      : sc_core::sc_module(name), router("router", ctx, stats, fifo_depth), core("core", ctx, stats, fifo_depth) {
    router.out[kPortLocal].dest = &core.receive;
    router.out[kPortLocal].latency_cycles = 0;  // ejection into the core costs only its slot
    core.inject.dest = &router.in[kPortLocal];
    core.inject.latency_cycles = 0;
  }

  // Connects the recorded signals (call before the simulation starts).
  void enable_trace(sc_core::sc_trace_file* file) {
    forwarded_ = std::make_unique<sc_core::sc_signal<uint32_t, sc_core::SC_MANY_WRITERS>>("forwarded");
    events_ = std::make_unique<sc_core::sc_signal<uint32_t, sc_core::SC_MANY_WRITERS>>("synaptic_events");
    queue_ = std::make_unique<sc_core::sc_signal<uint32_t, sc_core::SC_MANY_WRITERS>>("receive_queue");
    router.trace_forwarded = forwarded_.get();
    core.trace_events = events_.get();
    core.trace_queue = queue_.get();
    sc_core::sc_trace(file, *forwarded_, std::string(name()) + ".router_packets_forwarded");
    sc_core::sc_trace(file, *events_, std::string(name()) + ".core_synaptic_events");
    sc_core::sc_trace(file, *queue_, std::string(name()) + ".core_receive_queue");
  }

  Router router;
  NeuronCore core;

 private:
  std::unique_ptr<sc_core::sc_signal<uint32_t, sc_core::SC_MANY_WRITERS>> forwarded_, events_, queue_;
};

}  // namespace nchip::systemc
