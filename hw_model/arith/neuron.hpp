// Per-timestep neuron updates, written once for FloatOps and FixedOps
// (Bellec et al. 2019, Methods; equation numbers of ../shared/papers/eprop-bellec-2019.md).
//
// Timing: the state holds v[t], a[t], z[t]; `input` is sum_i Wrec[j,i] z_i[t] + sum_i Win[j,i]
// x_i[t] (one step of synaptic delay). One call produces v[t+1], a[t+1], z[t+1] and the
// pseudo-derivative h[t+1], which e-prop pairs with the presynaptic trace of step t (eq. 23).
//
// Current-based LIF (CUBA, Loihi's neuron; issue #14): the synaptic input first charges a current
// with its own decay, and the voltage integrates that current instead of the input:
//   i[t+1] = alpha_syn i[t] + sum_i W[j,i] z_i[t] (+ synaptic_bias)   (synaptic_drive)
//   v[t+1] = alpha v[t] + i[t+1] + bias - z[t] v_th      (spiking_step)
// This is eq. 20 with its input term sum W z[t] replaced by i[t+1] (the same sum low-pass filtered
// with alpha_syn) plus a constant bias; NIR's r is folded into W by the compiler. With alpha_syn = 0
// it is eq. 20 exactly; spikes, threshold and h are eq. 21-25 unchanged.
// Also issue #14, for every spiking type: reset to zero (v[t+1] = alpha * 0 + input + bias after a
// spike, instead of eq. 20's - z v_th), IF (no leak: alpha = 1), and a bias that also carries a
// non-zero v_leak, (1 - alpha) v_leak, folded in by the compiler.
#pragma once

#include <cstdint>

#include "hw_model/arith/ops.hpp"

namespace nchip::arith {

// Random-draw streams of the neuron datapath (for stochastic rounding), one per rounding point.
enum NeuronStream : uint32_t {
  kStreamVoltageDecay = 1,
  kStreamAdaptationDecay = 2,
  kStreamThreshold = 3,
  kStreamPseudoDerivativeScale = 4,
  kStreamPseudoDerivativeGain = 5,
  kStreamSynapticInput = 6,
  kStreamReadoutDecay = 7,
  kStreamSynapticCurrentDecay = 8,
  kStreamSynapticCurrentToVoltage = 9,
};

// Derived per-neuron constants (the compiler computes them from physical units and dt).
template <class Ops>
struct SpikingParams {
  Num<Ops, Quantity::decay> alpha{};              // exp(-dt / tau_m)              (eq. 20)
  Num<Ops, Quantity::voltage> v_th{};             // baseline threshold            (eq. 21)
  Num<Ops, Quantity::decay> rho{};                // exp(-dt / tau_a)              (eq. 26)
  Num<Ops, Quantity::voltage> beta{};             // threshold gain per unit a     (eq. 25)
  Num<Ops, Quantity::gain> inv_v_th{};            // 1 / v_th for h
  Num<Ops, Quantity::pseudo_derivative> gamma{};  // dampening factor, 0.3
  uint16_t refractory_steps = 0;                  // round(t_ref / dt)
  bool adaptive = false;                          // ALIF (eq. 25-26) or LIF
  // CUBA (issue #14): the input charges the synaptic current i, decaying with alpha_syn.
  bool current_based = false;
  Num<Ops, Quantity::decay> alpha_syn{};          // exp(-dt / tau_syn), CUBA only
  Num<Ops, Quantity::voltage> bias{};             // constant drive added to v every step
  // CUBA only: a constant added to i every step (NIR: an Affine bias into a CubaLIF, which its
  // tau_syn dI/dt = -I + w_in (W S + b) filters like any input).
  Num<Ops, Quantity::synaptic_current> synaptic_bias{};
  // Reset to zero (NIR's v_reset = 0, Lava's and snnTorch's "zero") instead of eq. 20's
  // subtraction: v[t] is cleared before the decay after a spike, v[t+1] = i + bias.
  bool reset_to_zero = false;
  bool leaky = true;                              // false: IF, v is kept without decay (alpha = 1)
};

template <class Ops>
struct SpikingState {
  Num<Ops, Quantity::voltage> v{};
  Num<Ops, Quantity::adaptation> a{};
  Num<Ops, Quantity::pseudo_derivative> h{};  // h[t] of the current step
  Num<Ops, Quantity::synaptic_current> i{};   // CUBA's synaptic current i[t] (0 otherwise)
  uint16_t refractory_left = 0;               // steps still blocked after a spike
  bool z = false;
};

template <class Ops>
struct ReadoutParams {
  Num<Ops, Quantity::decay> kappa{};  // exp(-dt / tau_out) (eq. 41)
  Num<Ops, Quantity::voltage> bias{}; // b_k (eq. 41)
  // NIR's CubaLI (issue #14): the input charges a synaptic current first, as in a CUBA neuron.
  bool current_based = false;
  Num<Ops, Quantity::decay> alpha_syn{};  // exp(-dt / tau_syn), current_based only
  Num<Ops, Quantity::synaptic_current> synaptic_bias{};  // added to i every step, current_based only
};

// Effective threshold A = v_th + beta * a (eq. 25); v_th for LIF.
template <class Ops>
inline Num<Ops, Quantity::voltage> threshold(const Ops& ops, const SpikingParams<Ops>& p,
                                             Num<Ops, Quantity::adaptation> a, const DrawKey& key) {
  if (!p.adaptive) return p.v_th;
  return add(ops, p.v_th, mul<Quantity::voltage>(ops, p.beta, a, key.with_stream(kStreamThreshold)));
}

// Pseudo-derivative h = gamma * max(0, 1 - |v - A| / v_th) (Methods, after eq. 23).
// The distance |v - A| / v_th is held in the gain format (unitless, with room above 1.0), and h is
// 0 without further arithmetic once |v - A| >= v_th, so nothing saturates for in-range voltages:
// the pseudo-derivative format (u16.16 by default) can hold neither 1.0 nor a distance above it.
template <class Ops>
inline Num<Ops, Quantity::pseudo_derivative> pseudo_derivative(
    const Ops& ops, const SpikingParams<Ops>& p, Num<Ops, Quantity::voltage> v,
    Num<Ops, Quantity::voltage> A, const DrawKey& key) {
  constexpr Quantity kPd = Quantity::pseudo_derivative;
  const auto gap = abs_value(ops, sub(ops, v, A));
  if (!greater(ops, p.v_th, gap)) return zero<kPd>(ops);
  const auto distance = mul<Quantity::gain>(ops, gap, p.inv_v_th,
                                            key.with_stream(kStreamPseudoDerivativeScale));
  const auto one_gain = one<Quantity::gain>(ops);
  if (!greater(ops, one_gain, distance)) return zero<kPd>(ops);  // rounding reached 1
  return mul<kPd>(ops, p.gamma, sub(ops, one_gain, distance),
                  key.with_stream(kStreamPseudoDerivativeGain));
}

// A synaptic current's step, i[t+1] = alpha_syn i[t] + sum + synaptic_bias (the sum rounded into
// the current format; the bias 0 unless NIR put an Affine bias in front of the current), and what
// it drives, i[t+1] in the voltage format. The one definition of the current, shared by CUBA
// neurons and CubaLI readouts.
template <class Ops>
inline Num<Ops, Quantity::voltage> synaptic_current_step(const Ops& ops, Num<Ops, Quantity::decay> alpha_syn,
                                                         Num<Ops, Quantity::synaptic_current> synaptic_bias,
                                                         Num<Ops, Quantity::synaptic_current>& i,
                                                         typename Ops::WeightSum sum, const DrawKey& key) {
  constexpr Quantity kI = Quantity::synaptic_current;
  const auto input = from_weight_sum<kI>(ops, sum, key.with_stream(kStreamSynapticInput));
  i = add(ops, mul<kI>(ops, alpha_syn, i, key.with_stream(kStreamSynapticCurrentDecay)), input);
  i = add(ops, i, synaptic_bias);  // exact: changes nothing when 0
  return convert<Quantity::voltage>(ops, i, key.with_stream(kStreamSynapticCurrentToVoltage));
}

// What drives this step's voltage update, from the exact sum of the synaptic input
// sum_i W[j,i] z_i[t] + sum_i Win[j,i] x_i[t]: LIF and ALIF take the sum itself (eq. 20), rounded
// once into the voltage format; a CUBA neuron rounds it into the current format and advances its
// current, i[t+1] = alpha_syn i[t] + sum, and is driven by i[t+1]. Both chip models call this, so
// the current exists once.
template <class Ops>
inline Num<Ops, Quantity::voltage> synaptic_drive(const Ops& ops, const SpikingParams<Ops>& p,
                                                  SpikingState<Ops>& s, typename Ops::WeightSum sum,
                                                  const DrawKey& key) {
  if (!p.current_based)
    return from_weight_sum<Quantity::voltage>(ops, sum, key.with_stream(kStreamSynapticInput));
  return synaptic_current_step(ops, p.alpha_syn, p.synaptic_bias, s.i, sum, key);
}

// What drives a readout this step, from the exact sum sum_j Wout[k,j] z_j[t]: the sum itself
// (eq. 41), or for a CubaLI readout (issue #14) its current i[t] = alpha_syn i[t-1] + sum, so
// y[t] = kappa y[t-1] + i[t] + b_k: the CUBA neuron's pairing of steps (the current a step's
// spikes charge enters the same step's update).
template <class Ops>
inline Num<Ops, Quantity::voltage> readout_drive(const Ops& ops, const ReadoutParams<Ops>& p,
                                                 Num<Ops, Quantity::synaptic_current>& i,
                                                 typename Ops::WeightSum sum, const DrawKey& key) {
  if (!p.current_based)
    return from_weight_sum<Quantity::voltage>(ops, sum, key.with_stream(kStreamSynapticInput));
  return synaptic_current_step(ops, p.alpha_syn, p.synaptic_bias, i, sum, key);
}

// One step of a LIF (eq. 20-21) or ALIF (eq. 20, 25-26) neuron with refractoriness: during the
// refractory steps z and h are forced to 0, the voltage keeps integrating (Methods, LIF model).
template <class Ops>
inline void spiking_step(const Ops& ops, const SpikingParams<Ops>& p, SpikingState<Ops>& s,
                         Num<Ops, Quantity::voltage> input, const DrawKey& key) {
  // Reset to zero clears v[t] before it decays (issue #14); IF keeps v[t] as it is (alpha = 1
  // exactly, which the decay format cannot hold, so it is a flag and no multiply).
  auto kept = s.z && p.reset_to_zero ? zero<Quantity::voltage>(ops) : s.v;
  if (p.leaky) kept = mul<Quantity::voltage>(ops, p.alpha, kept, key.with_stream(kStreamVoltageDecay));
  auto v = add(ops, kept, input);
  v = add(ops, v, p.bias);  // 0 unless a bias current is set (issue #14): exact, changes nothing
  if (s.z && !p.reset_to_zero) v = sub(ops, v, p.v_th);  // reset by subtraction, -z_j v_th of eq. 20
  if (p.adaptive) {
    auto a = mul<Quantity::adaptation>(ops, p.rho, s.a, key.with_stream(kStreamAdaptationDecay));
    if (s.z) a = add(ops, a, one<Quantity::adaptation>(ops));  // + z of eq. 26
    s.a = a;
  }
  if (s.z) {
    s.refractory_left = p.refractory_steps;
  } else if (s.refractory_left > 0) {
    --s.refractory_left;
  }
  s.v = v;
  if (s.refractory_left > 0) {
    s.z = false;
    s.h = zero<Quantity::pseudo_derivative>(ops);
    return;
  }
  const auto A = threshold(ops, p, s.a, key);
  s.z = greater(ops, v, A);  // H(v - A) with H(0) = 0 (eq. 21, 25)
  s.h = pseudo_derivative(ops, p, v, A, key);
}

// Leaky readout y[t] = kappa y[t-1] + sum_j Wout[k,j] z_j[t] + b_k (eq. 41).
template <class Ops>
inline Num<Ops, Quantity::voltage> readout_step(const Ops& ops, const ReadoutParams<Ops>& p,
                                                Num<Ops, Quantity::voltage> y,
                                                Num<Ops, Quantity::voltage> input,
                                                const DrawKey& key) {
  return add(ops, add(ops, mul<Quantity::voltage>(ops, p.kappa, y, key.with_stream(kStreamReadoutDecay)),
                      input),
             p.bias);
}

}  // namespace nchip::arith
