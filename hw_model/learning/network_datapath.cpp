#include "hw_model/learning/network_datapath.hpp"

#include <chrono>
#include <type_traits>

#include "hw_model/arith/weight_update.hpp"
#include "hw_model/error.hpp"

namespace nchip::learning {

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

constexpr uint32_t kNoEntry = ~0u;

template <class N>
bool is_zero(const N& x) {
  if constexpr (std::is_same_v<N, double>) return x == 0.0;
  else return x.raw == 0;
}

}  // namespace


template <class Ops>
NetworkDatapath<Ops>::NetworkDatapath(model::NetworkModel<Ops>& model, const Ops& ops, const EpropConfig& config,
                                      const LearningSeeds& seeds, Num<Ops, Quantity::decay> kappa,
                                      EpropTimers& timers)
    : model_(model), ops_(ops), storage_(config.storage), kappa_(kappa), timers_(&timers) {
  n_ = model.n_neurons();
  n_in_ = model.n_inputs;
  n_out_ = model.n_readouts();
  readout_filter_ = output_trace_filter(model.readouts);
  if constexpr (std::is_same_v<Ops, arith::FixedOps>)
    lr_raw_ = arith::learning_rate_raw(config.online_lr > 0 ? config.online_lr : 1e-9);
  seed_input_ = seeds.input;
  seed_recurrent_ = seeds.recurrent;
  {
    TraceGroups<Ops> groups = trace_groups(model);
    trace_filters_ = std::move(groups.filter);
    group_of_ = std::move(groups.group_of);
  }
  h_.assign(n_, {});
  err_.assign(n_out_, Signal{});
  L_.assign(n_, Signal{});
  rho_.resize(n_);
  beta_.resize(n_);
  adaptive_.resize(n_);
  for (uint32_t j = 0; j < n_; ++j) {
    rho_[j] = model.neurons[j].rho;
    beta_[j] = model.neurons[j].beta;
    adaptive_[j] = model.neurons[j].adaptive ? 1 : 0;
  }
  if (storage_ == StorageScheme::full) {
    if (config.threads != 1) pool_ = std::make_unique<WorkerPool>(config.threads);
    grad_output_.assign(model.readout_synapses.size(), Accumulator{});
    // Traces [group * n_sources + source], neuron inputs by global index.
    auto input_slot = [&](uint32_t i, uint32_t j) { return size_t{group_of_[j]} * n_in_ + i; };
    auto recurrent_slot = [&](uint32_t i, uint32_t j) { return size_t{group_of_[j]} * n_ + i; };
    auto build = [&](EtuSynapseStore<Ops>& store, std::vector<uint32_t>& entry_of, const model::SynapseMatrix<Ops>& m,
                     uint32_t n_sources, auto slot_of) {
      store.build(plastic_synapses(m, n_sources, 0, n_, slot_of), adaptive_);
      store.use_reference_kernel(config.reference_kernel);
      entry_of.assign(m.size(), kNoEntry);
      for (size_t e = 0; e < store.size(); ++e) entry_of[store.synapses()[e].synapse] = static_cast<uint32_t>(e);
    };
    build(input_store_, input_entry_, model.input_synapses, n_in_, input_slot);
    build(recurrent_store_, recurrent_entry_, model.recurrent_synapses, n_, recurrent_slot);
    const size_t groups = trace_filters_.size();
    pending_.configure(n_, groups * n_in_, groups * n_);
    if (config.trial_matrix) {
      if constexpr (!std::is_same_v<Ops, arith::FloatOps>)
        throw InputError("the trial gradient as a matrix product is the float reference's (fixed point rounds every step)");
      trial_matrix_ = true;
    }
  }
  begin_trial();
}

template <class Ops>
void NetworkDatapath<Ops>::capture(const std::vector<arith::SpikingState<Ops>>& neurons) {
  for (uint32_t j = 0; j < n_; ++j) h_[j] = neurons[j].h;  // h^t, before the model moves on
}

template <class Ops>
void NetworkDatapath<Ops>::begin_trial() {
  flush();  // the last trial's steps, before eps_a and filtered are reset
  pending_from_trial_start_ = true;
  const size_t groups = trace_filters_.size();
  xbar_.assign(groups * n_in_, {});
  zbar_.assign(groups * n_, {});
  xsyn_.assign(groups * n_in_, {});
  zsyn_.assign(groups * n_, {});
  zkappa_.assign(n_, {});
  zsyn_out_.assign(n_, {});
  input_store_.begin_trial();
  recurrent_store_.begin_trial();
}

template <class Ops>
void NetworkDatapath<Ops>::reset() {
  flush();  // finish the pending steps (their saturations count) before the reset
  clear_gradients();
  begin_trial();
}

template <class Ops>
void NetworkDatapath<Ops>::step(const Ops& ops, const LearningStep<Ops>& ls) {
  auto start = Clock::now();
  form_errors(ops, ls, ls.readouts, err_.data());
  for (uint32_t j = 0; j < n_; ++j) L_[j] = form_learning_signal(ops, ls, err_.data(), j);
  output_gradient(ls);
  timers_->learning_signal_s += seconds_since(start);

  start = Clock::now();
  if (storage_ == StorageScheme::full) record_window_step(ls.step);
  else if (ls.has_target) factored_updates(ls);
  advance_traces(ls);
  timers_->eligibility_s += seconds_since(start);
  if (pending_.size() == window_capacity()) flush();
}

template <class Ops>
void NetworkDatapath<Ops>::signals(Signal* err, Signal* L) const {
  for (uint32_t k = 0; k < n_out_; ++k) err[k] = err_[k];
  for (uint32_t j = 0; j < n_; ++j) L[j] = L_[j];
}

// zkappa^t, then err_k^t zkappa_j^t into each plastic readout synapse's gradient (full) or an
// online +-1 LSB move of its weight (factored).
template <class Ops>
void NetworkDatapath<Ops>::output_gradient(const LearningStep<Ops>& ls) {
  auto& ro = model_.readout_synapses;
  for (uint32_t j = 0; j < n_; ++j) zkappa_[j] = output_trace_step(ops_, ls, readout_filter_, zkappa_[j], zsyn_out_[j], j);
  if (!ls.has_target) return;  // err = 0: nothing to add
  for (uint32_t j = 0; j < ro.n_sources; ++j) {
    if (is_zero(zkappa_[j])) continue;
    for (uint32_t s = ro.row_start[j]; s < ro.row_start[j + 1]; ++s) {
      if (!ro.plastic[s]) continue;
      const auto g = output_gradient_term(ops_, ls, err_[ro.target[s]], zkappa_[j], s);
      if (storage_ == StorageScheme::full) {
        grad_output_[s] = arith::add(ops_, grad_output_[s], g);
      } else if constexpr (std::is_same_v<Ops, arith::FixedOps>) {
        const arith::DrawKey ks{ls.seeds.output, arith::kStreamAccumulate, s, ls.step};
        const auto w = arith::online_lsb_step(ops_, ro.weight[s], ro.exponent[s], g, lr_raw_, ks);
        online_updates_ += w.raw != ro.weight[s].raw;
        ro.weight[s] = w;
      }
    }
  }
}

template <class Ops>
void NetworkDatapath<Ops>::set_observer(EtuObserver<Ops>* observer) {
  if (observer && storage_ != StorageScheme::full)
    throw InputError("only the full storage scheme runs the eligibility-trace unit (factored has no "
                     "per-synapse state): nothing to observe");
  flush();  // steps taken before the observer came run unobserved (see window_capacity)
  observer_ = observer;
}

// Buffers what this step's ETU updates read (see "Windowed ETU" in the header): h^t, L^t, the
// traces zbar^{t-1} before advance_traces moves them on, and the step of the draw keys.
template <class Ops>
void NetworkDatapath<Ops>::record_window_step(uint64_t step) {
  pending_.push(step, h_.data(), L_.data(), xbar_.data(), zbar_.data());
}

// Runs the pending steps through the ETU and empties the window. Timed as eligibility. With an
// observer (a one-step window) each set is visited entry by entry, input set then recurrent, so the
// observer sees the updates in the order it always has; otherwise the kernel runs the window.
template <class Ops>
void NetworkDatapath<Ops>::flush() const {
  if (pending_.size() == 0) return;
  const auto start = Clock::now();
  if (observer_) {
    run_observed_step(SynapseSet::input, input_store_, pending_.input_traces, seed_input_);
    run_observed_step(SynapseSet::recurrent, recurrent_store_, pending_.recurrent_traces, seed_recurrent_);
  } else {
    const EtuNeuronConstants<Ops> constants{rho_.data(), beta_.data(), kappa_};
    input_store_.run(ops_, constants, pending_.input_window(seed_input_), pool_.get());
    recurrent_store_.run(ops_, constants, pending_.recurrent_window(seed_recurrent_), pool_.get());
  }
  pending_.clear();
  pending_from_trial_start_ = false;  // the state is now mid-trial
  timers_->eligibility_s += seconds_since(start);
}

template <class Ops>
void NetworkDatapath<Ops>::end_trial() {
  if (!trial_matrix_ || !pending_from_trial_start_ || observer_ || pending_.size() == 0) return flush();
  const auto start = Clock::now();
  const EtuNeuronConstants<Ops> constants{rho_.data(), beta_.data(), kappa_};
  input_store_.add_trial_gradient(constants, pending_.input_window(seed_input_));
  recurrent_store_.add_trial_gradient(constants, pending_.recurrent_window(seed_recurrent_));
  pending_.clear();
  pending_from_trial_start_ = false;
  timers_->eligibility_s += seconds_since(start);
}

// The one pending step, entry by entry, each update shown to the observer first.
template <class Ops>
void NetworkDatapath<Ops>::run_observed_step(SynapseSet set, EtuSynapseStore<Ops>& store,
                                             const std::vector<Trace>& traces, uint64_t seed) const {
  arith::DrawKey key{seed, 0, 0, pending_.step[0]};
  for (size_t e = 0; e < store.size(); ++e) {
    const PlasticSynapse& ps = store.synapses()[e];
    const arith::EtuNeuronInput<Ops> n{pending_.h[ps.neuron], rho_[ps.neuron], beta_[ps.neuron], kappa_,
                                       pending_.L[ps.neuron], adaptive_[ps.neuron] != 0};
    key.index = ps.synapse;
    arith::EtuSynapseState<Ops> state = store.state(e);
    observer_->on_etu_update(set, ps.synapse, n, traces[ps.trace_slot], state, key);
    arith::etu_update(ops_, n, traces[ps.trace_slot], state, key);
    store.set_state(e, state);
  }
}

template <class Ops>
void NetworkDatapath<Ops>::factored_updates(const LearningStep<Ops>& ls) {
  if constexpr (std::is_same_v<Ops, arith::FixedOps>) {
    // e = h_j zbar_i formed on the fly (no eps_a, no kappa filter: neither factorizes into
    // per-neuron state), g = L_j e, then a +-1 LSB move with probability ~ lr |g|.
    auto run = [&](model::SynapseMatrix<Ops>& m, const std::vector<Trace>& trace, uint32_t n_sources, uint64_t seed) {
      for (uint32_t i = 0; i < n_sources; ++i) {
        for (uint32_t s = m.row_start[i]; s < m.row_start[i + 1]; ++s) {
          const uint32_t j = m.target[s];
          if (!m.plastic[s] || h_[j].raw == 0 || L_[j].raw == 0) continue;
          const arith::DrawKey key{seed, arith::kStreamOnlineEligibility, s, ls.step};
          const auto e = arith::mul<Quantity::eligibility>(ops_, h_[j], trace[size_t{group_of_[j]} * n_sources + i], key);
          const auto g = arith::mul<Quantity::update_accumulator>(ops_, L_[j], e,
                                                                  key.with_stream(arith::kStreamOnlineProduct));
          const auto w = arith::online_lsb_step(ops_, m.weight[s], m.exponent[s], g, lr_raw_, key);
          online_updates_ += w.raw != m.weight[s].raw;
          m.weight[s] = w;
        }
      }
    };
    run(model_.input_synapses, xbar_, n_in_, ls.seeds.input);
    run(model_.recurrent_synapses, zbar_, n_, ls.seeds.recurrent);
  } else {
    (void)ls;
  }
}

template <class Ops>
void NetworkDatapath<Ops>::advance_traces(const LearningStep<Ops>& ls) {
  // zbar^t = alpha zbar^{t-1} + z^t (eq. 22), per distinct postsynaptic filter (CUBA: through zsyn).
  const uint32_t groups = static_cast<uint32_t>(trace_filters_.size());
  for (uint32_t g = 0; g < groups; ++g) {
    for (uint32_t i = 0; i < n_in_; ++i) {
      const size_t q = size_t{g} * n_in_ + i;
      xbar_[q] = presynaptic_trace_step(ops_, ls, trace_filters_[g], xbar_[q], xsyn_[q], g, n_in_, n_, false, i);
    }
    for (uint32_t i = 0; i < n_; ++i) {
      const size_t q = size_t{g} * n_ + i;
      zbar_[q] = presynaptic_trace_step(ops_, ls, trace_filters_[g], zbar_[q], zsyn_[q], g, n_in_, n_, true, i);
    }
  }
}

template <class Ops>
typename NetworkDatapath<Ops>::Accumulator NetworkDatapath<Ops>::gradient(SynapseSet set, size_t s) const {
  flush();  // callers may read gradients right after the steps, without end_trial
  switch (set) {
    case SynapseSet::input:
      return s < input_entry_.size() && input_entry_[s] != kNoEntry ? input_store_.accumulator(input_entry_[s])
                                                                    : Accumulator{};
    case SynapseSet::recurrent:
      return s < recurrent_entry_.size() && recurrent_entry_[s] != kNoEntry
                 ? recurrent_store_.accumulator(recurrent_entry_[s])
                 : Accumulator{};
    case SynapseSet::readout: return grad_output_.empty() ? Accumulator{} : grad_output_[s];
  }
  return Accumulator{};
}

template <class Ops>
void NetworkDatapath<Ops>::clear_gradients() {
  flush();  // pending steps add to the gradients being cleared (and move eps_a, filtered)
  input_store_.clear_accumulators();
  recurrent_store_.clear_accumulators();
  for (auto& g : grad_output_) g = {};
}

template class NetworkDatapath<arith::FloatOps>;
template class NetworkDatapath<arith::FixedOps>;

}  // namespace nchip::learning
