// The per-step learning work of e-prop besides the ETU loop (eligibility_pass.hpp), written once
// and called by both the functional EpropEngine (all neurons, all traces) and the SystemC chip
// (the LearningSignalUnit forms the errors; each core's PlasticityEngine forms the learning
// signals of its neurons, keeps the presynaptic traces of the sources that project onto it and,
// on readout cores, the output-weight gradients). Each function is one equation of
// hw_model/arith with the draw key the functional engine has always used, so which unit calls it,
// and in which order units run, can't change a bit: keys depend only on (seed, index, step) and
// saturation counts are sums.
#pragma once

#include <cstdint>
#include <vector>

#include "hw_model/arith/learning_signal.hpp"
#include "hw_model/arith/presynaptic_trace.hpp"
#include "hw_model/arith/weight_update.hpp"
#include "hw_model/learning/eligibility_pass.hpp"
#include "hw_model/learning/eprop_config.hpp"

namespace nchip::learning {

// The seeds of the e-prop engine's draw keys, derived from EpropConfig::seed by learning_seeds.
struct LearningSeeds {
  uint64_t input = 0, recurrent = 0, output = 0, traces = 0, signal = 0;
};
inline LearningSeeds learning_seeds(uint64_t seed) {
  return {arith::splitmix64_mix(seed ^ 0x11), arith::splitmix64_mix(seed ^ 0x22), arith::splitmix64_mix(seed ^ 0x33),
          arith::splitmix64_mix(seed ^ 0x44), arith::splitmix64_mix(seed ^ 0x55)};
}

// What the learning datapath reads at step t from outside a core's own state: the host's
// constants (feedback matrix B [j * n_readouts + k], the regularization term of every neuron's
// learning signal, the error kind), the host's targets y*^t, the spikes z^t and inputs x^t as
// 0/1 flags per source, and the engine's step count (the step of every draw key).
template <class Ops>
struct LearningStep {
  const Num<Ops, Quantity::voltage>* target = nullptr;  // n_readouts values, read when has_target
  // y^t of the chip model the engine steps beside (the functional datapath forms its errors from
  // them; the SystemC chip's learning-signal unit reads its own readouts).
  const Num<Ops, Quantity::voltage>* readouts = nullptr;
  bool has_target = false;
  const Num<Ops, Quantity::learning_signal>* external_L = nullptr;  // replaces L when given
  const Num<Ops, Quantity::weight>* feedback = nullptr;
  const Num<Ops, Quantity::learning_signal>* regularization = nullptr;
  const uint8_t* z_flag = nullptr;  // [neuron]: z^t
  const uint8_t* x_flag = nullptr;  // [input]: x^t
  Num<Ops, Quantity::decay> eligibility_kappa{};  // kappa of the ETU's filter (0: unfiltered, eq. 45)
  uint32_t n_readouts = 0;
  ErrorKind error = ErrorKind::regression;
  arith::ClassificationError classification = arith::ClassificationError::hard_sigmoid;
  LearningSeeds seeds;
  uint64_t step = 0;
};

// Distinct presynaptic filters of the spiking neurons (postsynaptic alpha, IF, CUBA's alpha_syn), in
// order of first appearance: the presynaptic trace zbar is kept once per (source, group) (eq. 22
// decays with the postsynaptic alpha; arith/presynaptic_trace.hpp).
template <class Ops>
struct TraceGroups {
  std::vector<arith::PresynapticFilter<Ops>> filter;
  std::vector<uint32_t> group_of;  // per spiking neuron
};

template <class Ops>
arith::PresynapticFilter<Ops> presynaptic_filter(const arith::SpikingParams<Ops>& p) {
  arith::PresynapticFilter<Ops> f;
  f.leaky = p.leaky;
  if (p.leaky) f.alpha = p.alpha;
  f.current_based = p.current_based;
  if (p.current_based) f.alpha_syn = p.alpha_syn;
  return f;
}

template <class Ops>
TraceGroups<Ops> trace_groups(const model::NetworkModel<Ops>& model) {
  TraceGroups<Ops> g;
  const uint32_t n = model.n_neurons();
  g.group_of.resize(n);
  for (uint32_t j = 0; j < n; ++j) {
    const auto f = presynaptic_filter(model.neurons[j]);
    uint32_t k = 0;
    while (k < g.filter.size() && !(g.filter[k] == f)) ++k;
    if (k == g.filter.size()) g.filter.push_back(f);
    g.group_of[j] = k;
  }
  return g;
}

// The readout errors err^t from the readouts y^t and the targets (zero without a target).
template <class Ops>
void form_errors(const Ops& ops, const LearningStep<Ops>& ls, const Num<Ops, Quantity::voltage>* y,
                 Num<Ops, Quantity::learning_signal>* err) {
  const uint32_t n_out = ls.n_readouts;
  if (!ls.has_target) {
    for (uint32_t k = 0; k < n_out; ++k) err[k] = Num<Ops, Quantity::learning_signal>{};
    return;
  }
  if (ls.error == ErrorKind::regression) {
    for (uint32_t k = 0; k < n_out; ++k)
      err[k] = arith::regression_error(ops, y[k], ls.target[k], arith::DrawKey{ls.seeds.signal, 0, k, ls.step});
  } else {
    arith::classification_error(ops, ls.classification, y, ls.target, err, n_out);
  }
}

// L_j^t = sum_k B_jk err_k^t + reg_j (or the external signal), from the broadcast errors.
template <class Ops>
Num<Ops, Quantity::learning_signal> form_learning_signal(const Ops& ops, const LearningStep<Ops>& ls,
                                                         const Num<Ops, Quantity::learning_signal>* err,
                                                         uint32_t j) {
  using Signal = Num<Ops, Quantity::learning_signal>;
  if (ls.external_L) return ls.external_L[j];
  const Signal task = ls.has_target ? arith::feedback_sum(ops, &ls.feedback[size_t{j} * ls.n_readouts], err,
                                                          ls.n_readouts, arith::DrawKey{ls.seeds.signal, 0, j, ls.step})
                                    : Signal{};
  return arith::add(ops, task, ls.regularization[j]);
}

// zbar^t = alpha zbar^{t-1} + z^t of one source for one trace group (eq. 22; for CUBA targets
// zsyn, the synaptic filter, moves too and feeds zbar instead of z); `recurrent`: a spiking source
// (index n_inputs + source in the key), else a network input.
template <class Ops>
Num<Ops, Quantity::trace> presynaptic_trace_step(const Ops& ops, const LearningStep<Ops>& ls,
                                                 const arith::PresynapticFilter<Ops>& filter,
                                                 Num<Ops, Quantity::trace> trace, Num<Ops, Quantity::trace>& zsyn,
                                                 uint32_t group, uint32_t n_inputs, uint32_t n_neurons,
                                                 bool recurrent, uint32_t source) {
  const size_t index = size_t{group} * (n_inputs + n_neurons) + (recurrent ? n_inputs : 0) + source;
  const bool spike = (recurrent ? ls.z_flag[source] : ls.x_flag[source]) != 0;
  return arith::presynaptic_step(ops, filter, trace, zsyn, spike,
                                 arith::DrawKey{ls.seeds.traces, 0, static_cast<uint32_t>(index), ls.step});
}

// The filter of the output weights' eligibility: the readouts' decay kappa (eq. 48, 53; zero
// without readouts), behind their synaptic filter alpha_syn for CubaLI readouts (issue #14: a
// spike reaches y through i and then y, so dy^t/dWout_kj = sum_t' kappa^{t-t'} zsyn_j^t', the
// CUBA neuron's two filters of presynaptic_trace.hpp with kappa in alpha's place). e-prop's
// engine checks that every readout has the same one.
template <class Ops>
arith::PresynapticFilter<Ops> output_trace_filter(const std::vector<arith::ReadoutParams<Ops>>& readouts) {
  arith::PresynapticFilter<Ops> f;
  if (readouts.empty()) return f;
  f.alpha = readouts[0].kappa;
  f.current_based = readouts[0].current_based;
  f.alpha_syn = readouts[0].alpha_syn;
  return f;
}

// zkappa_j^t = kappa zkappa_j^{t-1} + z_j^t, the output weights' eligibility (eq. 48, 53), or
// with a CubaLI readout's synaptic filter zkappa_j^t = kappa zkappa_j^{t-1} + zsyn_j^t (zsyn_j
// updated in place). Without the synaptic filter this is trace_step exactly.
template <class Ops>
Num<Ops, Quantity::trace> output_trace_step(const Ops& ops, const LearningStep<Ops>& ls,
                                            const arith::PresynapticFilter<Ops>& filter,
                                            Num<Ops, Quantity::trace> zkappa, Num<Ops, Quantity::trace>& zsyn,
                                            uint32_t j) {
  return arith::presynaptic_step(ops, filter, zkappa, zsyn, ls.z_flag[j] != 0,
                                 arith::DrawKey{ls.seeds.output, 0, j, ls.step});
}

// The step's output-weight gradient err_k^t zkappa_j^t of readout synapse s (j -> k).
template <class Ops>
Num<Ops, Quantity::update_accumulator> output_gradient_term(const Ops& ops, const LearningStep<Ops>& ls,
                                                            Num<Ops, Quantity::learning_signal> err_k,
                                                            Num<Ops, Quantity::trace> zkappa_j, uint32_t s) {
  return arith::mul<Quantity::update_accumulator>(
      ops, err_k, zkappa_j, arith::DrawKey{ls.seeds.output, arith::kStreamAccumulate, s, ls.step});
}

}  // namespace nchip::learning
