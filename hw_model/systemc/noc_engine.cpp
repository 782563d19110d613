#include "hw_model/systemc/noc_engine.hpp"

#include <stdexcept>

#include "hw_model/systemc/noc_layout.hpp"

namespace nchip::systemc {

namespace {
using noc_layout::fifo;
using noc_layout::kFifosPerTile;
constexpr int kProcsPerTile = 7;  // five router ports, the core's receive and inject threads
}  // namespace

NocEngine::NocEngine(uint32_t width, uint32_t height, uint32_t fifo_depth_packets, std::vector<TileStats>& tile_stats)
    : width_(width), tiles_(width * height), tile_stats_(tile_stats) {
  fifos_.resize(size_t{tiles_} * kFifosPerTile);
  links_.resize(size_t{tiles_} * kFifosPerTile + 1);
  procs_.resize(size_t{tiles_} * kProcsPerTile + 1);
  for (size_t f = 0; f < fifos_.size(); ++f) {
    fifos_[f].capacity = fifo_depth_packets;
    fifos_[f].ring.resize(fifo_depth_packets);
    fifos_[f].arrived = static_cast<int32_t>(events_.size());
    fifos_[f].space_freed = static_cast<int32_t>(events_.size() + 1);
    events_.resize(events_.size() + 2);
  }
  for (auto& p : procs_) {
    p.timeout = static_cast<int32_t>(events_.size());
    events_.emplace_back();
  }
  drained_event_ = static_cast<int32_t>(events_.size());
  events_.emplace_back();

  for (uint32_t t = 0; t < tiles_; ++t) {
    Link* out = &links_[size_t{t} * kFifosPerTile];
    for (int p = 0; p <= noc_layout::kCoreQueue; ++p) out[p].dest = noc_layout::link_dest(t, p, width, height);
    for (int p = 0; p < kPorts; ++p) {
      out[p].counts_hop = p != kPortLocal;
      out[p].stats = &tile_stats_[t].out[p];
      out[p].stalls = &tile_stats_[t].stalls;
    }
    out[noc_layout::kCoreQueue].stalls = &tile_stats_[t].stalls;

    for (int p = 0; p < kProcsPerTile; ++p) {
      Process& proc = procs_[size_t{t} * kProcsPerTile + p];
      proc.tile = t;
      proc.port = static_cast<uint8_t>(p);
      if (p < kPorts) {
        proc.kind = kRouterPort;
        proc.fifo = fifo(t, p);
      } else if (p == kPorts) {
        proc.kind = kCoreReceive;
        proc.fifo = fifo(t, kPortLocal + 1);
      } else {
        proc.kind = kInjector;
        proc.link = static_cast<int32_t>(t * kFifosPerTile + kPortLocal + 1);
        proc.sent = &tile_stats_[t].injected;
      }
    }
  }
  procs_.back().kind = kInjector;
  procs_.back().link = static_cast<int32_t>(links_.size() - 1);
}

void NocEngine::load(const std::vector<NocTileBinding>& tiles, uint32_t host_tile, uint32_t hop_latency_cycles,
                     uint32_t flit_cycles, uint32_t cycles_synaptic_op) {
  if (tiles.size() != tiles_) throw std::logic_error("NocEngine::load: one binding per elaborated tile");
  routes_.load(tiles);
  flit_cycles_ = flit_cycles;
  cycles_synaptic_op_ = cycles_synaptic_op;
  for (uint32_t t = 0; t < tiles_; ++t) {
    for (int p = 0; p < kPortLocal; ++p) links_[size_t{t} * kFifosPerTile + p].latency_cycles = hop_latency_cycles;
    procs_[size_t{t} * kProcsPerTile + kPorts + 1].keys = tiles[t].to_send;
  }
  host_fifo_ = static_cast<int32_t>(host_tile * kFifosPerTile + kPortLocal);
  Link& host = links_.back();
  host.dest = host_fifo_;
  host.stalls = &tile_stats_.at(host_tile).stalls;
  reset();
}

void NocEngine::reset() {
  for (auto& l : links_) l.free_at = 0;
  for (auto& f : fifos_) {
    f.head = f.size = 0;
    f.space_waiters = 0;
  }
  for (auto& e : events_) e = Event{};
  records_.clear();
  free_records_.clear();
  heap_.assign(1, HeapItem{});
  delta_events_.clear();
  runnable_.clear();
  in_flight_ = injectors_busy_ = 0;
  // Every reader waits for its FIFO's first packet, as the threads do after initialization.
  for (size_t p = 0; p < procs_.size(); ++p) {
    Process& proc = procs_[p];
    proc.pc = kIdle;
    if (proc.kind != kInjector) {
      proc.pc = kFront;
      wait_event(static_cast<int32_t>(p), fifos_[proc.fifo].arrived);
    }
  }
}

uint32_t NocEngine::fifo_high_water(uint32_t tile, int port) const {
  return fifos_[size_t{tile} * kFifosPerTile + port].high_water;
}
uint32_t NocEngine::core_queue_high_water(uint32_t tile) const {
  return fifos_[size_t{tile} * kFifosPerTile + kPortLocal + 1].high_water;
}
void NocEngine::clear_stats() {
  for (auto& f : fifos_) f.high_water = f.size;
}

// ---- the kernel: SystemC 2.3's scheduling, for these processes --------------------------------

void NocEngine::wait_event(int32_t p, int32_t event) { events_[event].waiters.push_back(p); }

void NocEngine::wait_cycles(int32_t p, uint64_t cycles) {
  // sc_thread_process::wait(t): the thread's timeout event gets a fresh notification.
  const int32_t e = procs_[p].timeout;
  Event& ev = events_[e];
  if (cycles == 0) {
    delta_events_.push_back(e);
    ev.type = kDelta;
  } else {
    ev.timed = heap_insert(now_ + cycles, e);
    ev.type = kTimed;
  }
  ev.waiters.push_back(p);
}

void NocEngine::notify_delta(int32_t event) {  // sc_event::notify(SC_ZERO_TIME)
  Event& ev = events_[event];
  if (ev.type == kDelta) return;
  if (ev.type == kTimed) records_[ev.timed].event = -1;
  delta_events_.push_back(event);
  ev.type = kDelta;
}

void NocEngine::notify_after(int32_t event, uint64_t cycles) {  // sc_event::notify(t), t > 0
  Event& ev = events_[event];
  if (ev.type == kDelta) return;
  if (ev.type == kTimed) {
    if (records_[ev.timed].time <= now_ + cycles) return;
    records_[ev.timed].event = -1;
  }
  ev.timed = heap_insert(now_ + cycles, event);
  ev.type = kTimed;
}

void NocEngine::trigger(int32_t event) {
  if (event == drained_event_) drained_ = true;
  Event& ev = events_[event];
  // sc_event::trigger: each released thread is replaced by the last one in the list, which is
  // examined next: the order is w[0], w[n-1], w[n-2], ..., w[1].
  std::vector<int32_t>& w = ev.waiters;
  int last = static_cast<int>(w.size()) - 1;
  for (int i = 0; i <= last; ++i) {
    runnable_.push_back(w[i]);
    w[i] = w[last];
    --last;
    --i;
  }
  w.clear();
  ev.type = kNone;
  ev.timed = -1;
}

int32_t NocEngine::heap_insert(uint64_t time, int32_t event) {
  int32_t r;
  if (!free_records_.empty()) {
    r = free_records_.back();
    free_records_.pop_back();
  } else {
    r = static_cast<int32_t>(records_.size());
    records_.emplace_back();
  }
  records_[r] = {time, event};
  // sc_ppq_base::insert: a parent moves down only when it is strictly later.
  heap_.push_back({time, r});
  size_t i = heap_.size() - 1;
  while (i > 1 && heap_[i / 2].time > time) {
    heap_[i] = heap_[i / 2];
    i /= 2;
  }
  heap_[i] = {time, r};
  return r;
}

int32_t NocEngine::heap_extract_top() {  // sc_ppq_base::extract_top
  const int32_t top = heap_[1].record;
  heap_[1] = heap_.back();
  heap_.pop_back();
  if (heap_.size() > 1) heap_down(1);
  return top;
}

void NocEngine::heap_down(size_t i) {  // sc_ppq_base::heapify: a child moves up only when strictly earlier
  const size_t n = heap_.size() - 1;
  for (size_t l; (l = 2 * i) <= n;) {
    size_t earliest = heap_[l].time < heap_[i].time ? l : i;
    const size_t r = l + 1;
    if (r <= n && heap_[r].time < heap_[earliest].time) earliest = r;
    if (earliest == i) break;
    std::swap(heap_[i], heap_[earliest]);
    i = earliest;
  }
}

uint64_t NocEngine::run_spike_phase(uint64_t start_cycle, std::vector<uint32_t>& host_keys, uint64_t& host_packets) {
  now_ = start_cycle;
  drained_ = false;
  Process& host = procs_.back();
  host.keys = &host_keys;
  host.sent = &host_packets;
  injectors_busy_ = static_cast<int64_t>(tiles_) + 1;
  // The sequencer notifies the host's start, then each tile's; the kernel triggers delta
  // notifications last-notified first, so the injectors run from the last tile down to the host.
  for (uint32_t t = tiles_; t-- > 0;) runnable_.push_back(static_cast<int32_t>(t * kProcsPerTile + kPorts + 1));
  runnable_.push_back(static_cast<int32_t>(procs_.size() - 1));
  for (auto p : runnable_) procs_[p].pc = kStart;

  for (;;) {
    // Evaluation: processes run in the order they became runnable; none is woken within it
    // (every notification in this model is delta or timed).
    while (!runnable_.empty()) {
      next_runnable_.swap(runnable_);
      runnable_.clear();
      for (int32_t p : next_runnable_) resume(p);
      next_runnable_.clear();
      // Delta notifications, the last notified first.
      delta_now_.swap(delta_events_);
      delta_events_.clear();
      for (size_t i = delta_now_.size(); i-- > 0;) trigger(delta_now_[i]);
      delta_now_.clear();
    }
    if (drained_) break;
    // Timed notifications: skip cancelled records at the top, then every record of the earliest time.
    while (heap_.size() > 1 && records_[heap_[1].record].event < 0) free_records_.push_back(heap_extract_top());
    if (heap_.size() == 1) break;
    const uint64_t t = heap_[1].time;
    now_ = t;
    do {
      const int32_t r = heap_extract_top();
      const int32_t e = records_[r].event;
      free_records_.push_back(r);
      if (e >= 0) trigger(e);
    } while (heap_.size() > 1 && heap_[1].time == t);
  }
  if (!drained_ || heap_.size() != 1)
    throw std::logic_error("NocEngine: the spike phase did not drain (deadlock in the NoC?)");
  return now_;
}

// ---- the processes: the threaded model's code, suspended where its threads wait --------------

void NocEngine::push(int32_t f, const Packet& packet, uint32_t key_index, uint64_t ready) {  // PacketFifo::push
  Fifo& fifo = fifos_[f];
  uint32_t slot = fifo.head + fifo.size;
  if (slot >= fifo.capacity) slot -= fifo.capacity;
  fifo.ring[slot] = {packet, key_index, ready};
  if (++fifo.size > fifo.high_water) fifo.high_water = fifo.size;
  if (ready > now_) notify_after(fifo.arrived, ready - now_);
  else notify_delta(fifo.arrived);
}

void NocEngine::pop(int32_t f) {  // PacketFifo::pop
  Fifo& fifo = fifos_[f];
  if (++fifo.head == fifo.capacity) fifo.head = 0;
  --fifo.size;
  if (fifo.space_waiters > 0) notify_delta(fifo.space_freed);
}

void NocEngine::consumed() {
  --in_flight_;
  if (in_flight_ == 0 && injectors_busy_ == 0) notify_delta(drained_event_);
}

void NocEngine::injector_done() {
  --injectors_busy_;
  if (in_flight_ == 0 && injectors_busy_ == 0) notify_delta(drained_event_);
}

void NocEngine::finish_send(Link& link, Packet packet, uint32_t key_index) {  // the end of Link::send
  link.free_at = now_ + flit_cycles_;
  if (link.stats) {
    link.stats->packets += 1;
    link.stats->busy_cycles += flit_cycles_;
  }
  if (link.counts_hop) packet.hops += 1;
  ++in_flight_;
  push(link.dest, packet, key_index, now_ + link.latency_cycles);
}

bool NocEngine::send_step(Process& proc) {
  Link& link = links_[proc.link];
  const int32_t p = static_cast<int32_t>(&proc - procs_.data());
  if (link.free_at > now_) {
    proc.wait_from = now_;
    wait_cycles(p, link.free_at - now_);
    proc.pc = kSendBusyWoke;
    return false;
  }
  Fifo& dest = fifos_[link.dest];
  if (dest.full()) {
    proc.wait_from = now_;
    ++dest.space_waiters;
    wait_event(p, dest.space_freed);
    proc.pc = kSendFullWoke;
    return false;
  }
  // A send that waited counts once per cause (Link::send).
  if (proc.busy_wait > 0) {
    link.stalls->link_busy_waits += 1;
    link.stalls->link_busy_cycles += proc.busy_wait;
  }
  if (proc.full_wait > 0) {
    link.stalls->backpressure_waits += 1;
    link.stalls->backpressure_cycles += proc.full_wait;
  }
  finish_send(link, proc.packet, proc.key_index);
  return true;
}

void NocEngine::resume(int32_t p) {
  Process& proc = procs_[p];
  for (;;) {
    switch (proc.pc) {
      case kFront: {  // PacketFifo::wait_front
        Fifo& fifo = fifos_[proc.fifo];
        if (fifo.empty()) {
          wait_event(p, fifo.arrived);
          return;
        }
        proc.pc = kGot;
        if (fifo.front().ready > now_) {
          wait_cycles(p, fifo.front().ready - now_);
          return;
        }
        break;
      }
      case kGot: {
        proc.packet = fifos_[proc.fifo].front().packet;
        proc.key_index = fifos_[proc.fifo].front().key_index;
        if (proc.kind == kCoreReceive) {  // NeuronCore::receive_loop
          const uint32_t events = routes_.deliver(proc.tile, proc.packet.key, proc.key_index);
          TileStats& s = tile_stats_[proc.tile];
          if (events == 0) ++s.empty_deliveries;
          s.synaptic_events += events;
          const uint64_t cycles = uint64_t{events} * cycles_synaptic_op_;
          s.synaptic_cycles += cycles;
          proc.pc = kPop;
          if (cycles) {
            wait_cycles(p, cycles);
            return;
          }
          break;
        }
        // Router::serve
        proc.route_bits = routes_.route(proc.tile, proc.packet.key, proc.key_index);
        if (proc.route_bits == 0)
          fail_no_route(proc.tile, width_, proc.packet.key);
        proc.out_index = 0;
        proc.pc = kNextOut;
        break;
      }
      case kNextOut: {
        while (proc.out_index < kPorts && !(proc.route_bits & (1u << proc.out_index))) ++proc.out_index;
        if (proc.out_index == kPorts) {
          proc.pc = kPop;
          break;
        }
        proc.link = static_cast<int32_t>(proc.tile * kFifosPerTile + proc.out_index);
        if (links_[proc.link].dest < 0) {
          fail_off_mesh(proc.tile, width_, proc.packet.key, proc.out_index);
          ++proc.out_index;
          break;
        }
        proc.busy_wait = proc.full_wait = 0;
        proc.pc = kSend;
        break;
      }
      case kSend: {
        if (!send_step(proc)) return;
        if (proc.kind == kInjector) {
          ++*proc.sent;
          ++proc.next_key;
          proc.pc = kNextKey;
        } else {
          ++proc.out_index;
          proc.pc = kNextOut;
        }
        break;
      }
      case kSendBusyWoke:
        proc.busy_wait += now_ - proc.wait_from;
        proc.pc = kSend;
        break;
      case kSendFullWoke:
        --fifos_[links_[proc.link].dest].space_waiters;
        proc.full_wait += now_ - proc.wait_from;
        proc.pc = kSend;
        break;
      case kPop:
        if (proc.kind == kCoreReceive) tile_stats_[proc.tile].last_receive_cycle = now_;
        pop(proc.fifo);
        consumed();
        proc.pc = kFront;
        break;
      case kStart:  // NeuronCore::inject_loop, HostInterface::inject_loop
        proc.inject_cycle = now_;
        proc.next_key = 0;
        proc.pc = kNextKey;
        break;
      case kNextKey:
        if (proc.keys && proc.next_key < proc.keys->size()) {
          proc.packet = Packet{(*proc.keys)[proc.next_key], 0, proc.inject_cycle};
          proc.key_index = routes_.key_index(proc.packet.key);
          proc.busy_wait = proc.full_wait = 0;
          proc.pc = kSend;
          break;
        }
        if (proc.keys) proc.keys->clear();
        injector_done();
        proc.pc = kIdle;
        return;
      case kIdle:
        return;
    }
  }
}

}  // namespace nchip::systemc
