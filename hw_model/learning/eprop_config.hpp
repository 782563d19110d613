// Settings of the on-chip e-prop learning engine (eprop_engine.hpp), one struct with defaults.
#pragma once

#include <cstdint>

#include "hw_model/arith/learning_signal.hpp"
#include "hw_model/arith/quant_config.hpp"
#include "hw_model/model/learning_state.hpp"

namespace nchip::learning {

// Where learning signals come from (e-prop 1, Methods "Random feed-back matrices" and
// "Details to simulations for e-prop 1"):
enum class FeedbackKind : uint8_t {
  random,     // B_jk ~ N(0, 1/n), n = number of spiking neurons, fixed for the run
  symmetric,  // B_jk = Wout_kj, the current readout weights ("e-prop 1s")
  global,     // B_jk = 1/sqrt(n) for all j, k
};
enum class ErrorKind : uint8_t { regression, classification };

// The per-synapse state the chip keeps (full or factored, hw_model/model/learning_state.hpp).
using model::StorageScheme;

struct EpropConfig {
  FeedbackKind feedback = FeedbackKind::random;
  ErrorKind error = ErrorKind::regression;
  arith::ClassificationError classification = arith::ClassificationError::softmax_exact;
  StorageScheme storage = StorageScheme::full;
  // eq. 45: filter e with the readout's kappa before multiplying by L (e-prop 1). Off (kappa = 0
  // in the ETU) when L is the exact dE/dz from BPTT, which already contains the readout filter.
  bool filter_eligibility = true;
  // Firing-rate regularization (eq. 54-56): E_reg = c/2 * N_steps * sum_j (f_j - f_target)^2 with
  // rates in spikes per step over the previous batch, i.e. dE_reg/dz_j^t = c (f_j - f_target) at
  // every step (see EpropEngine::end_batch for how it is folded into L).
  double reg_strength = 0.0;
  double reg_target_rate_hz = 10.0;
  double dt_ms = 1.0;
  double online_lr = 0.0;  // factored scheme only: the learning rate of the +-1 LSB steps
  uint64_t seed = 1;       // feedback matrix and every stochastic rounding of the engine
  // Threads of the per-synapse work (the ETU windows), the caller's included; 0: every core.
  // Results are the same bytes for every count.
  unsigned threads = 1;
  // The ETU kernel: the fast one, or the plain definition it is tested against (for benchmarks
  // and cross-checks; same results, slower).
  bool reference_kernel = false;
  // Float only: each trial's gradient as one matrix product after the trial (trial_gradient.hpp)
  // instead of the ETU step by step; equal to it up to rounding, not bit for bit.
  bool trial_matrix = false;
};

// dE_reg/dz_j^t of the firing-rate regularization (eq. 55-56) for a neuron that fired `spikes`
// times in `steps` steps (the previous batch: the only rate an online chip knows): c (f_j -
// f_target), rates in spikes per step; 0 when regularization is off.
inline double rate_regularization_dE_dz(const EpropConfig& c, uint64_t spikes, uint64_t steps) {
  if (!(c.reg_strength > 0) || steps == 0) return 0.0;
  const double f = static_cast<double>(spikes) / static_cast<double>(steps);
  return c.reg_strength * (f - c.reg_target_rate_hz * c.dt_ms * 1e-3);
}


}  // namespace nchip::learning
