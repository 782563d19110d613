// The two interfaces around the plasticity engine's datapath (issue #11: the one datapath
// interface both chip models implement):
//  - EligibilityOwner: where the full scheme's learning datapath runs when it is not the e-prop
//    engine's own (the SystemC chip's PlasticityEngines implement it); the engine keeps the
//    host's part.
//  - EtuObserver: sees every update of the engine's own eligibility-trace unit (record files).
#pragma once

#include <cstdint>

#include "hw_model/arith/eligibility.hpp"
#include "hw_model/learning/learning_pass.hpp"
#include "hw_model/learning/worker_pool.hpp"
#include "hw_model/model/learning_state.hpp"

namespace nchip::learning {

using model::SynapseSet;

// Sees every update of the eligibility-trace unit (full storage scheme), just before it happens:
// the arguments are exactly those of arith::etu_update(ops, neuron, zbar, state, key), `state` as
// the synapse's memory holds it before the update, key = {seed of the set, 0, synapse, step}
// (the step is key.step: steps since the engine was built). Synapses are visited input set
// first, then recurrent, each in source-major order, once per step; non-plastic ones never.
// `nchip train --record-etu` adapts this to rtl::EtuRecordWriter (hw_model may not include rtl/).
template <class Ops>
class EtuObserver {
 public:
  virtual ~EtuObserver() = default;
  virtual void on_etu_update(SynapseSet set, uint32_t synapse, const arith::EtuNeuronInput<Ops>& neuron,
                             const Num<Ops, Quantity::trace>& zbar,
                             const arith::EtuSynapseState<Ops>& state, const arith::DrawKey& key) = 0;
};

// Where the full scheme's learning datapath runs when it is not in the engine: the SystemC chip
// (hw_model/systemc), whose LearningSignalUnit forms the errors from its readouts and the targets
// and whose cores' PlasticityEngines form the learning signals of their neurons, keep the
// presynaptic traces of their sources, run the ETU on the synapses onto them and accumulate their
// gradients (input, recurrent, and output weights on readout cores). Every quantity is computed by
// the same functions the engine runs (learning_pass.hpp, eligibility_pass.hpp). The engine keeps
// the host's part: the feedback matrix, the regularization term, the step count and the seeds.
template <class Ops>
class EligibilityOwner {
 public:
  virtual ~EligibilityOwner() = default;
  virtual void begin_trial() = 0;  // eps_a, filtered and traces to zero; accumulators kept
  // The learning work of one step (errors, learning signals, output-weight gradient, ETU, traces);
  // h^t is the owner's (the neurons' state before the step).
  virtual void step(const Ops& ops, const LearningStep<Ops>& step) = 0;
  // err^t and L^t of the last step (for EpropEngine::errors / learning_signals).
  virtual void signals(Num<Ops, Quantity::learning_signal>* err, Num<Ops, Quantity::learning_signal>* L) const = 0;
  virtual Num<Ops, Quantity::update_accumulator> gradient(SynapseSet set, size_t synapse) const = 0;
  virtual void clear_gradients() = 0;
  // Threads the owner may split its per-synapse work over (nullptr: the calling thread only); the
  // engine hands over its own (EpropConfig::threads). Results are the same bytes for every count.
  virtual void use_worker_pool(WorkerPool* pool) { (void)pool; }
};

}  // namespace nchip::learning
