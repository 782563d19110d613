// The chip's per-core plasticity engines seen from the e-prop engine as one EligibilityOwner: the
// e-prop engine forms traces and learning signals (the learning-signal unit's values) and hands
// each step to every core's PlasticityEngine; the trainer's end-of-batch update reads each
// synapse's accumulated weight change from the core that holds it.
#pragma once

#include <cstdint>
#include <vector>

#include "hw_model/functional/eprop_engine.hpp"
#include "hw_model/systemc/plasticity_engine.hpp"

namespace nchip::systemc {

class ChipEligibility : public functional::EligibilityOwner<arith::FixedOps> {
 public:
  using Ops = arith::FixedOps;

  // `engines[t]`: the engine of image tile t (not owned; they outlive this object's use).
  void load(std::vector<PlasticityEngine*> engines, size_t n_input_synapses, size_t n_recurrent_synapses);

  void begin_trial() override;
  void step(const Ops& ops, const functional::EtuStepView<Ops>& input,
            const functional::EtuStepView<Ops>& recurrent) override;
  arith::Num<Ops, arith::Quantity::update_accumulator> gradient(functional::SynapseSet set, size_t synapse) const override;
  void clear_gradients() override;

  uint64_t unit_cycles() const { return unit_cycles_; }  // cycles reported by attached EtuUnits

 private:
  struct Where {
    uint32_t tile = kNone, position = 0;
  };
  static constexpr uint32_t kNone = ~0u;
  std::vector<PlasticityEngine*> engines_;
  std::vector<Where> input_, recurrent_;  // synapse index -> the core and position holding it
  uint64_t unit_cycles_ = 0;
};

}  // namespace nchip::systemc
