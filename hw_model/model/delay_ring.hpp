// The delay ring of a core's synaptic input (issue #14, multi-step synaptic delays): one input sum
// per target neuron and delay slot, as Loihi's dendritic accumulators hold one sum per neuron and
// future step (Davies et al. 2018). A spike over a synapse with delay d, delivered while step t is
// being gathered, is added to the slot that step t + d - 1 consumes; with every delay 1 the ring
// has one slot and is exactly the plain per-step input sum.
//
// Why sums and not spike events: the slot count is fixed by the longest delay (slots x neurons
// words, known at compile time), whereas a queue of delayed events grows with the traffic and
// would have to be sized for the worst burst; and a sum is what the neuron update reads anyway.
// Fixed-point sums are exact integer adds, so the order in which spikes are added cannot matter.
// The functional simulator and the SystemC cores both use this class.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

namespace nchip::model {

template <class Sum>
class DelayRing {
 public:
  // `targets` neurons, `slots` = the longest delay in steps (>= 1); every sum zero.
  void assign(uint32_t targets, uint32_t slots) {
    targets_ = targets;
    slots_ = std::max<uint32_t>(slots, 1);
    head_ = 0;
    sums_.assign(size_t{targets_} * slots_, Sum{});
  }
  void clear() {
    head_ = 0;
    std::fill(sums_.begin(), sums_.end(), Sum{});
  }
  // The sums of every target that a spike with `delay_steps` (1..slots) reaches when it is added
  // while the current step is gathered; pending(target, d) is slot(d)[target].
  Sum* slot(uint32_t delay_steps) { return sums_.data() + size_t{(head_ + delay_steps - 1) % slots_} * targets_; }
  Sum& pending(uint32_t target, uint32_t delay_steps) { return slot(delay_steps)[target]; }
  // The sum the current step's update reads.
  const Sum& due(uint32_t target) const { return sums_[size_t{head_} * targets_ + target]; }
  // The current step is done: its slot is zeroed and becomes the farthest future one.
  void advance() {
    std::fill_n(sums_.begin() + static_cast<std::ptrdiff_t>(size_t{head_} * targets_), targets_, Sum{});
    head_ = (head_ + 1) % slots_;
  }
  uint32_t slots() const { return slots_; }

 private:
  uint32_t targets_ = 0, slots_ = 1, head_ = 0;
  std::vector<Sum> sums_;
};

}  // namespace nchip::model
