// The full scheme's per-synapse ETU state of one synapse set (input or recurrent) as the fast
// kernel wants it (etu_kernel.hpp): synapses grouped by target neuron, state in columns. Used by
// the functional e-prop engine (all plastic synapses) and by each SystemC PlasticityEngine (the
// synapses onto its core), so the layout, the thread split and the plain-order visit exist once.
//
// Entries are the set's plastic synapses in the order given to build() (source-major: the order
// the ETU observer and the RTL record files see); the kernel's positions are an internal order.
#pragma once

#include <cstdint>
#include <vector>

#include "hw_model/learning/eligibility_pass.hpp"
#include "hw_model/learning/etu_kernel.hpp"
#include "hw_model/learning/worker_pool.hpp"

namespace nchip::learning {

template <class Ops>
class EtuSynapseStore {
 public:
  using State = arith::EtuSynapseState<Ops>;

  // `synapses`: the entries; `neuron_adaptive[ps.neuron]`: 1 for an ALIF target.
  void build(std::vector<PlasticSynapse> synapses, const std::vector<uint8_t>& neuron_adaptive);

  size_t size() const { return synapses_.size(); }
  const std::vector<PlasticSynapse>& synapses() const { return synapses_; }

  State state(size_t entry) const {
    const uint32_t p = position_[entry];
    return {columns_.eps_a[p], columns_.filtered[p], columns_.accumulator[p]};
  }
  void set_state(size_t entry, const State& s) {
    const uint32_t p = position_[entry];
    columns_.eps_a[p] = s.eps_a;
    columns_.filtered[p] = s.filtered;
    columns_.accumulator[p] = s.accumulator;
  }
  Num<Ops, Quantity::update_accumulator> accumulator(size_t entry) const {
    return columns_.accumulator[position_[entry]];
  }

  // Runs the plain definition (etu_run_rows_reference) instead of the kernel (benchmarks).
  void use_reference_kernel(bool on) { reference_ = on; }

  void begin_trial();         // eps_a and filtered to zero; accumulators kept
  void clear_accumulators();  // accumulators to zero

  // Float only: the window holds a whole trial begun from zero state; its gradient goes into the
  // accumulators as one matrix product (trial_gradient.hpp), eps_a and filtered end at zero.
  void add_trial_gradient(const EtuNeuronConstants<Ops>& constants, const EtuWindow<Ops>& window);

  // Every entry through the window's steps (etu_run_rows), the rows split over `pool`'s threads
  // (nullptr: the calling thread), each part counting its saturations apart; the counts are then
  // added to ops.sat. Bit-identical for every thread count.
  void run(const Ops& ops, const EtuNeuronConstants<Ops>& constants, const EtuWindow<Ops>& window,
           WorkerPool* pool);

 private:
  // Row boundaries cutting the positions into `parts` nearly equal runs of whole rows.
  const std::vector<size_t>& split(unsigned parts);

  std::vector<PlasticSynapse> synapses_;
  std::vector<uint32_t> position_;  // entry -> kernel position
  EtuRows rows_;
  EtuColumns<Ops> columns_;
  bool reference_ = false;
  unsigned split_parts_ = 0;
  std::vector<size_t> split_rows_;
  std::vector<arith::SaturationCounts> part_counts_;
};

extern template class EtuSynapseStore<arith::FloatOps>;
extern template class EtuSynapseStore<arith::FixedOps>;

}  // namespace nchip::learning
