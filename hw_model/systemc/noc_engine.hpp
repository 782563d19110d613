// The spike phase of a step as one plain C++ discrete-event run (issue #16): the NoC the threaded
// model (router.*, link.hpp, packet_fifo.hpp, neuron_core.*) describes - key/mask multicast at
// every router, link serialization, hop latency, bounded FIFOs with back-pressure, head-of-line
// blocking, one packet at a time into each core - without a SystemC thread switch or kernel event
// per hop. The chip's sequencer calls run_spike_phase() from its one SC_THREAD and then waits once
// for the phase's length, so the kernel sees one wait per phase.
//
// Same timing, bit for bit: contention between packets that want a link or a FIFO slot at the same
// cycle is decided by the order in which the threaded model's processes run, and that order is the
// SystemC 2.3 kernel's. The engine therefore keeps each thread of the threaded model as a small
// state machine (the same code, suspended where the thread would wait) and schedules them as the
// kernel does (README.md, "The NoC engine"): a FIFO run queue per delta cycle; delta notifications
// triggered last-notified first; an event's waiting threads released first, last, last-but-one, ...
// (sc_event::trigger's swap-with-last removal); timed notifications in a binary heap that takes
// equal times out in sc_ppq's order (the same insert and heapify, so ties come out the same).
// Plain C++: no SystemC header, so it can be tested and reasoned about on its own.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hw_model/systemc/noc_route_cache.hpp"
#include "hw_model/systemc/plain_noc_model.hpp"
#include "hw_model/systemc/packet.hpp"
#include "hw_model/systemc/stats.hpp"

namespace nchip::systemc {

class NocEngine final : public PlainNocModel {
 public:
  // `tile_stats` (one per elaborated tile, index y * width + x) receives the same counters the
  // threaded modules count; it must outlive the engine and never reallocate.
  NocEngine(uint32_t width, uint32_t height, uint32_t fifo_depth_packets, std::vector<TileStats>& tile_stats);

  void load(const std::vector<NocTileBinding>& tiles, uint32_t host_tile, uint32_t hop_latency_cycles,
            uint32_t flit_cycles, uint32_t cycles_synaptic_op) override;
  void reset() override;
  uint64_t run_spike_phase(uint64_t start_cycle, std::vector<uint32_t>& host_keys, uint64_t& host_packets) override;
  uint32_t fifo_high_water(uint32_t tile, int port) const override;
  uint32_t core_queue_high_water(uint32_t tile) const override;
  void clear_stats() override;

 private:
  struct Entry {
    Packet packet;
    uint32_t key_index = 0;  // the key's row in routes_
    uint64_t ready = 0;
  };
  struct Fifo {  // a ring of `capacity` entries (a FIFO never holds more)
    std::vector<Entry> ring;
    uint32_t head = 0, size = 0;
    uint32_t capacity = 4, high_water = 0, space_waiters = 0;
    int32_t arrived = -1, space_freed = -1;  // event ids
    bool empty() const { return size == 0; }
    bool full() const { return size >= capacity; }
    const Entry& front() const { return ring[head]; }
  };
  struct Link {
    int32_t dest = -1;  // FIFO id; -1: mesh edge
    uint32_t latency_cycles = 0;
    bool counts_hop = false;
    uint64_t free_at = 0;
    LinkStats* stats = nullptr;
    StallStats* stalls = nullptr;
  };
  enum Kind : uint8_t { kRouterPort, kCoreReceive, kInjector };
  enum Pc : uint8_t { kFront, kGot, kNextOut, kSend, kSendBusyWoke, kSendFullWoke, kPop, kStart, kNextKey, kIdle };
  struct Process {
    Kind kind = kRouterPort;
    Pc pc = kIdle;
    uint32_t tile = 0;
    uint8_t port = 0;
    int32_t fifo = -1;     // the FIFO it reads (router port, core receive)
    int32_t timeout = -1;  // its own timeout event (wait(time))
    int32_t link = -1;     // injector: its link; router port: the link now being sent on
    uint8_t route_bits = 0, out_index = 0;
    Packet packet;
    uint32_t key_index = 0;
    uint64_t busy_wait = 0, full_wait = 0, wait_from = 0;
    std::vector<uint32_t>* keys = nullptr;  // injector
    size_t next_key = 0;
    uint64_t inject_cycle = 0;
    uint64_t* sent = nullptr;  // injector: TileStats::injected or the host's packet count
  };
  enum NotifyType : uint8_t { kNone, kDelta, kTimed };
  struct Event {
    NotifyType type = kNone;
    int32_t timed = -1;            // its record in the timed heap
    std::vector<int32_t> waiters;  // processes waiting on it, in the order they started waiting
  };
  struct TimedRecord {
    uint64_t time = 0;
    int32_t event = -1;  // -1: cancelled (left in the heap, as sc_event_timed is)
  };

  void resume(int32_t p);
  bool send_step(Process& proc);  // Link::send's loop; false: the process is now waiting
  void finish_send(Link& link, Packet packet, uint32_t key_index);
  void push(int32_t fifo, const Packet& packet, uint32_t key_index, uint64_t ready);
  void pop(int32_t fifo);
  void consumed();
  void injector_done();

  void wait_event(int32_t p, int32_t event);
  void wait_cycles(int32_t p, uint64_t cycles);
  void notify_delta(int32_t event);
  void notify_after(int32_t event, uint64_t cycles);
  void trigger(int32_t event);
  int32_t heap_insert(uint64_t time, int32_t event);
  int32_t heap_extract_top();
  void heap_down(size_t i);

  uint32_t width_, tiles_;  // tiles_ = width x height; the height itself is not needed after that
  std::vector<TileStats>& tile_stats_;
  std::vector<Fifo> fifos_;        // tile t: router input port p at 6t + p, core receive at 6t + 5
  std::vector<Link> links_;        // tile t: router output p at 6t + p, core injection at 6t + 5; host last
  std::vector<Process> procs_;     // tile t: router port p at 7t + p, receive 7t + 5, injector 7t + 6; host last
  std::vector<Event> events_;
  NocRouteCache routes_;
  int32_t host_fifo_ = -1, drained_event_ = -1;
  uint32_t flit_cycles_ = 1, cycles_synaptic_op_ = 0;

  uint64_t now_ = 0;
  int64_t in_flight_ = 0, injectors_busy_ = 0;
  bool drained_ = false;
  std::vector<int32_t> runnable_, next_runnable_, delta_events_, delta_now_;
  std::vector<TimedRecord> records_;
  std::vector<int32_t> free_records_;
  struct HeapItem {
    uint64_t time = 0;  // a copy of the record's time, so sifting reads the heap array only
    int32_t record = -1;
  };
  std::vector<HeapItem> heap_{HeapItem{}};  // 1-based, as sc_ppq
};

}  // namespace nchip::systemc
