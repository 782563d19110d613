// What Chip asks of a spike phase simulated in plain C++ from its sequencer's one thread (no
// SystemC thread per router port): NocEngine (SystemC's process order, `NocModel::events`) and
// FastNoc (first come, first served, `NocModel::fast`) implement it over the same hardware.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hw_model/systemc/noc_route_cache.hpp"
#include "hw_model/systemc/stats.hpp"

namespace nchip::systemc {

class PlainNocModel {
 public:
  virtual ~PlainNocModel() = default;

  virtual void load(const std::vector<NocTileBinding>& tiles, uint32_t host_tile, uint32_t hop_latency_cycles,
                    uint32_t flit_cycles, uint32_t cycles_synaptic_op) = 0;
  virtual void reset() = 0;  // links free, FIFOs empty (they are empty between steps anyway)

  // Runs one spike phase that starts at `start_cycle` (absolute: link free times carry over from
  // the previous step): every core sends its pending spike keys, the host `host_keys`; returns the
  // cycle at which the last packet was integrated (= start_cycle when nothing was sent). Empties
  // the key lists; adds the host's packets to `host_packets`. A routing inconsistency is kept in
  // error() (the first one), as the threaded model's NocContext::fail does.
  virtual uint64_t run_spike_phase(uint64_t start_cycle, std::vector<uint32_t>& host_keys,
                                   uint64_t& host_packets) = 0;

  virtual uint32_t fifo_high_water(uint32_t tile, int port) const = 0;  // router input FIFO (packets)
  virtual uint32_t core_queue_high_water(uint32_t tile) const = 0;      // the core's receive FIFO
  virtual void clear_stats() = 0;
  const std::string& error() const { return error_; }

 protected:
  // The threaded Router's messages (router.cpp), for the router of `tile` on a `width`-wide mesh.
  void fail_no_route(uint32_t tile, uint32_t width, uint32_t key) {
    fail(router_name(tile, width) + ": no routing entry for key " + std::to_string(key));
  }
  void fail_off_mesh(uint32_t tile, uint32_t width, uint32_t key, int port) {
    fail(router_name(tile, width) + ": route of key " + std::to_string(key) + " leaves the mesh " + port_name(port));
  }

 private:
  static std::string router_name(uint32_t tile, uint32_t width) {
    return "chip.tile_" + std::to_string(tile % width) + "_" + std::to_string(tile / width) + ".router";
  }
  void fail(const std::string& what) {
    if (error_.empty()) error_ = what;
  }
  std::string error_;
};

}  // namespace nchip::systemc
