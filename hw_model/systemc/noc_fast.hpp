// The spike phase of a step on the same NoC hardware as NocEngine and the threads (key/mask
// multicast at every router, link serialization, hop latency, bounded FIFOs with back-pressure,
// head-of-line blocking, one packet at a time into each core at cycles_synaptic_op per synapse,
// the same counters), with arbitration by a rule of our own instead of the SystemC kernel's
// process order (issue #16, `NocModel::fast`; README.md, "The fast NoC model"):
//
//   Work that falls on the same cycle is served first come, first served: in the order it was
//   queued for that cycle. An agent (a router input port, a core's receiver, an injector) is
//   queued for a cycle when what it waits for happens: the packet at the head of its FIFO arrives,
//   its link becomes free, its core's synaptic ops end (queued when it started waiting), or a slot
//   frees in the FIFO it sends into (queued in that cycle, behind what is already queued; several
//   waiters in the order they started waiting). At the phase's start the injectors are queued
//   tile 0's core, tile 1's core, ..., then the host.
//
// Integer cycles make the queue a calendar (a ring of per-cycle buckets, each an intrusive list of
// agents, with a bitmap of the busy ones) rather than a heap; agents are flat records resumed by a
// switch; FIFOs are rings in one flat array: nothing is allocated per packet or per hop.
// Plain C++: no SystemC header.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hw_model/systemc/noc_route_cache.hpp"
#include "hw_model/systemc/plain_noc_model.hpp"
#include "hw_model/systemc/stats.hpp"

namespace nchip::systemc {

class FastNoc final : public PlainNocModel {
 public:
  // `tile_stats` (one per elaborated tile, index y * width + x) receives the threads' counters;
  // it must outlive the model and never reallocate.
  FastNoc(uint32_t width, uint32_t height, uint32_t fifo_depth_packets, std::vector<TileStats>& tile_stats);

  // PlainNocModel; the spike phase's end is the cycle the last packet was integrated.
  void load(const std::vector<NocTileBinding>& tiles, uint32_t host_tile, uint32_t hop_latency_cycles,
            uint32_t flit_cycles, uint32_t cycles_synaptic_op) override;
  void reset() override;
  uint64_t run_spike_phase(uint64_t start_cycle, std::vector<uint32_t>& host_keys, uint64_t& host_packets) override;
  uint32_t fifo_high_water(uint32_t tile, int port) const override;
  uint32_t core_queue_high_water(uint32_t tile) const override;
  void clear_stats() override;

 private:
  static constexpr int kMaxSenders = 6;  // links into one FIFO: five router ports, or core + host
  struct Entry {
    uint32_t key = 0, key_index = 0;
    uint64_t ready = 0;  // arrival cycle
  };
  struct Fifo {
    uint32_t base = 0, head = 0, size = 0, high_water = 0;  // ring entries_[base, base + depth)
    bool reader_waiting = false;                           // its reader waits for a packet
    uint8_t n_waiters = 0;
    int32_t waiters[kMaxSenders] = {};  // agents waiting for a free slot, in the order they began
  };
  struct Link {
    int32_t dest = -1;  // FIFO; -1: mesh edge
    uint32_t latency_cycles = 0;
    uint64_t free_at = 0;
    LinkStats* stats = nullptr;  // null: an injection link
    StallStats* stalls = nullptr;
  };
  enum Kind : uint8_t { kRouterPort, kCoreReceive, kInjector };
  // What a queued agent does when it runs.
  enum State : uint8_t { kIdle, kHead, kLinkFree, kSpaceFreed, kIntegrated, kInject };
  struct Agent {
    Kind kind = kRouterPort;
    State state = kIdle;
    uint8_t route_bits = 0, out_port = 0;
    uint32_t tile = 0;
    int32_t fifo = -1;  // the FIFO it reads (router port, core receive)
    int32_t link = -1;  // the link it sends on now
    uint32_t key = 0, key_index = 0;
    uint64_t busy_wait = 0, full_wait = 0, wait_from = 0;
    std::vector<uint32_t>* keys = nullptr;  // injector
    size_t next_key = 0;
    uint64_t* sent = nullptr;  // injector: TileStats::injected or the host's packet count
    int32_t next = -1;         // the agent queued after it (calendar lists)
  };
  struct Queue {  // an intrusive FIFO list of agents
    int32_t head = -1, tail = -1;
  };

  void resume(int32_t a);
  void next_head(int32_t a);     // reads the head of its FIFO, or waits for it
  void take_head(int32_t a);     // the head is there: integrate it or start routing it
  void next_copy(int32_t a);     // router port: the next output of the route, or pop
  void next_key(int32_t a);      // injector: the next key, or done
  void send(int32_t a);          // the copy leaves on ag.link now, or the agent waits
  void after_send(int32_t a);    // a copy left: the next one, or the next key
  void finish_packet(int32_t a); // pop the head, free its slot
  void push(int32_t fifo, uint32_t key, uint32_t key_index, uint64_t ready);

  void schedule(int32_t a, uint64_t cycle);
  void append(Queue& queue, int32_t a);
  void grow_calendar(uint64_t distance);
  bool advance();  // to the next busy cycle; false when nothing is queued
  bool calendar_empty() const;

  uint32_t width_, tiles_, depth_;
  std::vector<TileStats>& tile_stats_;
  std::vector<Entry> entries_;
  std::vector<Fifo> fifos_;    // tile t: router input port p at 6t + p, core receive at 6t + 5
  std::vector<Link> links_;    // tile t: router output p at 6t + p, core injection at 6t + 5; host last
  std::vector<Agent> agents_;  // tile t: router port p at 7t + p, receive 7t + 5, injector 7t + 6; host last
  NocRouteCache routes_;
  uint32_t flit_cycles_ = 1, cycles_synaptic_op_ = 0;

  uint64_t now_ = 0;
  int64_t in_flight_ = 0, injectors_busy_ = 0;
  Queue current_;                      // this cycle's queue (grows while it is served)
  std::vector<Queue> buckets_;         // cycle c at c & (size - 1); all within (now, now + size)
  std::vector<uint64_t> busy_buckets_;  // bitmap of non-empty buckets
};

}  // namespace nchip::systemc
