#include "hw_model/learning/eprop_engine.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <type_traits>

#include "hw_model/arith/learning_signal.hpp"
#include "hw_model/arith/presynaptic_trace.hpp"
#include "hw_model/arith/weight_update.hpp"
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

template <class N>
bool is_zero(const N& x) {
  if constexpr (std::is_same_v<N, double>) return x == 0.0;
  else return x.raw == 0;
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
  seed_input_ = arith::splitmix64_mix(config.seed ^ 0x11);
  seed_recurrent_ = arith::splitmix64_mix(config.seed ^ 0x22);
  seed_output_ = arith::splitmix64_mix(config.seed ^ 0x33);
  seed_traces_ = arith::splitmix64_mix(config.seed ^ 0x44);
  seed_signal_ = arith::splitmix64_mix(config.seed ^ 0x55);
  seeds_ = {seed_input_, seed_recurrent_, seed_output_, seed_traces_, seed_signal_};
  if constexpr (kFixed) lr_raw_ = arith::learning_rate_raw(config.online_lr > 0 ? config.online_lr : 1e-9);

  for (uint32_t k = 1; k < n_out_; ++k)
    if (!(model.readouts[k].kappa == model.readouts[0].kappa))
      throw InputError("e-prop filters eligibility with the readout decay kappa (eq. 45): all readout "
                       "populations must have the same tau_out_ms");
  kappa_ = n_out_ > 0 && config.filter_eligibility ? model.readouts[0].kappa
                                                    : arith::zero<Quantity::decay>(ops);

  {
    AlphaGroups<Ops> groups = alpha_groups(model);
    alpha_groups_ = std::move(groups.alpha);
    group_of_ = std::move(groups.group_of);
  }

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
  refresh_symmetric_feedback();

  h_.assign(n_, {});
  rho_.resize(n_);
  beta_.resize(n_);
  adaptive_.resize(n_);
  for (uint32_t j = 0; j < n_; ++j) {
    rho_[j] = model.neurons[j].rho;
    beta_[j] = model.neurons[j].beta;
    adaptive_[j] = model.neurons[j].adaptive ? 1 : 0;
  }
  if (config.threads != 1) pool_ = std::make_unique<WorkerPool>(config.threads);
  z_flag_.assign(n_, 0);
  x_flag_.assign(n_in_, 0);
  err_.assign(n_out_, Signal{});
  L_.assign(n_, Signal{});
  reg_.assign(n_, Signal{});
  if (config.storage == StorageScheme::full) {
    grad_output_.assign(model.readout_synapses.size(), Accumulator{});
    // Traces [group * n_sources + source], neuron inputs by global index.
    auto input_slot = [&](uint32_t i, uint32_t j) { return size_t{group_of_[j]} * n_in_ + i; };
    auto recurrent_slot = [&](uint32_t i, uint32_t j) { return size_t{group_of_[j]} * n_ + i; };
    auto build = [&](EtuSynapseStore<Ops>& store, std::vector<uint32_t>& entry_of, const model::SynapseMatrix<Ops>& m,
                     uint32_t n_sources, auto slot_of) {
      store.build(plastic_synapses(m, n_sources, 0, n_, slot_of), adaptive_);
      entry_of.assign(m.size(), kNoSynapse);
      for (size_t e = 0; e < store.size(); ++e) entry_of[store.synapses()[e].synapse] = static_cast<uint32_t>(e);
    };
    build(input_store_, input_entry_, model.input_synapses, n_in_, input_slot);
    build(recurrent_store_, recurrent_entry_, model.recurrent_synapses, n_, recurrent_slot);
    input_store_.use_reference_kernel(config.reference_kernel);
    recurrent_store_.use_reference_kernel(config.reference_kernel);
    // Room for a full window, so buffering a step never allocates.
    const size_t groups = alpha_groups_.size();
    pending_.step.reserve(kWindowSteps);
    pending_.h.reserve(kWindowSteps * n_);
    pending_.L.reserve(kWindowSteps * n_);
    pending_.xbar.reserve(kWindowSteps * groups * n_in_);
    pending_.zbar.reserve(kWindowSteps * groups * n_);
  }
  batch_spikes_.assign(n_, 0);
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
  flush_window();  // the last trial's steps, before eps_a and filtered are reset
  const size_t groups = alpha_groups_.size();
  xbar_.assign(groups * n_in_, {});
  zbar_.assign(groups * n_, {});
  zkappa_.assign(n_, {});
  input_store_.begin_trial();
  recurrent_store_.begin_trial();
  if (eligibility_owner_) eligibility_owner_->begin_trial();
  trial_spikes_ = 0;
  refresh_symmetric_feedback();
}

template <class Ops>
void EpropEngine<Ops>::begin_step(const std::vector<arith::SpikingState<Ops>>& state) {
  for (uint32_t j = 0; j < n_; ++j) h_[j] = state[j].h;  // h^t, before the simulator moves on
}

template <class Ops>
void EpropEngine<Ops>::finish_step(const std::vector<uint32_t>& previous_spikes,
                                   const std::vector<Voltage>& readouts,
                                   const std::vector<uint32_t>& inputs, const Voltage* target,
                                   bool has_target, const Signal* external_L) {
  auto start = Clock::now();
  for (uint32_t j : previous_spikes) z_flag_[j] = 1;  // z^t: what y^t was computed from
  for (uint32_t i : inputs) x_flag_[i] = 1;
  trial_spikes_ += previous_spikes.size();
  for (uint32_t j : previous_spikes) ++batch_spikes_[j];
  if (eligibility_owner_) {
    // The whole learning datapath of the step runs in the owner (the chip); errors and learning
    // signals are read back for errors() / learning_signals().
    eligibility_owner_->step(ops_, learning_step(target, has_target, external_L));
    eligibility_owner_->signals(err_.data(), L_.data());
    for (uint32_t j : previous_spikes) z_flag_[j] = 0;
    for (uint32_t i : inputs) x_flag_[i] = 0;
    ++step_count_;
    timers_.eligibility_s += seconds_since(start);
    return;
  }
  if (config_.storage == StorageScheme::factored && config_.feedback == FeedbackKind::symmetric)
    refresh_symmetric_feedback();  // output weights move within the trial
  compute_learning_signals(readouts, has_target, target, external_L);
  output_gradient(has_target);
  timers_.learning_signal_s += seconds_since(start);

  start = Clock::now();
  if (config_.storage == StorageScheme::full) record_window_step();
  else if (has_target) factored_updates();
  advance_traces();
  for (uint32_t j : previous_spikes) z_flag_[j] = 0;
  for (uint32_t i : inputs) x_flag_[i] = 0;
  ++step_count_;
  timers_.eligibility_s += seconds_since(start);
  if (pending_.size() == window_capacity()) flush_window();
}

template <class Ops>
LearningStep<Ops> EpropEngine<Ops>::learning_step(const Voltage* target, bool has_target,
                                                  const Signal* external_L) const {
  LearningStep<Ops> ls;
  ls.target = target;
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
void EpropEngine<Ops>::compute_learning_signals(const std::vector<Voltage>& y, bool has_target,
                                                const Voltage* target, const Signal* external_L) {
  const LearningStep<Ops> ls = learning_step(target, has_target, external_L);
  form_errors(ops_, ls, y.data(), err_.data());
  for (uint32_t j = 0; j < n_; ++j) L_[j] = form_learning_signal(ops_, ls, err_.data(), j);
}

template <class Ops>
void EpropEngine<Ops>::output_gradient(bool has_target) {
  const auto& ro = model_.readout_synapses;
  const LearningStep<Ops> ls = learning_step(nullptr, has_target, nullptr);
  const auto kappa = model_.readouts.empty() ? arith::zero<Quantity::decay>(ops_) : model_.readouts[0].kappa;
  for (uint32_t j = 0; j < n_; ++j) zkappa_[j] = output_trace_step(ops_, ls, kappa, zkappa_[j], j);
  if (!has_target) return;  // err = 0: nothing to add
  for (uint32_t j = 0; j < ro.n_sources; ++j) {
    if (is_zero(zkappa_[j])) continue;
    for (uint32_t s = ro.row_start[j]; s < ro.row_start[j + 1]; ++s) {
      if (!ro.plastic[s]) continue;
      const auto g = output_gradient_term(ops_, ls, err_[ro.target[s]], zkappa_[j], s);
      if (config_.storage == StorageScheme::full) {
        grad_output_[s] = arith::add(ops_, grad_output_[s], g);
      } else if constexpr (std::is_same_v<Ops, arith::FixedOps>) {
        const arith::DrawKey ks{seed_output_, arith::kStreamAccumulate, s, step_count_};
        const auto w = arith::online_lsb_step(ops_, model_.readout_synapses.weight[s],
                                               model_.readout_synapses.exponent[s], g, lr_raw_, ks);
        online_updates_ += w.raw != model_.readout_synapses.weight[s].raw;
        model_.readout_synapses.weight[s] = w;
      }
    }
  }
}

template <class Ops>
void EpropEngine<Ops>::set_etu_observer(EtuObserver<Ops>* observer) {
  if (observer && config_.storage != StorageScheme::full)
    throw InputError("only the full storage scheme runs the eligibility-trace unit (factored has no "
                     "per-synapse state): nothing to observe");
  if (observer && eligibility_owner_)
    throw InputError("the ETU observer watches the engine's own eligibility-trace unit, but the "
                     "eligibility state was handed to another owner");
  flush_window();  // steps taken before the observer came run unobserved (see window_capacity)
  etu_observer_ = observer;
}

template <class Ops>
void EpropEngine<Ops>::set_eligibility_owner(EligibilityOwner<Ops>* owner) {
  if (owner && config_.storage != StorageScheme::full)
    throw InputError("only the full storage scheme has per-synapse eligibility state to hand over");
  if (owner && etu_observer_)
    throw InputError("the ETU observer watches the engine's own eligibility-trace unit: it can't be "
                     "combined with an eligibility owner");
  flush_window();  // finish the engine's own steps (their saturations count) before the reset
  eligibility_owner_ = owner;
  clear_gradients();
  input_store_.begin_trial();
  recurrent_store_.begin_trial();
  for (auto& x : xbar_) x = {};
  for (auto& z : zbar_) z = {};
  for (auto& z : zkappa_) z = {};
  if (owner) owner->begin_trial();
}

// Buffers what this step's ETU updates read (see "Windowed ETU" in the header): h^t, L^t, the
// traces zbar^{t-1} before advance_traces moves them on, and the step of the draw keys.
template <class Ops>
void EpropEngine<Ops>::record_window_step() {
  pending_.step.push_back(step_count_);
  pending_.h.insert(pending_.h.end(), h_.begin(), h_.end());
  pending_.L.insert(pending_.L.end(), L_.begin(), L_.end());
  pending_.xbar.insert(pending_.xbar.end(), xbar_.begin(), xbar_.end());
  pending_.zbar.insert(pending_.zbar.end(), zbar_.begin(), zbar_.end());
}

// Runs the pending steps through the ETU and empties the window. Timed as eligibility. With an
// observer (a one-step window) each set is visited entry by entry, input set then recurrent, so the
// observer sees the updates in the order it always has; otherwise the kernel runs the window.
template <class Ops>
void EpropEngine<Ops>::flush_window() const {
  if (pending_.size() == 0) return;
  const auto start = Clock::now();
  const size_t groups = alpha_groups_.size();
  if (etu_observer_) {
    run_observed_step(SynapseSet::input, input_store_, pending_.xbar, seed_input_);
    run_observed_step(SynapseSet::recurrent, recurrent_store_, pending_.zbar, seed_recurrent_);
  } else {
    run_window(input_store_, pending_.xbar, groups * n_in_, seed_input_);
    run_window(recurrent_store_, pending_.zbar, groups * n_, seed_recurrent_);
  }
  pending_.step.clear();
  pending_.h.clear();
  pending_.L.clear();
  pending_.xbar.clear();
  pending_.zbar.clear();
  timers_.eligibility_s += seconds_since(start);
}

// Each synapse sees the window's steps in order with the inputs and key {seed, 0, synapse, step}
// of each, so the result is that of running step by step over all synapses.
template <class Ops>
void EpropEngine<Ops>::run_window(EtuSynapseStore<Ops>& store, const std::vector<Num<Ops, Quantity::trace>>& traces,
                                  size_t traces_per_step, uint64_t seed) const {
  const EtuNeuronConstants<Ops> constants{rho_.data(), beta_.data(), kappa_};
  EtuWindow<Ops> window;
  window.steps = pending_.size();
  window.step = pending_.step.data();
  window.h = pending_.h.data();
  window.L = pending_.L.data();
  window.neuron_stride = n_;
  window.traces = traces.data();
  window.trace_stride = traces_per_step;
  window.seed = seed;
  store.run(ops_, constants, window, pool_.get());
}

// The one pending step, entry by entry, each update shown to the observer first.
template <class Ops>
void EpropEngine<Ops>::run_observed_step(SynapseSet set, EtuSynapseStore<Ops>& store,
                                         const std::vector<Num<Ops, Quantity::trace>>& traces, uint64_t seed) const {
  arith::DrawKey key{seed, 0, 0, pending_.step[0]};
  for (size_t e = 0; e < store.size(); ++e) {
    const PlasticSynapse& ps = store.synapses()[e];
    const arith::EtuNeuronInput<Ops> n{pending_.h[ps.neuron], rho_[ps.neuron], beta_[ps.neuron], kappa_,
                                       pending_.L[ps.neuron], adaptive_[ps.neuron] != 0};
    key.index = ps.synapse;
    arith::EtuSynapseState<Ops> state = store.state(e);
    etu_observer_->on_etu_update(set, ps.synapse, n, traces[ps.trace_slot], state, key);
    arith::etu_update(ops_, n, traces[ps.trace_slot], state, key);
    store.set_state(e, state);
  }
}

template <class Ops>
void EpropEngine<Ops>::factored_updates() {
  if constexpr (std::is_same_v<Ops, arith::FixedOps>) {
    // e = h_j zbar_i formed on the fly (no eps_a, no kappa filter: neither factorizes into
    // per-neuron state), g = L_j e, then a +-1 LSB move with probability ~ lr |g|.
    auto run = [&](model::SynapseMatrix<Ops>& m, const std::vector<Num<Ops, Quantity::trace>>& trace,
                   uint32_t n_sources, uint64_t seed) {
      for (uint32_t i = 0; i < n_sources; ++i) {
        for (uint32_t s = m.row_start[i]; s < m.row_start[i + 1]; ++s) {
          const uint32_t j = m.target[s];
          if (!m.plastic[s] || h_[j].raw == 0 || L_[j].raw == 0) continue;
          const arith::DrawKey key{seed, arith::kStreamOnlineEligibility, s, step_count_};
          const auto e = arith::mul<Quantity::eligibility>(
              ops_, h_[j], trace[size_t{group_of_[j]} * n_sources + i], key);
          const auto g = arith::mul<Quantity::update_accumulator>(
              ops_, L_[j], e, key.with_stream(arith::kStreamOnlineProduct));
          const auto w = arith::online_lsb_step(ops_, m.weight[s], m.exponent[s], g, lr_raw_, key);
          online_updates_ += w.raw != m.weight[s].raw;
          m.weight[s] = w;
        }
      }
    };
    run(model_.input_synapses, xbar_, n_in_, seed_input_);
    run(model_.recurrent_synapses, zbar_, n_, seed_recurrent_);
  }
}

template <class Ops>
void EpropEngine<Ops>::advance_traces() {
  // zbar^t = alpha zbar^{t-1} + z^t (eq. 22), per distinct postsynaptic alpha.
  const LearningStep<Ops> ls = learning_step(nullptr, false, nullptr);
  const uint32_t groups = static_cast<uint32_t>(alpha_groups_.size());
  for (uint32_t g = 0; g < groups; ++g) {
    for (uint32_t i = 0; i < n_in_; ++i) {
      auto& x = xbar_[size_t{g} * n_in_ + i];
      x = presynaptic_trace_step(ops_, ls, alpha_groups_[g], x, g, n_in_, n_, false, i);
    }
    for (uint32_t i = 0; i < n_; ++i) {
      auto& z = zbar_[size_t{g} * n_ + i];
      z = presynaptic_trace_step(ops_, ls, alpha_groups_[g], z, g, n_in_, n_, true, i);
    }
  }
}

template <class Ops>
void EpropEngine<Ops>::end_trial(uint32_t steps) {
  flush_window();  // the trial's gradients are complete when it ends
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
  if (eligibility_owner_) return eligibility_owner_->gradient(set, s);
  flush_window();  // callers may read gradients right after the steps, without end_trial
  switch (set) {
    case SynapseSet::input:
      return s < input_entry_.size() && input_entry_[s] != kNoSynapse ? input_store_.accumulator(input_entry_[s])
                                                                      : Accumulator{};
    case SynapseSet::recurrent:
      return s < recurrent_entry_.size() && recurrent_entry_[s] != kNoSynapse
                 ? recurrent_store_.accumulator(recurrent_entry_[s])
                 : Accumulator{};
    case SynapseSet::readout: return grad_output_.empty() ? Accumulator{} : grad_output_[s];
  }
  return Accumulator{};
}

template <class Ops>
void EpropEngine<Ops>::clear_gradients() {
  flush_window();  // pending steps add to the gradients being cleared (and move eps_a, filtered)
  input_store_.clear_accumulators();
  recurrent_store_.clear_accumulators();
  for (auto& g : grad_output_) g = {};
  if (eligibility_owner_) eligibility_owner_->clear_gradients();
}

template <class Ops>
uint64_t EpropEngine<Ops>::apply_batch_update(const BatchUpdate& update) {
  if constexpr (std::is_same_v<Ops, arith::FixedOps>) {
    if (config_.storage != StorageScheme::full)
      throw InputError("the batch weight update applies the full scheme's accumulators; the factored "
                       "scheme updates its weights online");
    return learning::apply_batch_update(ops_, model_, update,
                                        [&](SynapseSet set, size_t s) { return gradient(set, s); });
  } else {
    (void)update;
    throw InputError("the batch weight-update unit is the chip's (fixed point); the float reference's "
                     "optimizers run on the host");
  }
}

template class EpropEngine<arith::FloatOps>;
template class EpropEngine<arith::FixedOps>;

}  // namespace nchip::learning
