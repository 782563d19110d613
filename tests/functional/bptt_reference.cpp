#include "tests/functional/bptt_reference.hpp"

namespace nchip::test {

BpttResult bptt(const model::NetworkModel<arith::FloatOps>& model,
                const std::vector<std::vector<uint32_t>>& inputs, const std::vector<double>& target,
                const std::vector<uint8_t>& mask) {
  const arith::FloatOps ops;
  const size_t T = inputs.size();
  const uint32_t n = model.n_neurons(), n_in = model.n_inputs, K = model.n_readouts();
  const double kappa = K > 0 ? model.readouts[0].kappa : 0.0;

  // Forward with the simulator itself, recording h^t, z^t (before step t) and y^t.
  functional::Simulator<arith::FloatOps> sim(model, ops, 0);
  std::vector<std::vector<double>> h(T, std::vector<double>(n)), z(T, std::vector<double>(n)),
      x(T, std::vector<double>(n_in)), y(T, std::vector<double>(K));
  BpttResult r;
  for (size_t t = 0; t < T; ++t) {
    for (uint32_t j = 0; j < n; ++j) {
      h[t][j] = sim.neurons()[j].h;
      z[t][j] = sim.neurons()[j].z ? 1.0 : 0.0;
      r.spikes += sim.neurons()[j].z;
    }
    for (uint32_t i : inputs[t]) x[t][i] = 1.0;
    sim.step(inputs[t]);
    for (uint32_t k = 0; k < K; ++k) y[t][k] = sim.readouts()[k];
  }

  std::vector<std::vector<double>> gy(T + 1, std::vector<double>(K, 0.0));
  for (size_t t = T; t-- > 0;)
    for (uint32_t k = 0; k < K; ++k) {
      const double err = mask[t] ? y[t][k] - target[t * K + k] : 0.0;
      r.loss += 0.5 * err * err;
      gy[t][k] = err + kappa * gy[t + 1][k];
    }

  std::vector<std::vector<double>> dv(T + 1, std::vector<double>(n, 0.0)), da = dv;
  r.L.assign(T, std::vector<double>(n, 0.0));
  const auto& ro = model.readout_synapses;
  const auto& rec = model.recurrent_synapses;
  for (size_t t = T; t-- > 0;) {
    auto& L = r.L[t];
    for (uint32_t j = 0; j < n; ++j) {
      for (uint32_t s = ro.row_start[j]; s < ro.row_start[j + 1]; ++s) L[j] += ro.weight[s] * gy[t][ro.target[s]];
      for (uint32_t s = rec.row_start[j]; s < rec.row_start[j + 1]; ++s)
        L[j] += rec.weight[s] * dv[t + 1][rec.target[s]];
      L[j] -= model.neurons[j].v_th * dv[t + 1][j];
    }
    for (uint32_t j = 0; j < n; ++j) {
      const auto& p = model.neurons[j];
      dv[t][j] = h[t][j] * (L[j] + da[t + 1][j]) + p.alpha * dv[t + 1][j];
      if (p.adaptive)
        da[t][j] = -p.beta * h[t][j] * L[j] + (p.rho - p.beta * h[t][j]) * da[t + 1][j];
    }
  }

  auto weight_grads = [&](const model::SynapseMatrix<arith::FloatOps>& m,
                          const std::vector<std::vector<double>>& pre) {
    std::vector<double> g(m.size(), 0.0);
    for (uint32_t i = 0; i < m.n_sources; ++i)
      for (uint32_t s = m.row_start[i]; s < m.row_start[i + 1]; ++s)
        for (size_t t = 0; t < T; ++t) g[s] += dv[t + 1][m.target[s]] * pre[t][i];
    return g;
  };
  r.grad_input = weight_grads(model.input_synapses, x);
  r.grad_recurrent = weight_grads(rec, z);
  r.grad_output.assign(ro.size(), 0.0);
  for (uint32_t j = 0; j < n; ++j)
    for (uint32_t s = ro.row_start[j]; s < ro.row_start[j + 1]; ++s)
      for (size_t t = 0; t < T; ++t) r.grad_output[s] += gy[t][ro.target[s]] * z[t][j];
  return r;
}

}  // namespace nchip::test
