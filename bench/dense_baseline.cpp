#include "bench/dense_baseline.hpp"

namespace nchip::bench {

namespace {

// Row-major [target][source] copy of a synapse matrix.
std::vector<double> densify(const model::SynapseMatrix<arith::FloatOps>& m) {
  std::vector<double> dense(size_t{m.n_targets} * m.n_sources, 0.0);
  for (uint32_t s = 0; s < m.n_sources; ++s)
    for (uint32_t k = m.row_start[s]; k < m.row_start[s + 1]; ++k)
      dense[size_t{m.target[k]} * m.n_sources + s] += m.weight[k];
  return dense;
}

void mat_vec_add(const std::vector<double>& dense, uint32_t n_sources, const std::vector<double>& x,
                 std::vector<double>& y) {
  for (size_t j = 0; j < y.size(); ++j) {
    const double* row = dense.data() + j * n_sources;
    double sum = 0.0;
    for (uint32_t i = 0; i < n_sources; ++i) sum += row[i] * x[i];
    y[j] += sum;
  }
}

}  // namespace

DenseRun run_dense_baseline(const model::NetworkModel<arith::FloatOps>& model,
                            const std::vector<std::vector<uint32_t>>& inputs, uint32_t steps) {
  const arith::FloatOps ops;
  const uint32_t n = model.n_neurons();
  const uint32_t n_out = model.n_readouts();
  const auto w_in = densify(model.input_synapses);
  const auto w_rec = densify(model.recurrent_synapses);
  const auto w_out = densify(model.readout_synapses);
  std::vector<arith::SpikingState<arith::FloatOps>> state(n);
  std::vector<double> y(n_out, 0.0), x(model.n_inputs, 0.0), z(n, 0.0), i_rec(n), i_out(n_out);
  DenseRun run;
  for (uint32_t t = 0; t < steps; ++t) {
    std::fill(x.begin(), x.end(), 0.0);
    if (t < inputs.size())
      for (uint32_t i : inputs[t]) x[i] = 1.0;
    std::fill(i_out.begin(), i_out.end(), 0.0);
    mat_vec_add(w_out, n, z, i_out);
    for (uint32_t k = 0; k < n_out; ++k) y[k] = arith::readout_step(ops, model.readouts[k], y[k], i_out[k], {});
    std::fill(i_rec.begin(), i_rec.end(), 0.0);
    mat_vec_add(w_in, model.n_inputs, x, i_rec);
    mat_vec_add(w_rec, n, z, i_rec);
    for (uint32_t j = 0; j < n; ++j) {
      arith::spiking_step(ops, model.neurons[j], state[j], i_rec[j], {});
      z[j] = state[j].z ? 1.0 : 0.0;
      run.spikes += state[j].z;
    }
    run.multiply_adds += w_in.size() + w_rec.size() + w_out.size();
  }
  return run;
}

}  // namespace nchip::bench
