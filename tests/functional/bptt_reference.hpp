// A float BPTT reference for the e-prop tests: the exact gradient of
// E = 1/2 sum_t mask^t sum_k (y_k^t - y*_k^t)^2 through the network of the functional simulator,
// with the same pseudo-derivative h (Methods, after eq. 23) and refractoriness (z = 0, h = 0).
//
// Computational graph (simulator timing: state s^t = (v^t, a^t), z^t = H(v^t - A^t), one
// Simulator::step(x^t) computes y^t from z^t, then s^{t+1}):
//   y^t     = kappa y^{t-1} + Wout z^t + b                              (eq. 41)
//   v^{t+1} = alpha v^t + Wrec z^t + Win x^t - v_th z^t                 (eq. 20)
//   a^{t+1} = rho a^t + H(v^t - A^t),  A^t = v_th + beta a^t            (eq. 25-26)
// Which dependencies are internal to neuron j (the matrix D_j^t = ds_j^{t+1}/ds_j^t, eq. 2) and
// which go through the learning signal L_j^t = dE/dz_j^t decides whether e-prop is exact:
//  - internal (in D, as the paper's ALIF D_j has da^{t+1}/dv^t = h^t, da^{t+1}/da^t = rho - h beta):
//    the leak alpha, and the spike's effect on its OWN adaptation, a^{t+1} <- H(v^t - A^t);
//  - through L (observable z): readouts (Wout), recurrent synapses (Wrec, i != j) and the reset
//    -v_th z_j^t of the neuron's own voltage.
// So with L^t = sum_k Wout_kj gy_k^t + sum_m Wrec_mj dv_m^{t+1} - v_th dv_j^{t+1},
//   dv^t = h^t (L^t + da^{t+1}) + alpha dv^{t+1}
//   da^t = -beta h^t L^t + (rho - beta h^t) da^{t+1}
// and dE/dWin_ji = sum_t dv_j^{t+1} x_i^t, dE/dWrec_ji = sum_t dv_j^{t+1} z_i^t,
// dE/dWout_kj = sum_t gy_k^t z_j^t with gy^t = mask^t (y^t - y*^t) + kappa gy^{t+1}.
// Feeding e-prop this L gives sum_t L^t e^t = the BPTT gradient exactly (eq. 1, 13-19).
#pragma once

#include <cstdint>
#include <vector>

#include "hw_model/functional/simulator.hpp"

namespace nchip::test {

struct BpttResult {
  std::vector<double> grad_input, grad_recurrent, grad_output;  // per synapse of each matrix
  std::vector<std::vector<double>> L;  // [t][j] = dE/dz_j^t through the external paths
  double loss = 0;
  uint64_t spikes = 0;
};

BpttResult bptt(const model::NetworkModel<arith::FloatOps>& model,
                const std::vector<std::vector<uint32_t>>& inputs,
                const std::vector<double>& target,  // [t * n_readouts + k]
                const std::vector<uint8_t>& mask);

}  // namespace nchip::test
