#include "hw_model/systemc/chip_eligibility.hpp"

#include <utility>

namespace nchip::systemc {

void ChipEligibility::load(std::vector<PlasticityEngine*> engines, size_t n_input, size_t n_recurrent) {
  engines_ = std::move(engines);
  input_.assign(n_input, Where{});
  recurrent_.assign(n_recurrent, Where{});
  for (uint32_t t = 0; t < engines_.size(); ++t) {
    const PlasticityEngine& e = *engines_[t];
    for (uint32_t p = 0; p < e.input_synapses().size(); ++p) input_[e.input_synapses()[p].synapse] = {t, p};
    for (uint32_t p = 0; p < e.recurrent_synapses().size(); ++p)
      recurrent_[e.recurrent_synapses()[p].synapse] = {t, p};
  }
  unit_cycles_ = 0;
}

void ChipEligibility::begin_trial() {
  for (auto* e : engines_) e->begin_trial();
}

void ChipEligibility::step(const Ops& ops, const functional::EtuStepView<Ops>& input,
                           const functional::EtuStepView<Ops>& recurrent) {
  // Cores work on disjoint synapses with keys that depend only on the synapse and the step, and
  // saturation counts are sums, so the order of the cores does not change any result.
  for (auto* e : engines_) unit_cycles_ += e->step(ops, input, recurrent);
}

arith::Num<arith::FixedOps, arith::Quantity::update_accumulator> ChipEligibility::gradient(
    functional::SynapseSet set, size_t synapse) const {
  const std::vector<Where>& map = set == functional::SynapseSet::input ? input_ : recurrent_;
  if (set == functional::SynapseSet::output || synapse >= map.size() || map[synapse].tile == kNone) return {};
  const Where w = map[synapse];
  const PlasticityEngine& e = *engines_[w.tile];
  return set == functional::SynapseSet::input ? e.input_state(w.position).accumulator
                                              : e.recurrent_state(w.position).accumulator;
}

void ChipEligibility::clear_gradients() {
  for (auto* e : engines_) e->clear_gradients();
}

}  // namespace nchip::systemc
