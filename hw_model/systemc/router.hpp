// One mesh router: an input FIFO per port (four neighbours and the local core/host), a multicast
// key/mask lookup in the table the image loaded, and one output link per port. Each input port is
// an SC_THREAD that takes its head packet, looks up the route and sends a copy on every output
// port of the route (dimension-ordered trees are encoded in the tables by the compiler); copies
// leave in parallel unless their link is busy or the next FIFO is full, and the packet keeps its
// input slot until every copy has left (head-of-line blocking, as in a real input-queued router).
#pragma once

#include <array>
#include <cstdint>
#include <unordered_map>

#include <systemc>

#include "hw_model/image/chip_image.hpp"
#include "hw_model/systemc/link.hpp"

namespace nchip::systemc {

class Router : public sc_core::sc_module {
 public:
  SC_HAS_PROCESS(Router);
  Router(const sc_core::sc_module_name& name, NocContext& ctx, TileStats& stats, uint32_t fifo_depth);

  // The table to route with (null: an idle router outside the loaded image's mesh).
  void load(const image::RouterTable* table);
  void reset();

  std::array<PacketFifo, kPorts> in;
  std::array<Link, kPorts> out;
  uint64_t forwarded = 0;  // packets taken from input FIFOs (for the trace)
  sc_core::sc_signal<uint32_t, sc_core::SC_MANY_WRITERS>* trace_forwarded = nullptr;

 private:
  void serve(int port);
  void serve_east() { serve(kPortEast); }
  void serve_west() { serve(kPortWest); }
  void serve_north() { serve(kPortNorth); }
  void serve_south() { serve(kPortSouth); }
  void serve_local() { serve(kPortLocal); }
  uint8_t route(uint32_t key);

  NocContext& ctx_;
  TileStats& stats_;
  const image::RouterTable* table_ = nullptr;
  std::unordered_map<uint32_t, uint8_t> route_cache_;  // the table is small, lookups are many
};

}  // namespace nchip::systemc
