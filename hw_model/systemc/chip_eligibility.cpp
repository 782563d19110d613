#include "hw_model/systemc/chip_eligibility.hpp"

#include <utility>

namespace nchip::systemc {

void ChipEligibility::load(std::vector<PlasticityEngine*> engines, LearningSignalUnit* lsu, size_t n_input,
                           size_t n_recurrent, size_t n_readout) {
  engines_ = std::move(engines);
  lsu_ = lsu;
  input_.assign(n_input, Where{});
  recurrent_.assign(n_recurrent, Where{});
  output_.assign(n_readout, Where{});
  for (uint32_t t = 0; t < engines_.size(); ++t) {
    const PlasticityEngine& e = *engines_[t];
    for (uint32_t p = 0; p < e.input_synapses().size(); ++p) input_[e.input_synapses()[p].synapse] = {t, p};
    for (uint32_t p = 0; p < e.recurrent_synapses().size(); ++p)
      recurrent_[e.recurrent_synapses()[p].synapse] = {t, p};
    for (uint32_t p = 0; p < e.output_synapses(); ++p) output_[e.output_synapse(p)] = {t, p};
  }
  unit_cycles_ = 0;
}

void ChipEligibility::begin_trial() {
  for (auto* e : engines_) e->begin_trial();
}

void ChipEligibility::step(const Ops& ops, const learning::LearningStep<Ops>& step) {
  lsu_->form_errors(ops, step);
  // Cores work on disjoint neurons and synapses with keys that depend only on the index and the
  // step, and saturation counts are sums, so the order of the cores does not change any result.
  const Signal* err = lsu_->errors().data();
  for (auto* e : engines_) unit_cycles_ += e->step(ops, step, err);
}

void ChipEligibility::signals(Signal* err, Signal* L) const {
  const auto& e = lsu_->errors();
  for (size_t k = 0; k < e.size(); ++k) err[k] = e[k];
  for (const auto* engine : engines_) {
    const auto& l = engine->learning_signals();
    for (size_t i = 0; i < l.size(); ++i) L[engine->neuron_first() + i] = l[i];
  }
}

arith::Num<arith::FixedOps, arith::Quantity::update_accumulator> ChipEligibility::gradient(
    learning::SynapseSet set, size_t synapse) const {
  const std::vector<Where>& map = set == learning::SynapseSet::input       ? input_
                                  : set == learning::SynapseSet::recurrent ? recurrent_
                                                                             : output_;
  if (synapse >= map.size() || map[synapse].tile == kNone) return {};
  const Where w = map[synapse];
  const PlasticityEngine& e = *engines_[w.tile];
  switch (set) {
    case learning::SynapseSet::input: return e.input_state(w.position).accumulator;
    case learning::SynapseSet::recurrent: return e.recurrent_state(w.position).accumulator;
    case learning::SynapseSet::readout: return e.output_gradient(w.position);
  }
  return {};
}

void ChipEligibility::clear_gradients() {
  for (auto* e : engines_) e->clear_gradients();
}

void ChipEligibility::use_worker_pool(learning::WorkerPool* pool) {
  for (auto* e : engines_) e->use_worker_pool(pool);
}

}  // namespace nchip::systemc
