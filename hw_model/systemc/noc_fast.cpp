#include "hw_model/systemc/noc_fast.hpp"

#include <algorithm>
#include <stdexcept>

#include "hw_model/systemc/noc_layout.hpp"

namespace nchip::systemc {

namespace {
using noc_layout::fifo;
using noc_layout::kFifosPerTile;
constexpr int kAgentsPerTile = 7;  // five router ports, the core's receiver and injector
constexpr uint64_t kInitialBuckets = 256;
}  // namespace

FastNoc::FastNoc(uint32_t width, uint32_t height, uint32_t fifo_depth_packets, std::vector<TileStats>& tile_stats)
    : width_(width), tiles_(width * height), depth_(fifo_depth_packets), tile_stats_(tile_stats) {
  fifos_.resize(size_t{tiles_} * kFifosPerTile);
  entries_.resize(fifos_.size() * depth_);
  for (size_t f = 0; f < fifos_.size(); ++f) fifos_[f].base = static_cast<uint32_t>(f * depth_);
  links_.resize(size_t{tiles_} * kFifosPerTile + 1);
  agents_.resize(size_t{tiles_} * kAgentsPerTile + 1);
  buckets_.resize(kInitialBuckets);  // grows (doubling) when something is queued farther ahead
  busy_buckets_.assign(kInitialBuckets / 64, 0);

  for (uint32_t t = 0; t < tiles_; ++t) {
    Link* out = &links_[size_t{t} * kFifosPerTile];
    for (int p = 0; p <= noc_layout::kCoreQueue; ++p) out[p].dest = noc_layout::link_dest(t, p, width, height);
    for (int p = 0; p < kPorts; ++p) {
      out[p].stats = &tile_stats_[t].out[p];
      out[p].stalls = &tile_stats_[t].stalls;
    }
    out[noc_layout::kCoreQueue].stalls = &tile_stats_[t].stalls;
    for (int p = 0; p < kAgentsPerTile; ++p) {
      Agent& ag = agents_[size_t{t} * kAgentsPerTile + p];
      ag.tile = t;
      if (p < kPorts) {
        ag.kind = kRouterPort;
        ag.fifo = fifo(t, p);
      } else if (p == kPorts) {
        ag.kind = kCoreReceive;
        ag.fifo = fifo(t, noc_layout::kCoreQueue);
      } else {
        ag.kind = kInjector;
        ag.link = fifo(t, noc_layout::kCoreQueue);  // the injection link has the receive queue's index
        ag.sent = &tile_stats_[t].injected;
      }
    }
  }
  agents_.back().kind = kInjector;
  agents_.back().link = static_cast<int32_t>(links_.size() - 1);
}

void FastNoc::load(const std::vector<NocTileBinding>& tiles, uint32_t host_tile, uint32_t hop_latency_cycles,
                   uint32_t flit_cycles, uint32_t cycles_synaptic_op) {
  if (tiles.size() != tiles_) throw std::logic_error("FastNoc::load: one binding per elaborated tile");
  routes_.load(tiles);
  flit_cycles_ = flit_cycles;
  cycles_synaptic_op_ = cycles_synaptic_op;
  for (uint32_t t = 0; t < tiles_; ++t) {
    for (int p = 0; p < kPortLocal; ++p) links_[size_t{t} * kFifosPerTile + p].latency_cycles = hop_latency_cycles;
    agents_[size_t{t} * kAgentsPerTile + kPorts + 1].keys = tiles[t].to_send;
  }
  Link& host = links_.back();
  host.dest = static_cast<int32_t>(host_tile * kFifosPerTile + kPortLocal);
  host.stalls = &tile_stats_.at(host_tile).stalls;
  reset();
}

void FastNoc::reset() {
  for (auto& l : links_) l.free_at = 0;
  for (auto& f : fifos_) {
    f.head = f.size = 0;
    f.n_waiters = 0;
    f.reader_waiting = true;
  }
  for (auto& ag : agents_) ag.state = kIdle;
  std::fill(buckets_.begin(), buckets_.end(), Queue{});
  std::fill(busy_buckets_.begin(), busy_buckets_.end(), 0);
  current_ = Queue{};
  in_flight_ = injectors_busy_ = 0;
}

uint32_t FastNoc::fifo_high_water(uint32_t tile, int port) const {
  return fifos_[size_t{tile} * kFifosPerTile + port].high_water;
}
uint32_t FastNoc::core_queue_high_water(uint32_t tile) const {
  return fifos_[size_t{tile} * kFifosPerTile + kPortLocal + 1].high_water;
}
void FastNoc::clear_stats() {
  for (auto& f : fifos_) f.high_water = f.size;
}

// ---- the calendar ------------------------------------------------------------------------

void FastNoc::append(Queue& queue, int32_t a) {
  agents_[a].next = -1;
  if (queue.tail >= 0) agents_[queue.tail].next = a;
  else queue.head = a;
  queue.tail = a;
}

void FastNoc::schedule(int32_t a, uint64_t cycle) {
  if (cycle == now_) {
    append(current_, a);
    return;
  }
  const uint64_t distance = cycle - now_;
  if (distance >= buckets_.size()) grow_calendar(distance);
  const size_t b = cycle & (buckets_.size() - 1);
  append(buckets_[b], a);
  busy_buckets_[b / 64] |= uint64_t{1} << (b % 64);
}

void FastNoc::grow_calendar(uint64_t distance) {
  // Every queued cycle lies in (now, now + old size): move each bucket's list whole (its order kept).
  const uint64_t old_size = buckets_.size();
  uint64_t size = old_size;
  while (size <= distance) size *= 2;
  std::vector<Queue> grown(size);
  std::vector<uint64_t> busy(size / 64, 0);
  for (uint64_t b = 0; b < old_size; ++b) {
    if (buckets_[b].head < 0) continue;
    const uint64_t at = (now_ + ((b - now_) & (old_size - 1))) & (size - 1);
    grown[at] = buckets_[b];
    busy[at / 64] |= uint64_t{1} << (at % 64);
  }
  buckets_.swap(grown);
  busy_buckets_.swap(busy);
}

bool FastNoc::calendar_empty() const {
  for (uint64_t w : busy_buckets_)
    if (w) return false;
  return true;
}

bool FastNoc::advance() {
  if (calendar_empty()) return false;
  const uint64_t size = buckets_.size(), words = size / 64;
  // The first busy bucket after now's, circularly (every queued cycle is within (now, now + size)).
  uint64_t b = (now_ + 1) & (size - 1);
  for (;;) {
    const uint64_t bits = busy_buckets_[b / 64] >> (b % 64);
    if (bits) {
      b += static_cast<uint64_t>(__builtin_ctzll(bits));
      break;
    }
    b = (b / 64 + 1) % words * 64;
  }
  now_ += ((b - now_) & (size - 1));
  busy_buckets_[b / 64] &= ~(uint64_t{1} << (b % 64));
  current_ = buckets_[b];
  buckets_[b] = Queue{};
  return true;
}

uint64_t FastNoc::run_spike_phase(uint64_t start_cycle, std::vector<uint32_t>& host_keys, uint64_t& host_packets) {
  now_ = start_cycle;
  Agent& host = agents_.back();
  host.keys = &host_keys;
  host.sent = &host_packets;
  injectors_busy_ = static_cast<int64_t>(tiles_) + 1;
  for (uint32_t t = 0; t < tiles_; ++t) {
    const int32_t a = static_cast<int32_t>(t * kAgentsPerTile + kPorts + 1);
    agents_[a].state = kInject;
    agents_[a].next_key = 0;
    append(current_, a);
  }
  host.state = kInject;
  host.next_key = 0;
  append(current_, static_cast<int32_t>(agents_.size() - 1));
  for (;;) {
    while (current_.head >= 0) {  // served in order; what is queued for now joins at the tail
      const int32_t a = current_.head;
      current_.head = agents_[a].next;
      if (current_.head < 0) current_.tail = -1;
      resume(a);
    }
    if (in_flight_ == 0 && injectors_busy_ == 0) break;
    if (!advance()) throw std::logic_error("FastNoc: the spike phase did not drain (deadlock in the NoC?)");
  }
  if (!calendar_empty()) throw std::logic_error("FastNoc: agents queued after the phase drained");
  return now_;
}

// ---- the agents ----------------------------------------------------------------------------

void FastNoc::resume(int32_t a) {
  Agent& ag = agents_[a];
  switch (ag.state) {
    case kHead: take_head(a); return;
    case kLinkFree:
      ag.busy_wait += now_ - ag.wait_from;
      send(a);
      return;
    case kSpaceFreed:
      ag.full_wait += now_ - ag.wait_from;
      send(a);
      return;
    case kIntegrated: finish_packet(a); return;
    case kInject: next_key(a); return;
    case kIdle: return;
  }
}

void FastNoc::next_head(int32_t a) {
  Agent& ag = agents_[a];
  Fifo& fifo = fifos_[ag.fifo];
  if (fifo.size == 0) {
    fifo.reader_waiting = true;
    ag.state = kIdle;
    return;
  }
  const uint64_t ready = entries_[fifo.base + fifo.head].ready;
  if (ready > now_) {
    ag.state = kHead;
    schedule(a, ready);
    return;
  }
  take_head(a);
}

void FastNoc::take_head(int32_t a) {
  Agent& ag = agents_[a];
  const Entry& head = entries_[fifos_[ag.fifo].base + fifos_[ag.fifo].head];
  ag.key = head.key;
  ag.key_index = head.key_index;
  if (ag.kind == kCoreReceive) {  // NeuronCore::receive_loop: integrate, then free the slot
    const uint32_t events = routes_.deliver(ag.tile, ag.key, ag.key_index);
    TileStats& s = tile_stats_[ag.tile];
    if (events == 0) ++s.empty_deliveries;
    s.synaptic_events += events;
    const uint64_t cycles = uint64_t{events} * cycles_synaptic_op_;
    s.synaptic_cycles += cycles;
    if (cycles) {
      ag.state = kIntegrated;
      schedule(a, now_ + cycles);
      return;
    }
    finish_packet(a);
    return;
  }
  ag.route_bits = routes_.route(ag.tile, ag.key, ag.key_index);  // Router::serve
  if (ag.route_bits == 0)
    fail_no_route(ag.tile, width_, ag.key);
  ag.out_port = 0;
  next_copy(a);
}

void FastNoc::next_copy(int32_t a) {
  Agent& ag = agents_[a];
  for (;;) {
    while (ag.out_port < kPorts && !(ag.route_bits & (1u << ag.out_port))) ++ag.out_port;
    if (ag.out_port == kPorts) {
      finish_packet(a);
      return;
    }
    ag.link = static_cast<int32_t>(ag.tile * kFifosPerTile + ag.out_port);
    if (links_[ag.link].dest >= 0) break;
    fail_off_mesh(ag.tile, width_, ag.key, ag.out_port);
    ++ag.out_port;
  }
  ag.busy_wait = ag.full_wait = 0;
  send(a);
}

void FastNoc::next_key(int32_t a) {  // NeuronCore::inject_loop, HostInterface::inject_loop
  Agent& ag = agents_[a];
  if (ag.keys && ag.next_key < ag.keys->size()) {
    ag.key = (*ag.keys)[ag.next_key];
    ag.key_index = routes_.key_index(ag.key);
    ag.busy_wait = ag.full_wait = 0;
    send(a);
    return;
  }
  if (ag.keys) ag.keys->clear();
  ag.state = kIdle;
  --injectors_busy_;
}

void FastNoc::send(int32_t a) {  // Link::send
  Agent& ag = agents_[a];
  Link& link = links_[ag.link];
  if (link.free_at > now_) {
    ag.wait_from = now_;
    ag.state = kLinkFree;
    schedule(a, link.free_at);
    return;
  }
  Fifo& dest = fifos_[link.dest];
  if (dest.size >= depth_) {
    ag.wait_from = now_;
    ag.state = kSpaceFreed;
    dest.waiters[dest.n_waiters++] = a;
    return;
  }
  if (ag.busy_wait > 0) {  // a send that waited counts once per cause
    link.stalls->link_busy_waits += 1;
    link.stalls->link_busy_cycles += ag.busy_wait;
  }
  if (ag.full_wait > 0) {
    link.stalls->backpressure_waits += 1;
    link.stalls->backpressure_cycles += ag.full_wait;
  }
  link.free_at = now_ + flit_cycles_;
  if (link.stats) {
    link.stats->packets += 1;
    link.stats->busy_cycles += flit_cycles_;
  }
  ++in_flight_;
  push(link.dest, ag.key, ag.key_index, now_ + link.latency_cycles);
  after_send(a);
}

void FastNoc::after_send(int32_t a) {
  Agent& ag = agents_[a];
  if (ag.kind == kInjector) {
    ++*ag.sent;
    ++ag.next_key;
    next_key(a);
  } else {
    ++ag.out_port;
    next_copy(a);
  }
}

void FastNoc::push(int32_t f, uint32_t key, uint32_t key_index, uint64_t ready) {
  Fifo& fifo = fifos_[f];
  uint32_t slot = fifo.head + fifo.size;
  if (slot >= depth_) slot -= depth_;
  entries_[fifo.base + slot] = {key, key_index, ready};
  if (++fifo.size > fifo.high_water) fifo.high_water = fifo.size;
  if (fifo.reader_waiting) {  // the reader of FIFO 6t + p is agent 7t + p
    fifo.reader_waiting = false;
    const int32_t reader = f / kFifosPerTile * kAgentsPerTile + f % kFifosPerTile;
    agents_[reader].state = kHead;
    schedule(reader, ready);
  }
}

void FastNoc::finish_packet(int32_t a) {
  Agent& ag = agents_[a];
  Fifo& fifo = fifos_[ag.fifo];
  if (ag.kind == kCoreReceive) tile_stats_[ag.tile].last_receive_cycle = now_;
  if (++fifo.head == depth_) fifo.head = 0;
  --fifo.size;
  --in_flight_;
  // The freed slot: every waiting sender tries again this cycle, in the order they began waiting.
  for (uint8_t i = 0; i < fifo.n_waiters; ++i) append(current_, fifo.waiters[i]);
  fifo.n_waiters = 0;
  next_head(a);
}

}  // namespace nchip::systemc
