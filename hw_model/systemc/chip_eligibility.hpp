// The chip's learning datapath seen from the e-prop engine as one EligibilityOwner: at each step
// the learning-signal unit forms the errors from the chip's readouts and the host's targets and
// broadcasts them; every core's PlasticityEngine forms its neurons' learning signals, updates its
// output-weight gradients (readout cores), runs its eligibility-trace unit and advances its
// presynaptic traces. The trainer's end-of-batch update reads each synapse's accumulated weight
// change from the core that holds it.
#pragma once

#include <cstdint>
#include <vector>

#include "hw_model/learning/eligibility_owner.hpp"
#include "hw_model/systemc/learning_signal_unit.hpp"
#include "hw_model/systemc/plasticity_engine.hpp"

namespace nchip::systemc {

class ChipEligibility : public learning::EligibilityOwner<arith::FixedOps> {
 public:
  using Ops = arith::FixedOps;
  using Signal = arith::Num<Ops, arith::Quantity::learning_signal>;

  // `engines[t]`: the engine of image tile t; `lsu`: the chip's learning-signal unit (not owned;
  // they outlive this object's use).
  void load(std::vector<PlasticityEngine*> engines, LearningSignalUnit* lsu, size_t n_input_synapses,
            size_t n_recurrent_synapses, size_t n_readout_synapses);

  void begin_trial() override;
  void step(const Ops& ops, const learning::LearningStep<Ops>& step) override;
  void signals(Signal* err, Signal* L) const override;
  arith::Num<Ops, arith::Quantity::update_accumulator> gradient(learning::SynapseSet set, size_t synapse) const override;
  void clear_gradients() override;
  void use_worker_pool(learning::WorkerPool* pool) override;  // each core's C++ ETU splits its rows over it

  uint64_t unit_cycles() const { return unit_cycles_; }  // cycles reported by attached EtuUnits

 private:
  struct Where {
    uint32_t tile = kNone, position = 0;
  };
  static constexpr uint32_t kNone = ~0u;
  std::vector<PlasticityEngine*> engines_;
  LearningSignalUnit* lsu_ = nullptr;
  std::vector<Where> input_, recurrent_, output_;  // synapse index -> the core and position holding it
  uint64_t unit_cycles_ = 0;
};

}  // namespace nchip::systemc
