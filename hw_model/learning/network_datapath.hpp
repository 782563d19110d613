// The functional model's plasticity datapath: the learning work of every step over the whole
// network in one unit (where the SystemC chip spreads it over its cores' PlasticityEngines):
// readout errors and learning signals, output-weight traces and gradients, the presynaptic
// traces and, per scheme,
//  - full: the eligibility-trace unit over every plastic synapse, windowed (below), accumulating
//    each synapse's weight change for the batch update;
//  - factored: e = h_j zbar_i formed on the fly and an online +-1 LSB move per synapse (ReckOn).
// It is an EligibilityOwner like the chip's, so the e-prop engine (the host's part) drives either
// through one interface. Every value comes from learning_pass.hpp / eligibility_pass.hpp and the
// ETU kernel, with the draw keys the engine has always used.
//
// Windowed ETU. In the full scheme the per-synapse state of every plastic synapse would stream
// through memory once per step. Each synapse's updates depend only on its own state and on the
// step's inputs (h^t and L^t of its target, zbar^{t-1} of its source, the key's step), and
// saturation counts are sums, so the datapath buffers the inputs of up to 32 steps (etu_pending_steps.hpp) and
// then runs the window through the kernel (a row's state stays in registers or L1 while the
// window's steps run over it): bit-identical to running each step over all synapses. The window is
// run whenever it is full and before anything reads or resets the ETU state (gradient,
// clear_gradients, begin_trial, flush, a change of observer). With an ETU observer the window is
// one step, visited entry by entry, so the observer sees the updates step by step in the usual
// order.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "hw_model/learning/eligibility_owner.hpp"
#include "hw_model/learning/eligibility_pass.hpp"
#include "hw_model/learning/eprop_config.hpp"
#include "hw_model/learning/etu_pending_steps.hpp"
#include "hw_model/learning/etu_store.hpp"
#include "hw_model/learning/learning_pass.hpp"
#include "hw_model/learning/worker_pool.hpp"
#include "hw_model/model/network_model.hpp"

namespace nchip::learning {

// Wall time of each phase, summed over steps (for the iteration breakdown of `nchip train`).
struct EpropTimers {
  double neuron_s = 0;           // the chip model's step (synaptic input, neurons, readouts)
  double learning_signal_s = 0;  // errors, learning signals, output-weight gradient
  double eligibility_s = 0;      // traces and per-synapse ETU / online updates
};

template <class Ops>
class NetworkDatapath : public EligibilityOwner<Ops> {
 public:
  using Voltage = Num<Ops, Quantity::voltage>;
  using Signal = Num<Ops, Quantity::learning_signal>;
  using Accumulator = Num<Ops, Quantity::update_accumulator>;
  using Trace = Num<Ops, Quantity::trace>;

  // `model`: the network (the factored scheme writes its weights during a trial); `seeds`: the
  // engine's (the steps' LearningStep carries the same); `kappa`: the ETU's filter decay (eq. 45;
  // zero when unfiltered); `timers`: where the phases' time is added.
  NetworkDatapath(model::NetworkModel<Ops>& model, const Ops& ops, const EpropConfig& config,
                  const LearningSeeds& seeds, Num<Ops, Quantity::decay> kappa, EpropTimers& timers);

  // h^t of every neuron, before the chip model steps (the chip's cores capture their own).
  void capture(const std::vector<arith::SpikingState<Ops>>& neurons);

  void begin_trial() override;  // eps_a, filtered and traces to zero (after the pending window)
  void step(const Ops& ops, const LearningStep<Ops>& ls) override;
  void signals(Signal* err, Signal* L) const override;
  Accumulator gradient(SynapseSet set, size_t synapse) const override;
  void clear_gradients() override;

  // Runs the pending window (its saturations then count, its time is eligibility time).
  void flush() const;
  // The trial's steps are over: with EpropConfig::trial_matrix (float) and every step of the trial
  // pending, its gradient as one matrix product; else flush().
  void end_trial();
  // Everything to zero: state, traces, accumulators (a change of datapath owner).
  void reset();
  void set_observer(EtuObserver<Ops>* observer);  // full scheme only; runs the pending window first
  bool has_observer() const { return observer_ != nullptr; }
  WorkerPool* worker_pool() const { return pool_.get(); }  // nullptr: one thread
  uint64_t online_updates() const { return online_updates_; }  // factored: weights moved by 1 LSB
  void restore_online_updates(uint64_t n) { online_updates_ = n; }  // a checkpoint's count

 private:
  void output_gradient(const LearningStep<Ops>& ls);
  void record_window_step(uint64_t step);
  size_t window_capacity() const {
    if (observer_) return 1;
    return trial_matrix_ ? SIZE_MAX : EtuPendingSteps<Ops>::kCapacity;  // trial matrix: the whole trial
  }
  void run_observed_step(SynapseSet set, EtuSynapseStore<Ops>& store, const std::vector<Trace>& traces,
                         uint64_t seed) const;
  void factored_updates(const LearningStep<Ops>& ls);
  void advance_traces(const LearningStep<Ops>& ls);

  model::NetworkModel<Ops>& model_;
  Ops ops_;
  StorageScheme storage_;
  uint32_t n_ = 0, n_in_ = 0, n_out_ = 0;
  uint32_t lr_raw_ = 0;                 // factored scheme, fixed point: the online rate
  Num<Ops, Quantity::decay> kappa_{};   // the ETU's filter (eq. 45)
  arith::PresynapticFilter<Ops> readout_filter_{};  // the output-weight trace's filter (eq. 48)
  EpropTimers* timers_;
  EtuObserver<Ops>* observer_ = nullptr;
  uint64_t online_updates_ = 0;

  // Distinct presynaptic filters of the spiking neurons; zbar is kept once per (source, group).
  std::vector<arith::PresynapticFilter<Ops>> trace_filters_;
  std::vector<uint32_t> group_of_;

  std::vector<Num<Ops, Quantity::pseudo_derivative>> h_;  // h^t saved before the model's step
  std::vector<Trace> xbar_, zbar_, zkappa_;                // [group * n_sources + i], [j]
  std::vector<Trace> xsyn_, zsyn_;  // CUBA groups' synaptic filter of each source, as xbar_, zbar_
  std::vector<Trace> zsyn_out_;     // CubaLI readouts' synaptic filter of each source, as zkappa_
  std::vector<Signal> err_, L_;
  std::vector<Accumulator> grad_output_;

  // Full scheme: each set's plastic synapses (entries in source-major order, the order the ETU
  // observer sees) and their state, laid out for the kernel; synapse index -> entry (~0: not
  // plastic). The neurons' ETU constants rho and beta (kappa_ is shared).
  std::vector<uint32_t> input_entry_, recurrent_entry_;
  std::vector<Num<Ops, Quantity::decay>> rho_;
  std::vector<Voltage> beta_;
  std::vector<uint8_t> adaptive_;
  std::unique_ptr<WorkerPool> pool_;  // config.threads != 1 (else the calling thread)
  uint64_t seed_input_ = 0, seed_recurrent_ = 0;

  // The inputs of the steps the ETU has not run yet (see "Windowed ETU" above), in step order.
  // Mutable because the const gradient() must first run the pending steps into the ETU state (a
  // caller may read gradients right after a trial's steps); nothing else changes there. So
  // gradient() must not race with itself while steps are pending.
  mutable EtuPendingSteps<Ops> pending_;
  bool trial_matrix_ = false;
  mutable bool pending_from_trial_start_ = false;  // the pending steps begin at a trial's first step
  mutable EtuSynapseStore<Ops> input_store_, recurrent_store_;
};

extern template class NetworkDatapath<arith::FloatOps>;
extern template class NetworkDatapath<arith::FixedOps>;

}  // namespace nchip::learning
