#include "hw_model/functional/bptt.hpp"

#include <utility>

namespace nchip::functional {

void BpttTape::record_before(const Simulator<arith::FloatOps>& sim) {
  const auto& neurons = sim.neurons();
  std::vector<double> h(neurons.size()), v(neurons.size());
  std::vector<uint32_t> z;
  for (uint32_t j = 0; j < neurons.size(); ++j) {
    h[j] = neurons[j].h;
    v[j] = neurons[j].v;
    if (neurons[j].z) z.push_back(j);
  }
  spike_count_ += z.size();
  h_.push_back(std::move(h));
  v_.push_back(std::move(v));
  spikes_.push_back(std::move(z));
}

void BpttTape::record_after(const Simulator<arith::FloatOps>& sim, const std::vector<uint32_t>& inputs) {
  inputs_.push_back(inputs);
  y_.push_back(sim.readouts());
}

void BpttTape::clear() {
  h_.clear();
  v_.clear();
  y_.clear();
  spikes_.clear();
  inputs_.clear();
  spike_count_ = 0;
}

BpttGradients bptt_gradients(const model::NetworkModel<arith::FloatOps>& model, const BpttTape& tape,
                             const std::vector<std::vector<double>>& dE_dy,
                             const std::vector<double>& direct_dE_dz, bool keep_L) {
  const size_t T = tape.steps();
  const uint32_t n = model.n_neurons(), K = model.n_readouts();
  const double kappa = K > 0 ? model.readouts[0].kappa : 0.0;
  const auto& in = model.input_synapses;
  const auto& rec = model.recurrent_synapses;
  const auto& ro = model.readout_synapses;

  BpttGradients g;
  g.input.assign(in.size(), 0.0);
  g.recurrent.assign(rec.size(), 0.0);
  g.output.assign(ro.size(), 0.0);
  if (keep_L) g.L.assign(T, {});

  // Backward in time; *_next hold step t + 1 (zero beyond the trial's end), di_next di^{t+1}
  // (on entry to step t it still holds di^{t+2}).
  std::vector<double> gy(K, 0.0), gi(K, 0.0), dv_next(n, 0.0), da_next(n, 0.0), di_next(n, 0.0), dv(n), da(n), L(n);
  for (size_t t = T; t-- > 0;) {
    for (uint32_t k = 0; k < K; ++k) {
      gy[k] = dE_dy[t][k] + kappa * gy[k];
      const auto& r = model.readouts[k];
      gi[k] = r.current_based ? gy[k] + r.alpha_syn * gi[k] : gy[k];  // CubaLI: dE/di_k^t
    }
    for (uint32_t j = 0; j < n; ++j) {
      const auto& p = model.neurons[j];
      di_next[j] = p.current_based ? dv_next[j] + p.alpha_syn * di_next[j] : dv_next[j];
    }

    const std::vector<double>& h = tape.h(t);
    const std::vector<double>& v = tape.v(t);
    for (uint32_t j = 0; j < n; ++j) {
      const auto& p = model.neurons[j];
      const double alpha = p.leaky ? p.alpha : 1.0;
      const double reset_amount = p.reset_to_zero ? alpha * v[j] : p.v_th;
      double l = (direct_dE_dz.empty() ? 0.0 : direct_dE_dz[j]) - reset_amount * dv_next[j];
      for (uint32_t s = ro.row_start[j]; s < ro.row_start[j + 1]; ++s) l += ro.weight[s] * gi[ro.target[s]];
      for (uint32_t s = rec.row_start[j]; s < rec.row_start[j + 1]; ++s) l += rec.weight[s] * di_next[rec.target[s]];
      L[j] = l;
    }

    // The weights' share of step t: presynaptic events of step t times the postsynaptic di^{t+1}.
    for (uint32_t i : tape.inputs(t))
      for (uint32_t s = in.row_start[i]; s < in.row_start[i + 1]; ++s) g.input[s] += di_next[in.target[s]];
    for (uint32_t j : tape.spikes(t)) {
      for (uint32_t s = rec.row_start[j]; s < rec.row_start[j + 1]; ++s) g.recurrent[s] += di_next[rec.target[s]];
      for (uint32_t s = ro.row_start[j]; s < ro.row_start[j + 1]; ++s) g.output[s] += gi[ro.target[s]];
    }

    for (uint32_t j = 0; j < n; ++j) {
      const auto& p = model.neurons[j];
      const double alpha = p.leaky ? p.alpha : 1.0;
      dv[j] = h[j] * (L[j] + da_next[j]) + alpha * dv_next[j];
      da[j] = p.adaptive ? -p.beta * h[j] * L[j] + (p.rho - p.beta * h[j]) * da_next[j] : 0.0;
    }
    std::swap(dv, dv_next);
    std::swap(da, da_next);
    if (keep_L) g.L[t] = L;
  }
  return g;
}

}  // namespace nchip::functional
