#include "hw_model/systemc/router.hpp"

#include <string>

#include "hw_model/systemc/core_program.hpp"

namespace nchip::systemc {

Router::Router(const sc_core::sc_module_name& name, NocContext& ctx, TileStats& stats, uint32_t fifo_depth)
    : sc_core::sc_module(name), ctx_(ctx), stats_(stats) {
  for (auto& f : in) f.set_capacity(fifo_depth);
  for (int p = 0; p < kPorts; ++p) {
    out[p].stats = &stats_.out[p];
    out[p].stalls = &stats_.stalls;
  }
  SC_THREAD(serve_east);
  SC_THREAD(serve_west);
  SC_THREAD(serve_north);
  SC_THREAD(serve_south);
  SC_THREAD(serve_local);
}

void Router::load(const image::RouterTable* table) {
  table_ = table;
  route_cache_.clear();
}

void Router::reset() {
  for (auto& l : out) l.reset();
  forwarded = 0;
}

uint8_t Router::route(uint32_t key) {
  const auto it = route_cache_.find(key);
  if (it != route_cache_.end()) return it->second;
  const uint8_t bits = table_ ? route_of(*table_, key) : 0;
  route_cache_.emplace(key, bits);
  return bits;
}

void Router::serve(int port) {
  PacketFifo& fifo = in[port];
  for (;;) {
    const Packet p = fifo.wait_front();
    const uint8_t bits = route(p.key);
    if (bits == 0) ctx_.fail(std::string(name()) + ": no routing entry for key " + std::to_string(p.key));
    for (int o = 0; o < kPorts; ++o) {
      if (!(bits & (1u << o))) continue;
      if (!out[o].dest) {
        ctx_.fail(std::string(name()) + ": route of key " + std::to_string(p.key) + " leaves the mesh " +
                  port_name(o));
        continue;
      }
      out[o].send(ctx_, p);
    }
    ++forwarded;
    if (trace_forwarded) trace_forwarded->write(static_cast<uint32_t>(forwarded));
    fifo.pop();
    ctx_.consumed();
  }
}

}  // namespace nchip::systemc
