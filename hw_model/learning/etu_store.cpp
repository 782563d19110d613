#include "hw_model/learning/etu_store.hpp"

#include <algorithm>
#include <type_traits>

#include "hw_model/error.hpp"
#include "hw_model/learning/trial_gradient.hpp"

namespace nchip::learning {

template <class Ops>
void EtuSynapseStore<Ops>::build(std::vector<PlasticSynapse> synapses, const std::vector<uint8_t>& neuron_adaptive) {
  synapses_ = std::move(synapses);
  // Rows by target neuron (counting sort; within a row the entries keep their order).
  uint32_t n_neurons = 0;
  for (const auto& ps : synapses_) n_neurons = std::max(n_neurons, ps.neuron + 1);
  std::vector<uint32_t> count(n_neurons + 1, 0);
  for (const auto& ps : synapses_) ++count[ps.neuron + 1];
  rows_ = EtuRows{};
  for (uint32_t j = 0; j < n_neurons; ++j) {
    if (count[j + 1] == 0) continue;
    rows_.row_neuron.push_back(j);
    rows_.row_adaptive.push_back(neuron_adaptive.at(j));
    rows_.row_start.push_back(rows_.row_start.back() + count[j + 1]);
  }
  std::vector<uint32_t> next(n_neurons, 0);  // first position of each neuron's row
  for (size_t r = 0; r < rows_.rows(); ++r) next[rows_.row_neuron[r]] = rows_.row_start[r];
  position_.resize(synapses_.size());
  rows_.trace_slot.resize(synapses_.size());
  rows_.key_index.resize(synapses_.size());
  for (size_t e = 0; e < synapses_.size(); ++e) {
    const uint32_t p = next[synapses_[e].neuron]++;
    position_[e] = p;
    rows_.trace_slot[p] = synapses_[e].trace_slot;
    rows_.key_index[p] = synapses_[e].synapse;
  }
  columns_.resize(synapses_.size());
  split_parts_ = 0;
}

template <class Ops>
void EtuSynapseStore<Ops>::begin_trial() {
  std::fill(columns_.eps_a.begin(), columns_.eps_a.end(), Num<Ops, Quantity::eligibility>{});
  std::fill(columns_.filtered.begin(), columns_.filtered.end(), Num<Ops, Quantity::eligibility>{});
}

template <class Ops>
void EtuSynapseStore<Ops>::clear_accumulators() {
  std::fill(columns_.accumulator.begin(), columns_.accumulator.end(), Num<Ops, Quantity::update_accumulator>{});
}

template <class Ops>
const std::vector<size_t>& EtuSynapseStore<Ops>::split(unsigned parts) {
  if (parts == split_parts_) return split_rows_;
  split_parts_ = parts;
  split_rows_.assign(1, 0);
  const size_t total = rows_.positions();
  size_t r = 0;
  for (unsigned k = 1; k < parts; ++k) {
    const size_t goal = total * k / parts;
    while (r < rows_.rows() && rows_.row_start[r + 1] <= goal) ++r;
    split_rows_.push_back(std::max(r, split_rows_.back()));
  }
  split_rows_.push_back(rows_.rows());
  return split_rows_;
}

template <class Ops>
void EtuSynapseStore<Ops>::run(const Ops& ops, const EtuNeuronConstants<Ops>& constants,
                               const EtuWindow<Ops>& window, WorkerPool* pool) {
  if (rows_.rows() == 0 || window.steps == 0) return;
  // Parts of at least ~16k updates each: smaller ones cost more in hand-over than they save.
  const size_t updates = rows_.positions() * window.steps;
  const unsigned threads = pool ? pool->threads() : 1;
  const unsigned parts = static_cast<unsigned>(std::clamp<size_t>(updates / 16384, 1, threads));
  const auto kernel = [&](const Ops& part_ops, size_t row_begin, size_t row_end) {
    if (reference_) etu_run_rows_reference(part_ops, rows_, row_begin, row_end, constants, window, columns_);
    else etu_run_rows(part_ops, rows_, row_begin, row_end, constants, window, columns_);
  };
  if (parts == 1) {
    kernel(ops, 0, rows_.rows());
    return;
  }
  const std::vector<size_t>& cut = split(parts);
  if constexpr (std::is_same_v<Ops, arith::FixedOps>) {
    part_counts_.assign(parts, arith::SaturationCounts{});
    pool->run(parts, [&](size_t k) {
      kernel(arith::FixedOps(*ops.q, part_counts_[k]), cut[k], cut[k + 1]);
    });
    for (const auto& c : part_counts_) *ops.sat += c;
  } else {
    pool->run(parts, [&](size_t k) { kernel(ops, cut[k], cut[k + 1]); });
  }
}

template <class Ops>
void EtuSynapseStore<Ops>::add_trial_gradient(const EtuNeuronConstants<Ops>& constants, const EtuWindow<Ops>& window) {
  if constexpr (std::is_same_v<Ops, arith::FloatOps>) {
    learning::add_trial_gradient(rows_, constants, window, columns_);
  } else {
    (void)constants, (void)window;
    throw InputError("the trial gradient as a matrix product is the float reference's (fixed point rounds every step)");
  }
}

template class EtuSynapseStore<arith::FloatOps>;
template class EtuSynapseStore<arith::FixedOps>;

}  // namespace nchip::learning
