// A bounded FIFO of packets with credit-style back-pressure: a sender takes a slot when it starts
// sending (so a full FIFO stalls the upstream link), and the packet becomes readable when it has
// crossed the link (`ready`). Written instead of sc_fifo because the model needs the occupancy
// high-water mark, timed arrival and several producers (core and host share a local port).
#pragma once

#include <cstdint>
#include <deque>

#include <systemc>

#include "hw_model/systemc/packet.hpp"

namespace nchip::systemc {

class PacketFifo {
 public:
  void set_capacity(uint32_t packets) { capacity_ = packets; }
  bool full() const { return entries_.size() >= capacity_; }
  bool empty() const { return entries_.empty(); }
  size_t size() const { return entries_.size(); }
  uint32_t high_water() const { return high_water_; }
  void clear_stats() { high_water_ = static_cast<uint32_t>(entries_.size()); }

  // Caller has checked !full() (waiting in wait_for_space() otherwise).
  void push(const Packet& p, const sc_core::sc_time& ready) {
    entries_.push_back({p, ready});
    if (entries_.size() > high_water_) high_water_ = static_cast<uint32_t>(entries_.size());
    // Wake the reader when the packet has crossed the link, not when it was sent: one thread
    // switch per hop instead of two. An event keeps only its earliest pending notification, which
    // is this FIFO's head (arrival times only grow), and wait_front() waits for any later one.
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    arrived_.notify(ready > now ? ready - now : sc_core::SC_ZERO_TIME);
  }
  // Blocks the calling thread until the head packet has arrived; returns it (still queued, so it
  // keeps its slot while the reader works on it: that is what back-pressures the sender).
  const Packet& wait_front() {
    while (entries_.empty()) sc_core::wait(arrived_);
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    if (entries_.front().ready > now) sc_core::wait(entries_.front().ready - now);
    return entries_.front().packet;
  }
  void pop() {
    entries_.pop_front();
    if (space_waiters_ > 0) space_freed_.notify(sc_core::SC_ZERO_TIME);  // nobody waiting: no event
  }
  // Blocks the calling thread until a slot may have been freed (the caller re-checks full()).
  void wait_for_space() {
    ++space_waiters_;
    sc_core::wait(space_freed_);
    --space_waiters_;
  }

 private:
  struct Entry {
    Packet packet;
    sc_core::sc_time ready;
  };
  std::deque<Entry> entries_;
  uint32_t capacity_ = 4;
  uint32_t high_water_ = 0;
  uint32_t space_waiters_ = 0;
  sc_core::sc_event arrived_, space_freed_;
};

}  // namespace nchip::systemc
