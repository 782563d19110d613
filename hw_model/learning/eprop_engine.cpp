#include "hw_model/learning/eprop_engine.hpp"

#include <chrono>
#include <cmath>
#include <type_traits>

#include "hw_model/error.hpp"

namespace nchip::learning {

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

constexpr uint32_t kNoSynapse = ~0u;
constexpr uint32_t kStreamFeedbackU1 = 40, kStreamFeedbackU2 = 41;

// N(0, 1) by Box-Muller from two counter-based uniforms (std distributions are
// implementation-defined, so they would make B depend on the standard library).
double feedback_normal(uint64_t seed, uint32_t index) {
  const double u1 = 1.0 - arith::counter_uniform({seed, kStreamFeedbackU1, index, 0});  // (0, 1]
  const double u2 = arith::counter_uniform({seed, kStreamFeedbackU2, index, 0});
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

}  // namespace

template <class Ops>
EpropEngine<Ops>::EpropEngine(model::NetworkModel<Ops>& model, Ops ops, const EpropConfig& config)
    : model_(model), ops_(ops), config_(config) {
  constexpr bool kFixed = std::is_same_v<Ops, arith::FixedOps>;
  using arith::ClassificationError;
  if (!kFixed && config.storage == StorageScheme::factored)
    throw InputError("the factored storage scheme is an on-chip (fixed-point) scheme: use mode fixed");
  if (config.error == ErrorKind::classification) {
    if (!kFixed && config.classification == ClassificationError::softmax_exp_lut)
      throw InputError("the exp look-up-table softmax is the chip's approximation: use mode fixed "
                       "(the float reference uses the exact softmax or the hard sigmoid)");
    if (kFixed && config.classification == ClassificationError::softmax_exact)
      throw InputError("the chip has no exact softmax: use the exp look-up table or the hard sigmoid");
  }
  n_ = model.n_neurons();
  n_in_ = model.n_inputs;
  n_out_ = model.n_readouts();
  seeds_ = learning_seeds(config.seed);

  for (uint32_t k = 1; k < n_out_; ++k) {
    if (!(model.readouts[k].kappa == model.readouts[0].kappa))
      throw InputError("e-prop filters eligibility with the readout decay kappa (eq. 45): all readout "
                       "populations must have the same tau_out_ms");
    const auto& a = model.readouts[k];
    const auto& b = model.readouts[0];
    if (a.current_based != b.current_based || (a.current_based && !(a.alpha_syn == b.alpha_syn)))
      throw InputError("e-prop keeps one output-weight trace per neuron, filtered like the readouts (eq. 48): "
                       "all readout populations must have the same tau_syn_ms (or none)");
  }
  kappa_ = n_out_ > 0 && config.filter_eligibility ? model.readouts[0].kappa
                                                    : arith::zero<Quantity::decay>(ops);

  // Feedback weights. The random and global matrices are constants the host loads once.
  B_.assign(size_t{n_} * n_out_, Weight{});
  readout_synapse_of_.assign(size_t{n_} * n_out_, kNoSynapse);
  const auto& ro = model.readout_synapses;
  for (uint32_t j = 0; j < ro.n_sources; ++j)
    for (uint32_t s = ro.row_start[j]; s < ro.row_start[j + 1]; ++s)
      readout_synapse_of_[size_t{j} * n_out_ + ro.target[s]] = s;
  const double scale = n_ > 0 ? 1.0 / std::sqrt(static_cast<double>(n_)) : 0.0;
  for (uint32_t i = 0; i < B_.size(); ++i) {
    if (config.feedback == FeedbackKind::random)
      B_[i] = arith::from_real<Quantity::weight>(ops, scale * feedback_normal(config.seed, i));
    else if (config.feedback == FeedbackKind::global)
      B_[i] = arith::from_real<Quantity::weight>(ops, scale);
  }

  z_flag_.assign(n_, 0);
  x_flag_.assign(n_in_, 0);
  err_.assign(n_out_, Signal{});
  L_.assign(n_, Signal{});
  reg_.assign(n_, Signal{});
  batch_spikes_.assign(n_, 0);
  own_ = std::make_unique<NetworkDatapath<Ops>>(model, ops_, config, seeds_, kappa_, timers_);
  owner_ = own_.get();
  begin_trial();
}

template <class Ops>
void EpropEngine<Ops>::refresh_symmetric_feedback() {
  if (config_.feedback != FeedbackKind::symmetric) return;
  const auto& ro = model_.readout_synapses;
  for (size_t i = 0; i < B_.size(); ++i) {
    const uint32_t s = readout_synapse_of_[i];
    if (s == kNoSynapse) {
      B_[i] = Weight{};
    } else if constexpr (std::is_same_v<Ops, arith::FixedOps>) {
      // The feedback unit multiplies in the plain weight format (exponent 0): the readout weight
      // raw * 2^e is shifted into it (saturating; rounding to nearest when e < 0).
      B_[i] = ops_.template clamp<Quantity::weight>(
          arith::round_shift(ro.weight[s].raw, -ro.exponent[s], arith::Rounding::nearest, 0));
    } else {
      B_[i] = ro.weight[s];
    }
  }
}

template <class Ops>
void EpropEngine<Ops>::begin_trial() {
  owner_->begin_trial();
  trial_spikes_ = 0;
  refresh_symmetric_feedback();
}

template <class Ops>
void EpropEngine<Ops>::begin_step(const std::vector<arith::SpikingState<Ops>>& state) {
  if (owner_ == own_.get()) own_->capture(state);  // an attached owner captures h^t itself
}

template <class Ops>
void EpropEngine<Ops>::finish_step(const std::vector<uint32_t>& previous_spikes,
                                   const std::vector<Voltage>& readouts,
                                   const std::vector<uint32_t>& inputs, const Voltage* target,
                                   bool has_target, const Signal* external_L) {
  const auto start = Clock::now();
  for (uint32_t j : previous_spikes) z_flag_[j] = 1;  // z^t: what y^t was computed from
  for (uint32_t i : inputs) x_flag_[i] = 1;
  trial_spikes_ += previous_spikes.size();
  for (uint32_t j : previous_spikes) ++batch_spikes_[j];
  if (config_.storage == StorageScheme::factored && config_.feedback == FeedbackKind::symmetric)
    refresh_symmetric_feedback();  // output weights move within the trial
  // The step's learning datapath (errors, learning signals, output-weight gradient, ETU, traces);
  // errors and learning signals are read back for errors() / learning_signals(). The engine's own
  // datapath times its phases itself; an attached owner's step counts as eligibility time.
  owner_->step(ops_, learning_step(readouts.data(), target, has_target, external_L));
  owner_->signals(err_.data(), L_.data());
  for (uint32_t j : previous_spikes) z_flag_[j] = 0;
  for (uint32_t i : inputs) x_flag_[i] = 0;
  ++step_count_;
  if (owner_ != own_.get()) timers_.eligibility_s += seconds_since(start);
}

template <class Ops>
LearningStep<Ops> EpropEngine<Ops>::learning_step(const Voltage* readouts, const Voltage* target, bool has_target,
                                                  const Signal* external_L) const {
  LearningStep<Ops> ls;
  ls.target = target;
  ls.readouts = readouts;
  ls.has_target = has_target;
  ls.external_L = external_L;
  ls.feedback = B_.data();
  ls.regularization = reg_.data();
  ls.z_flag = z_flag_.data();
  ls.x_flag = x_flag_.data();
  ls.eligibility_kappa = kappa_;
  ls.n_readouts = n_out_;
  ls.error = config_.error;
  ls.classification = config_.classification;
  ls.seeds = seeds_;
  ls.step = step_count_;
  return ls;
}

template <class Ops>
void EpropEngine<Ops>::set_etu_observer(EtuObserver<Ops>* observer) {
  if (observer && owner_ != own_.get())
    throw InputError("the ETU observer watches the engine's own eligibility-trace unit, but the "
                     "eligibility state was handed to another owner");
  own_->set_observer(observer);
}

template <class Ops>
void EpropEngine<Ops>::set_eligibility_owner(EligibilityOwner<Ops>* owner) {
  if (owner && config_.storage != StorageScheme::full)
    throw InputError("only the full storage scheme has per-synapse eligibility state to hand over");
  if (owner && own_->has_observer())
    throw InputError("the ETU observer watches the engine's own eligibility-trace unit: it can't be "
                     "combined with an eligibility owner");
  own_->reset();  // the engine's own steps finish (their saturations count), then all state is zero
  if (owner) {
    owner->use_worker_pool(own_->worker_pool());
    owner->clear_gradients();
    owner->begin_trial();
  }
  owner_ = owner ? owner : own_.get();
}

template <class Ops>
void EpropEngine<Ops>::end_trial(uint32_t steps) {
  if (owner_ == own_.get()) own_->end_trial();  // the trial's gradients (and time) are complete when it ends
  batch_steps_ += steps;
}

template <class Ops>
void EpropEngine<Ops>::end_batch() {
  // Regularization (eq. 55-56) folded into the learning signal: the rate f_j of the batch just
  // finished (the only rate an online chip knows at the start of the next batch) gives
  // dE_reg/dz_j^t = c (f_j - f_target) at every step. The ETU multiplies L by the kappa-filtered
  // eligibility ebar, whose sum over a trial is sum_t e^t / (1 - kappa) (up to the trial's end),
  // while eq. 56 wants sum_t e^t: the term is scaled by (1 - kappa) to compensate.
  const double kappa = arith::real(ops_, kappa_);
  for (uint32_t j = 0; j < n_; ++j) {
    const double term = rate_regularization_dE_dz(config_, batch_spikes_[j], batch_steps_) * (1.0 - kappa);
    reg_[j] = arith::from_real<Quantity::learning_signal>(ops_, term);  // host-loaded constant
  }
  batch_spikes_.assign(n_, 0);
  batch_steps_ = 0;
}

template <class Ops>
typename EpropEngine<Ops>::Accumulator EpropEngine<Ops>::gradient(SynapseSet set, size_t s) const {
  return owner_->gradient(set, s);
}

template <class Ops>
void EpropEngine<Ops>::clear_gradients() {
  owner_->clear_gradients();
}

template <class Ops>
uint64_t EpropEngine<Ops>::apply_batch_update(const BatchUpdate& update) {
  if constexpr (std::is_same_v<Ops, arith::FixedOps>) {
    if (config_.storage != StorageScheme::full)
      throw InputError("the batch weight update applies the full scheme's accumulators; the factored "
                       "scheme updates its weights online");
    return learning::apply_batch_update(ops_, model_, update, batch_state_,
                                        [&](SynapseSet set, size_t s) { return gradient(set, s); });
  } else {
    (void)update;
    throw InputError("the batch weight-update unit is the chip's (fixed point); the float reference's "
                     "optimizers run on the host");
  }
}

template <class Ops>
StateVectors EpropEngine<Ops>::state() const {
  StateVectors out{state_scalar("engine.step_count", step_count_), state_vector("engine.regularization", reg_),
                   state_scalar("engine.online_updates", own_->online_updates())};
  append(out, batch_state_.state());
  return out;
}

template <class Ops>
void EpropEngine<Ops>::restore(const StateVectors& saved) {
  step_count_ = restore_scalar(saved, "engine.step_count");
  restore_vector(saved, "engine.regularization", reg_, reg_.size());
  own_->restore_online_updates(restore_scalar(saved, "engine.online_updates"));
  batch_state_.restore(saved);
}

template class EpropEngine<arith::FloatOps>;
template class EpropEngine<arith::FixedOps>;

}  // namespace nchip::learning
