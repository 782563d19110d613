// Backpropagation through time for the float reference: the exact gradient of a trial's error
// through the network of the functional simulator, with the same pseudo-derivative h (Methods,
// after eq. 23) and refractoriness (z = 0, h = 0 while refractory). It is the baseline e-prop is
// measured against (`nchip train --algorithm bptt`; the paper: store-recall in 28 iterations with
// BPTT, 50 with e-prop 1) and the ground truth of the factorization test (eq. 1: e-prop fed the
// exact learning signal L below gives these gradients).
//
// Computational graph (simulator timing: state s^t = (v^t, a^t, i^t), z^t = H(v^t - A^t), one
// Simulator::step(x^t) computes y^t from z^t, then s^{t+1}):
//   y^t     = kappa y^{t-1} + Wout z^t + b                              (eq. 41)
//            (CubaLI readout, issue #14: y^t = kappa y^{t-1} + iy^t + b, iy^t = alpha_syn iy^{t-1} + Wout z^t)
//   i^{t+1} = alpha_syn i^t + Wrec z^t + Win x^t                        (CUBA; else i^{t+1} is that sum)
//   v^{t+1} = alpha v^t + i^{t+1} + bias - r_j^t z^t                    (eq. 20)
//   a^{t+1} = rho a^t + H(v^t - A^t),  A^t = v_th + beta a^t            (eq. 25-26)
// alpha = 1 for IF; the reset amount r^t is v_th (reset by subtraction, eq. 20) or alpha v^t (reset
// to zero, v^{t+1} = alpha (1 - z^t) v^t + ...). Which dependencies are internal to neuron j (the
// matrix D_j^t = ds_j^{t+1}/ds_j^t, eq. 2) and which go through the learning signal
// L_j^t = dE/dz_j^t decides what e-prop's traces hold:
//  - internal (in D, as the paper's ALIF D_j has da^{t+1}/dv^t = h^t, da^{t+1}/da^t = rho - h beta):
//    the leak alpha, CUBA's current (dv^{t+1}/di^t = di^{t+1}/di^t = alpha_syn), and the spike's
//    effect on its OWN adaptation, a^{t+1} <- H(v^t - A^t);
//  - through L (observable z): readouts (Wout), recurrent synapses (Wrec, i != j), the reset
//    -r_j^t z_j^t of the neuron's own voltage, and any direct dE/dz term (rate regularization).
// Reset to zero: the reset amount r^t = alpha v^t is taken as given (its own derivative alpha z^t
// with respect to v^t is dropped), the convention e-prop's traces need (a D_j = alpha (1 - z_j)
// would make them per synapse; hw_model/arith/presynaptic_trace.hpp). Everything else is exact.
// So with gy^t = dE/dy^t + kappa gy^{t+1} (for a CubaLI readout gy is then replaced by its
// current's gi^t = gy^t + alpha_syn gi^{t+1} below) and di^{t+1} = dE/di^{t+1} = dv^{t+1} + alpha_syn di^{t+2}
// (di = dv without a synaptic current)
//   L^t  = sum_k Wout_kj gy_k^t + sum_m Wrec_mj di_m^{t+1} - r_j^t dv_j^{t+1} + direct_j
//   dv^t = h^t (L^t + da^{t+1}) + alpha dv^{t+1}
//   da^t = -beta h^t L^t + (rho - beta h^t) da^{t+1}
// the gradients are dE/dWin_ji = sum_t di_j^{t+1} x_i^t, dE/dWrec_ji = sum_t di_j^{t+1} z_i^t and
// dE/dWout_kj = sum_t gy_k^t z_j^t (sums over spikes only: the tape keeps spike lists).
#pragma once

#include <cstdint>
#include <vector>

#include "hw_model/functional/simulator.hpp"

namespace nchip::functional {

// What BPTT needs from a trial's forward pass, recorded around each Simulator step:
// record_before(sim) saves h^t, z^t and v^t (the reset-to-zero amount), sim.step(x^t), record_after(sim, x^t) saves x^t and y^t.
class BpttTape {
 public:
  void record_before(const Simulator<arith::FloatOps>& sim);
  void record_after(const Simulator<arith::FloatOps>& sim, const std::vector<uint32_t>& inputs);
  void clear();

  size_t steps() const { return y_.size(); }
  uint64_t spike_count() const { return spike_count_; }
  const std::vector<double>& h(size_t t) const { return h_[t]; }
  const std::vector<double>& v(size_t t) const { return v_[t]; }
  const std::vector<double>& readouts(size_t t) const { return y_[t]; }
  const std::vector<uint32_t>& spikes(size_t t) const { return spikes_[t]; }
  const std::vector<uint32_t>& inputs(size_t t) const { return inputs_[t]; }

 private:
  std::vector<std::vector<double>> h_, v_, y_;              // [t][j], [t][j], [t][k]
  std::vector<std::vector<uint32_t>> spikes_, inputs_;      // z^t and x^t as index lists
  uint64_t spike_count_ = 0;
};

struct BpttGradients {
  std::vector<double> input, recurrent, output;  // dE/dw per synapse of each matrix (all synapses)
  std::vector<std::vector<double>> L;            // [t][j] = dE/dz_j^t through the external paths
};

// dE_dy[t][k]: the error's direct derivative with respect to readout k at step t (zero where the
// task has no target); direct_dE_dz[j]: a direct derivative with respect to every z_j^t (the
// rate regularization, eq. 56; empty = none). `keep_L` keeps the learning signals (T x n doubles).
BpttGradients bptt_gradients(const model::NetworkModel<arith::FloatOps>& model, const BpttTape& tape,
                             const std::vector<std::vector<double>>& dE_dy,
                             const std::vector<double>& direct_dE_dz, bool keep_L);

}  // namespace nchip::functional
