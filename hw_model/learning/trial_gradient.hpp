// The float reference's e-prop gradient of a whole trial as one matrix product (issue #11), an
// alternative to running the eligibility-trace unit step by step (etu_kernel.hpp, the definition).
//
// Why it is exact: per synapse j <- i the ETU is linear in the presynaptic traces, and every
// coefficient depends only on the target j (Bellec et al. 2019, Methods, eq. 23, 27, 28, 45).
// With z_k the trace the unit reads at step k, a trial that starts from eps_a = ebar = 0 runs
//   e_k       = h_k (z_k - beta eps_k)                      (eq. 28; LIF: beta = 0, eq. 23)
//   eps_{k+1} = (rho - beta h_k) eps_k + h_k z_k            (eq. 27)
//   ebar_k    = kappa ebar_{k-1} + e_k                      (eq. 45)
//   acc      += L_k ebar_k
// so the trial adds sum_k c_k z_k to the accumulator, with a backward pass over the target's
// history alone:
//   Lf_k     = L_k + kappa Lf_{k+1}                         (the kappa-filtered future learning signal)
//   lambda_k = -beta h_k Lf_k + (rho - beta h_k) lambda_{k+1}   (d acc / d eps_k; LIF: 0)
//   c_k      = h_k (Lf_k + lambda_{k+1})
// and over all synapses of the trial G = C Z: C is (targets x steps), Z (steps x traces). The
// product runs in BLIS (bli_dgemm, one thread, so the bytes do not depend on a thread count; BLIS
// picks its kernels from the CPU's features, where Debian 12's OpenBLAS 0.3.21 falls back to SSE3
// kernels on CPUs newer than it knows, 3.7x slower on this project's machines). The
// sums are taken in another order than the per-step unit's, so results agree with it to rounding
// (tests/learning/test_trial_gradient.cpp: 1e-9 relative), not bit for bit.
#pragma once

#include "hw_model/learning/etu_kernel.hpp"

namespace nchip::learning {

// Adds the gradient of the trial whose steps are all in `w` (begun from eps_a = filtered = 0) to
// the accumulator of every position of `rows`, and leaves eps_a and filtered at zero (the trial is
// over: the next one starts from zero).
void add_trial_gradient(const EtuRows& rows, const EtuNeuronConstants<arith::FloatOps>& c,
                        const EtuWindow<arith::FloatOps>& w, EtuColumns<arith::FloatOps>& s);

}  // namespace nchip::learning
