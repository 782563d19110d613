// Low-pass traces of spike trains that e-prop keeps per neuron (not per synapse):
//  - the presynaptic trace zbar_i^t = alpha zbar_i^{t-1} + z_i^t (eq. 22), whose decay alpha is
//    that of the POSTsynaptic membrane (it is the voltage component of the eligibility vector),
//    so a source feeding targets with different tau_m needs one trace per distinct alpha;
//  - the readout-filtered spike train zkappa_j^t = kappa zkappa_j^{t-1} + z_j^t, the eligibility
//    of output weights (eq. 48, 53).
// Written once for FloatOps and FixedOps (Bellec et al. 2019, Methods).
#pragma once

#include "hw_model/arith/ops.hpp"

namespace nchip::arith {

enum TraceStream : uint32_t {
  kStreamTraceDecay = 24,  // decay * trace
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

}  // namespace nchip::arith
