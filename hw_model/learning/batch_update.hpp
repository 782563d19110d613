// The plasticity engine's batch weight-update unit (full storage scheme, fixed point): at the end
// of a batch every plastic synapse's accumulated weight change is applied to its weight, SGD
// (w - lr * acc), the sign update (w - lr * sign(acc)) or Lion (w - lr * sign of an interpolated
// momentum, one state word m per synapse, hw_model/arith/lion_update.hpp) or Adam (m and v per
// synapse, hw_model/arith/adam_update.hpp) or Adafactor's factored second moment (row and column
// statistics per projection, hw_model/arith/adafactor_update.hpp), rounded per the QuantConfig's
// update_rounding and saturating (hw_model/arith/weight_update.hpp). Chip behaviour, so it lives
// with the engine and not in the trainer; the float reference's optimizers (Adam, SGD) run on
// the host (runtime/train/optimizer.hpp).
#pragma once

#include <cstdint>

#include <algorithm>
#include <array>
#include <functional>
#include <vector>

#include "hw_model/arith/adafactor_update.hpp"
#include "hw_model/arith/adam_update.hpp"
#include "hw_model/arith/lion_update.hpp"
#include "hw_model/arith/weight_update.hpp"
#include "hw_model/learning/state_vectors.hpp"
#include "hw_model/learning/factor_layout.hpp"
#include "hw_model/model/learning_state.hpp"
#include "hw_model/model/network_model.hpp"

namespace nchip::learning {

enum class BatchRule : uint8_t { sgd, sign, lion, adam, adafactor };

// The update unit's per-synapse optimizer state, named vectors per synapse set (input, recurrent,
// readout) in matrix order; each is empty until the first update of its rule sizes it (zeros, as
// Lion and Adam start). Kept by the engine, so both chip models (functional and SystemC, which
// share the engine's update) advance the same state, and saved/restored field by field.
struct BatchOptimizerState {
  std::array<std::vector<arith::Fx<arith::Quantity::update_accumulator>>, 3> momentum;  // Lion's m
  std::array<std::vector<arith::Fx<arith::Quantity::adam_m>>, 3> adam_m;               // Adam's m
  std::array<std::vector<arith::Fx<arith::Quantity::adam_v>>, 3> adam_v;               // Adam's v
  // Adafactor's row (per projection slot x target) and column (slot x source) statistics, 48-bit
  // registers in adam_v's units (factor_layout.hpp says which synapse uses which).
  std::array<std::vector<uint64_t>, 3> factor_row, factor_column;

  // state()/restore() hand every vector to a checkpoint by name (state_vectors.hpp); a rule with
  // more state adds its vectors here.
  static constexpr const char* kSetNames[3] = {"input", "recurrent", "readout"};
  StateVectors state() const {
    StateVectors out;
    for (int set = 0; set < 3; ++set) {
      const std::string s = kSetNames[set];
      out.push_back(state_vector("batch_update.lion_m." + s, momentum[set]));
      out.push_back(state_vector("batch_update.adam_m." + s, adam_m[set]));
      out.push_back(state_vector("batch_update.adam_v." + s, adam_v[set]));
      out.push_back(state_vector("batch_update.factor_row." + s, factor_row[set]));
      out.push_back(state_vector("batch_update.factor_column." + s, factor_column[set]));
    }
    return out;
  }
  void restore(const StateVectors& saved) {
    for (int set = 0; set < 3; ++set) {
      const std::string s = kSetNames[set];
      restore_vector(saved, "batch_update.lion_m." + s, momentum[set]);
      restore_vector(saved, "batch_update.adam_m." + s, adam_m[set]);
      restore_vector(saved, "batch_update.adam_v." + s, adam_v[set]);
      restore_vector(saved, "batch_update.factor_row." + s, factor_row[set]);
      restore_vector(saved, "batch_update.factor_column." + s, factor_column[set]);
    }
  }
};

// What the host loads into the unit for one batch update.
struct BatchUpdate {
  BatchRule rule = BatchRule::sgd;
  double lr = 0.0;          // 0 < lr < 256 (validated by the caller)
  uint64_t seed = 0;        // keys the stochastic update rounding: {mix(seed ^ (0x5700 + set)), ...}
  uint64_t iteration = 0;   // the batch's number (the draw key's step)
  arith::LionBetas lion;    // BatchRule::lion only
  // Per-projection rate shifts (projection_lr_shift.hpp), indexed by IR projection; empty: none.
  // Projection p's rate register is lr_raw >> shift[p] (at least 1).
  std::vector<uint8_t> lr_shift;
  arith::AdamShifts adam;  // BatchRule::adam and adafactor (beta2 only); lr is then the bias-corrected
                           // rate of this batch (arith::adam_bias_corrected_lr,
                           // arith::adafactor_bias_corrected_lr, computed by the host controller)
};

inline constexpr uint32_t kStreamBatchUpdate = 0x5344;

// Bits of optimizer state per plastic synapse beside the weight and the e-prop state
// (model::learning_state_bits): Lion's m in the update_accumulator format, Adam's m and v in the
// adam_m and adam_v formats, none for SGD, sign and Adafactor (whose row and column words,
// factor_state_bits, are per projection, not per synapse).
inline uint32_t optimizer_state_bits(BatchRule rule, const arith::QuantConfig& quant) {
  using arith::Quantity;
  switch (rule) {
    case BatchRule::lion: return static_cast<uint32_t>(quant[Quantity::update_accumulator].width);
    case BatchRule::adam: return static_cast<uint32_t>(quant[Quantity::adam_m].width + quant[Quantity::adam_v].width);
    case BatchRule::sgd:
    case BatchRule::sign:
    case BatchRule::adafactor: return 0;
  }
  return 0;
}

// State words the update unit reads and writes back per plastic synapse beside the weight (the
// SystemC model's update-phase cost, hw_model/systemc): Lion's m, Adam's m and v; Adafactor reads
// its synapse's row and column statistic (one more access: its first pass sums g^2 into them).
inline uint32_t optimizer_state_words(BatchRule rule) {
  return rule == BatchRule::lion || rule == BatchRule::adafactor ? 1 : rule == BatchRule::adam ? 2 : 0;
}

// Width of one Adafactor row or column register (arith::kFactorMaxRaw).
inline constexpr uint32_t kFactorRegisterBits = arith::kFactorRegisterBits;

// Bits of one row or column statistic register the optimizer keeps per projection beside the
// synapses (Adafactor's R and C), reserved per core by the compiler; 0 for the other rules.
inline uint32_t factor_register_bits(BatchRule rule) {
  return rule == BatchRule::adafactor ? kFactorRegisterBits : 0;
}

// Adafactor's statistics of one synapse matrix, in bits: (targets + sources) x 48 per projection.
template <class Ops>
uint64_t factor_state_bits(const model::SynapseMatrix<Ops>& m) {
  const FactorLayout f = factor_layout(m);
  return uint64_t{f.rows() + f.columns()} * kFactorRegisterBits;
}

// Adafactor on one synapse matrix: sums g^2 per row and column, advances the statistics, then
// steps every plastic synapse by lr u with u = g sqrt(S) / sqrt(R C) (S = the projection's row
// sum). Integer sums, per-row/column and per-synapse draw keys: no visiting order matters.
template <class Gradient>
void apply_adafactor(const arith::FixedOps& ops, model::SynapseMatrix<arith::FixedOps>& m, const BatchUpdate& update,
                     std::vector<uint64_t>& R, std::vector<uint64_t>& C, arith::DrawKey key, Gradient&& gradient,
                     const std::function<uint32_t(uint32_t)>& lr_raw_of) {
  const FactorLayout f = factor_layout(m);
  if (R.size() != f.rows()) R.assign(f.rows(), 0);
  if (C.size() != f.columns()) C.assign(f.columns(), 0);
  std::vector<uint64_t> row_sum(f.rows(), 0), column_sum(f.columns(), 0);
  for (size_t s = 0; s < m.size(); ++s) {
    if (!m.plastic[s]) continue;
    const uint64_t g2 = arith::factor_square(ops, gradient(s));
    row_sum[f.row[s]] = arith::factor_add(ops, row_sum[f.row[s]], g2);
    column_sum[f.column[s]] = arith::factor_add(ops, column_sum[f.column[s]], g2);
  }
  for (uint32_t r = 0; r < f.rows(); ++r) {
    key.index = r;
    R[r] = arith::factor_moment(ops, R[r], row_sum[r], update.adam, key, arith::kStreamFactorRow);
  }
  for (uint32_t c = 0; c < f.columns(); ++c) {
    key.index = c;
    C[c] = arith::factor_moment(ops, C[c], column_sum[c], update.adam, key, arith::kStreamFactorColumn);
  }
  std::vector<uint64_t> S(f.slots, 0);
  for (uint32_t r = 0; r < f.rows(); ++r) S[r / f.n_targets] = arith::factor_add(ops, S[r / f.n_targets], R[r]);
  for (size_t s = 0; s < m.size(); ++s) {
    if (!m.plastic[s]) continue;
    key.index = static_cast<uint32_t>(s);
    m.weight[s] = arith::adafactor_step(ops, m.weight[s], m.exponent[s], gradient(s), R[f.row[s]], C[f.column[s]],
                                        S[f.slot[s]], lr_raw_of(m.origin[s].projection), key);
  }
}

// Applies `update` to every plastic synapse of the input, recurrent and readout matrices of
// `model` with gradient(set, synapse) as the accumulated change; returns the weight saturations
// it caused (also counted in ops.sat). Each synapse's draw key is {mix(seed ^ (0x5700 + set)),
// kStreamBatchUpdate, synapse, iteration}, so the order of visits cannot matter. BatchRule::lion
// reads and advances `state` (its momentum saturations count in ops.sat's update_accumulator slot),
// BatchRule::adam its adam_m / adam_v (saturations in those slots), BatchRule::adafactor its
// factor_row / factor_column (apply_adafactor; saturations in adam_v's slot).
template <class Gradient>
uint64_t apply_batch_update(const arith::FixedOps& ops, model::NetworkModel<arith::FixedOps>& model,
                            const BatchUpdate& update, BatchOptimizerState& state, Gradient&& gradient) {
  using arith::Quantity;
  const auto step = update.rule == BatchRule::sign ? &arith::sign_step : &arith::sgd_step;
  const bool lion = update.rule == BatchRule::lion, adam = update.rule == BatchRule::adam;
  const uint32_t lr_raw = arith::learning_rate_raw(update.lr);
  const auto lr_raw_of = [&](uint32_t projection) -> uint32_t {
    if (projection >= update.lr_shift.size() || update.lr_shift[projection] == 0) return lr_raw;
    return std::max<uint32_t>(1, lr_raw >> update.lr_shift[projection]);
  };
  const uint64_t before = (*ops.sat)[Quantity::weight];
  model::SynapseMatrix<arith::FixedOps>* matrices[3] = {&model.input_synapses, &model.recurrent_synapses,
                                                        &model.readout_synapses};
  constexpr model::SynapseSet kSets[3] = {model::SynapseSet::input, model::SynapseSet::recurrent,
                                          model::SynapseSet::readout};
  for (uint32_t set = 0; set < 3; ++set) {
    auto& m = *matrices[set];
    auto& momentum = state.momentum[set];
    if (lion && momentum.size() != m.size()) momentum.assign(m.size(), {});
    auto& adam_m = state.adam_m[set];
    auto& adam_v = state.adam_v[set];
    if (adam && adam_m.size() != m.size()) adam_m.assign(m.size(), {});
    if (adam && adam_v.size() != m.size()) adam_v.assign(m.size(), {});
    arith::DrawKey key{arith::splitmix64_mix(update.seed ^ (0x5700u + set)), kStreamBatchUpdate, 0, update.iteration};
    if (update.rule == BatchRule::adafactor) {
      apply_adafactor(ops, m, update, state.factor_row[set], state.factor_column[set], key,
                      [&](size_t s) { return gradient(kSets[set], s); }, lr_raw_of);
      continue;
    }
    for (size_t s = 0; s < m.size(); ++s) {
      if (!m.plastic[s]) continue;
      key.index = static_cast<uint32_t>(s);
      const uint32_t lr_s = lr_raw_of(m.origin[s].projection);
      const auto g = gradient(kSets[set], s);
      m.weight[s] = lion   ? arith::lion_step(ops, m.weight[s], m.exponent[s], g, momentum[s], lr_s, update.lion, key)
                    : adam ? arith::adam_step(ops, m.weight[s], m.exponent[s], g, adam_m[s], adam_v[s], lr_s,
                                              update.adam, key)
                           : step(ops, m.weight[s], m.exponent[s], g, lr_s, key);
    }
  }
  return (*ops.sat)[Quantity::weight] - before;
}

}  // namespace nchip::learning
