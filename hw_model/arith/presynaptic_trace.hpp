// Low-pass traces of spike trains that e-prop keeps per neuron (not per synapse):
//  - the presynaptic trace zbar_i^t = alpha zbar_i^{t-1} + z_i^t (eq. 22), whose decay alpha is
//    that of the POSTsynaptic membrane (it is the voltage component of the eligibility vector),
//    so a source feeding targets with different tau_m needs one trace per distinct filter
//    (PresynapticFilter below: alpha, IF, CUBA's alpha_syn);
//  - the readout-filtered spike train zkappa_j^t = kappa zkappa_j^{t-1} + z_j^t, the eligibility
//    of output weights (eq. 48, 53).
// Written once for FloatOps and FixedOps (Bellec et al. 2019, Methods).
//
// The eligibility vector of the neurons beyond eq. 20 (issue #14). The e-prop eligibility vector
// eps_ji^{t+1} = D_j^t eps_ji^t + ds_j^{t+1}/dW_ji (eq. 13-14) and the trace e_ji^t =
// (dz_j^t/ds_j^t) eps_ji^t = h_j^t eps_{ji,v}^t (eq. 21-23) with the neuron update of
// hw_model/arith/neuron.hpp:
//  - CUBA LIF: the hidden state is s = (v, i) with i^{t+1} = alpha_syn i^t + sum_i W_ji z_i^t and
//    v^{t+1} = alpha v^t + i^{t+1} + bias - z^t v_th: the current of step t+1 (the one this
//    step's spikes charged) enters v^{t+1}. So D_j = [[alpha, alpha_syn], [0, alpha_syn]] and
//    ds^{t+1}/dW_ji = (z_i^t, z_i^t) (v sees the new current), which gives the two components
//      eps_{ji,i}^{t+1} = alpha_syn eps_{ji,i}^t + z_i^t          =: zsyn_i^t  (synaptic filter)
//      eps_{ji,v}^{t+1} = alpha eps_{ji,v}^t + eps_{ji,i}^{t+1}   =: zbar_i^t
//    with zsyn_i^t = alpha_syn zsyn_i^{t-1} + z_i^t and zbar_i^t = alpha zbar_i^{t-1} + zsyn_i^t:
//    eq. 22 with the spike replaced by its synaptically filtered version. The eligibility trace
//    stays e_ji^{t+1} = h_j^{t+1} zbar_i^t (eq. 23, the same pairing of steps as LIF), so the ETU,
//    its kernels and the factored scheme read zbar and need nothing new; only a second trace per
//    (source, filter) is kept. With alpha_syn = 0, zsyn = z and this is eq. 22 exactly.
//  - Reset to zero: v^{t+1} = alpha (1 - z^t) v^t + ... Its exact D_j = alpha (1 - z_j^t) would
//    make eps depend on the postsynaptic spike, a per-synapse trace. As the paper does for the
//    reset by subtraction (Methods after eq. 23: the reset's contribution is not propagated
//    through the eligibility trace), the reset is seen as the subtraction of a spike-triggered
//    amount r^t = alpha v^t taken as given: D_j = alpha, and the reset's dependence on z_j goes
//    through the learning signal (dv^{t+1}/dz^t = -alpha v^t, as -v_th for eq. 20). The
//    approximation is that the reset amount's own dependence on v^t (d r^t / dv^t = alpha z^t) is
//    dropped; hw_model/functional/bptt.* computes the gradient with the same convention.
//  - IF (no leak): alpha = 1, which the decay format cannot hold: the trace adds without a decay.
#pragma once

#include "hw_model/arith/ops.hpp"

namespace nchip::arith {

enum TraceStream : uint32_t {
  kStreamTraceDecay = 24,           // decay * trace
  kStreamSynapticTraceDecay = 25,   // alpha_syn * zsyn (CUBA targets)
};

// trace^t = decay * trace^{t-1} + spike^t; for zbar pass alpha of the postsynaptic neurons, for
// the output-weight trace pass the readout kappa.
template <class Ops>
inline Num<Ops, Quantity::trace> trace_step(const Ops& ops, Num<Ops, Quantity::decay> decay,
                                            Num<Ops, Quantity::trace> trace, bool spike,
                                            const DrawKey& key) {
  const auto decayed = mul<Quantity::trace>(ops, decay, trace, key.with_stream(kStreamTraceDecay));
  return spike ? add(ops, decayed, one<Quantity::trace>(ops)) : decayed;
}

// How a presynaptic trace zbar filters its source's spikes for one kind of postsynaptic neuron:
// the postsynaptic alpha (eq. 22), no decay for IF, and for CUBA targets the synaptic filter
// alpha_syn in front (see the top of this file). Targets with equal filters share one trace.
template <class Ops>
struct PresynapticFilter {
  Num<Ops, Quantity::decay> alpha{};      // postsynaptic membrane decay; unused when !leaky
  Num<Ops, Quantity::decay> alpha_syn{};  // postsynaptic synaptic-current decay; CUBA only
  bool leaky = true;                      // false: IF, alpha = 1
  bool current_based = false;             // CUBA: zbar integrates zsyn instead of z

  bool operator==(const PresynapticFilter& o) const {
    return leaky == o.leaky && current_based == o.current_based && (!leaky || alpha == o.alpha) &&
           (!current_based || alpha_syn == o.alpha_syn);
  }
};

// One step of a source's presynaptic trace for one filter: zsyn^t = alpha_syn zsyn^{t-1} + z^t
// (CUBA only, updated in place), then zbar^t = alpha zbar^{t-1} + (CUBA ? zsyn^t : z^t), alpha = 1
// for IF. A LIF filter is trace_step exactly (same key, same rounding). Both traces are in the
// trace format; zsyn saturates at the same bound (a CUBA zbar reaches rate x tau_m x tau_syn).
template <class Ops>
inline Num<Ops, Quantity::trace> presynaptic_step(const Ops& ops, const PresynapticFilter<Ops>& f,
                                                  Num<Ops, Quantity::trace> zbar,
                                                  Num<Ops, Quantity::trace>& zsyn, bool spike,
                                                  const DrawKey& key) {
  constexpr Quantity kT = Quantity::trace;
  const auto decayed = f.leaky ? mul<kT>(ops, f.alpha, zbar, key.with_stream(kStreamTraceDecay)) : zbar;
  if (!f.current_based) return spike ? add(ops, decayed, one<kT>(ops)) : decayed;
  zsyn = mul<kT>(ops, f.alpha_syn, zsyn, key.with_stream(kStreamSynapticTraceDecay));
  if (spike) zsyn = add(ops, zsyn, one<kT>(ops));
  return add(ops, decayed, zsyn);
}

}  // namespace nchip::arith
