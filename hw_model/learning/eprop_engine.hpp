// The on-chip e-prop plasticity engine (Bellec et al. 2019, e-prop 1), run beside a chip model
// (the functional Simulator, or the SystemC chip). This class is the host's part - the feedback
// matrix B, the firing-rate regularization term (eq. 54-56), the step count and the seeds of every
// draw key, the spike counts - and drives a datapath through the EligibilityOwner interface: its
// own NetworkDatapath (the functional model's: traces, learning signals, the ETU, gradients, or
// the factored scheme's online updates) or the SystemC chip's cores (set_eligibility_owner).
//
// Timing. A Simulator::step(x[t]) turns the state (v[t], a[t], z[t], h[t]) into y[t] (from z[t],
// eq. 41) and then (v[t+1], a[t+1], z[t+1], h[t+1]). The e-prop quantities of step t are
//   e^t  = h^t (zbar^{t-1} - beta eps_a^t)   (eq. 23/28: h of step t, presynaptic trace of t-1)
//   L^t  = sum_k B_jk err_k^t, err^t from y^t (the readout computed from z^t)
//   acc += L^t * ebar^t, ebar^t = kappa ebar^{t-1} + e^t (eq. 45)
//   grad_out_kj += err_k^t * zkappa_j^t, zkappa^t = kappa zkappa^{t-1} + z^t (eq. 48, 53; CubaLI
//   readouts: zsyn^t = alpha_syn zsyn^{t-1} + z^t in place of z^t, learning_pass.hpp)
// so EpropEngine::step saves h^t before stepping the model, steps it (getting y^t and z^t), then
// runs the learning datapath with h^t, zbar^{t-1} and L^t, and only then are the traces advanced
// to zbar^t (with z^t and x^t). The model is not changed; the datapath never lags it by more than
// the one saved h vector (the per-synapse ETU work may lag by a window, see network_datapath.hpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "hw_model/arith/eligibility.hpp"
#include "hw_model/learning/batch_update.hpp"
#include "hw_model/learning/eligibility_owner.hpp"
#include "hw_model/learning/eprop_config.hpp"
#include "hw_model/learning/learning_pass.hpp"
#include "hw_model/learning/network_datapath.hpp"
#include "hw_model/model/network_model.hpp"

namespace nchip::learning {

template <class Ops>
class EpropEngine {
 public:
  using Weight = Num<Ops, Quantity::weight>;
  using Voltage = Num<Ops, Quantity::voltage>;
  using Signal = Num<Ops, Quantity::learning_signal>;
  using Accumulator = Num<Ops, Quantity::update_accumulator>;

  // `model` is the one the simulator runs: the factored scheme writes its weights during a trial.
  // Throws nchip::InputError for a configuration the number system cannot run (factored storage or
  // the exp-LUT softmax in float, the exact softmax in fixed point).
  EpropEngine(model::NetworkModel<Ops>& model, Ops ops, const EpropConfig& config);

  // Clears eligibility, traces and filtered spike trains (the network state is reset by the
  // simulator); keeps the gradient accumulators, so trials of a batch add up.
  void begin_trial();

  // One timestep t (see the timing note above). `target` holds the readouts' targets y*^t (or the
  // one-hot pi*^t for classification), read only when `has_target`. `external_L`, when given,
  // replaces the learning signal of every neuron (the BPTT check feeds dE/dz here); the error
  // still drives the output-weight gradient.
  // `Model` is any model of the chip with the functional Simulator's stepping interface (neurons(),
  // step(inputs), previous_spikes(), readouts()); a template so this layer includes no chip model.
  template <class Model>
  void step(Model& sim, const std::vector<uint32_t>& inputs, const Voltage* target, bool has_target,
            const Signal* external_L = nullptr) {
    const auto start = std::chrono::steady_clock::now();
    begin_step(sim.neurons());
    sim.step(inputs);
    timers_.neuron_s += std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    finish_step(sim.previous_spikes(), sim.readouts(), inputs, target, has_target, external_L);
  }
  // The same step around any model of the chip that exposes the simulator's state (the SystemC
  // backend): begin_step(neurons before stepping) -> step the model -> finish_step(z^t it
  // stepped from, y^t it produced, ...). step() is exactly these three calls.
  void begin_step(const std::vector<arith::SpikingState<Ops>>& neurons);
  void finish_step(const std::vector<uint32_t>& previous_spikes, const std::vector<Voltage>& readouts,
                   const std::vector<uint32_t>& inputs, const Voltage* target, bool has_target,
                   const Signal* external_L = nullptr);

  // Counts the trial's spikes for regularization; end_batch turns the batch's counts into the
  // regularization term of every neuron's learning signal for the next batch.
  void end_trial(uint32_t steps);
  void end_batch();

  // Accumulated dE/dw of a synapse (index into the model's matrix of that set), full scheme.
  // The datapath runs its pending window first (see network_datapath.hpp), so it may be read
  // right after a trial's steps, with or without end_trial.
  Accumulator gradient(SynapseSet set, size_t synapse) const;
  void clear_gradients();
  // The chip's end-of-batch weight update (batch_update.hpp) from the accumulated gradients, fixed
  // point and full scheme only (the factored scheme updates online; the float reference's
  // optimizers run on the host). Returns the weight saturations it caused.
  uint64_t apply_batch_update(const BatchUpdate& update);

  const std::vector<Signal>& learning_signals() const { return L_; }  // L^t of the last step
  const std::vector<Signal>& errors() const { return err_; }          // err^t of the last step
  const std::vector<Weight>& feedback() const { return B_; }          // B [j * n_readouts + k]
  uint64_t trial_spikes() const { return trial_spikes_; }
  uint64_t online_updates() const { return own_->online_updates(); }  // factored: LSB moves
  const EpropTimers& timers() const { return timers_; }

  // What carries over from one batch to the next, for checkpoints (state_vectors.hpp): the step
  // count that keys every draw, the regularization term of every neuron (previous batch's rate),
  // the batch update unit's optimizer state and the factored scheme's move count. Call between
  // batches (after end_batch). restore() throws nchip::InputError for another network's state.
  StateVectors state() const;
  void restore(const StateVectors& saved);
  const EpropConfig& config() const { return config_; }

  // Attach (or with nullptr detach) an observer of every ETU update; not owned, must outlive its
  // attachment. Unset costs one branch per step. Throws nchip::InputError in the factored scheme
  // (it has no ETU: e = h zbar is formed on the fly, no per-synapse state).
  void set_etu_observer(EtuObserver<Ops>* observer);

  // Hands the full scheme's learning datapath to `owner` (not owned; nullptr takes it back, both
  // with eps_a, filtered, traces and accumulators zero): begin_trial, every step's errors,
  // learning signals, output-weight gradient, ETU and traces, gradient() and clear_gradients() go
  // to it; h^t is then the owner's (begin_step is not needed). Throws nchip::InputError in the
  // factored scheme (no ETU) or with an ETU observer attached (the observer sees the engine's own
  // unit).
  void set_eligibility_owner(EligibilityOwner<Ops>* owner);
  bool has_etu_observer() const { return own_->has_observer(); }

 private:
  void refresh_symmetric_feedback();
  LearningStep<Ops> learning_step(const Voltage* readouts, const Voltage* target, bool has_target,
                                  const Signal* external_L) const;

  model::NetworkModel<Ops>& model_;
  Ops ops_;
  EpropConfig config_;
  uint32_t n_ = 0, n_in_ = 0, n_out_ = 0;
  uint64_t step_count_ = 0;  // steps since construction: the step of every draw key
  LearningSeeds seeds_;
  Num<Ops, Quantity::decay> kappa_{};  // the ETU's filter decay: the readouts' kappa (eq. 45), or 0

  std::vector<Weight> B_;
  std::vector<uint32_t> readout_synapse_of_;  // [j * n_out + k] -> index in readout_synapses, or ~0
  std::vector<uint8_t> z_flag_, x_flag_;
  std::vector<Signal> err_, L_, reg_;
  std::vector<uint64_t> batch_spikes_;  // per neuron, this batch
  uint64_t batch_steps_ = 0, trial_spikes_ = 0;
  EpropTimers timers_;
  BatchOptimizerState batch_state_;  // the batch update unit's optimizer state (Lion's m)

  // The datapath: the engine's own unless an owner was attached (then `owner_` is that one).
  std::unique_ptr<NetworkDatapath<Ops>> own_;
  EligibilityOwner<Ops>* owner_ = nullptr;
};

extern template class EpropEngine<arith::FloatOps>;
extern template class EpropEngine<arith::FixedOps>;

}  // namespace nchip::learning
