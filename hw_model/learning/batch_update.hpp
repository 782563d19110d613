// The plasticity engine's batch weight-update unit (full storage scheme, fixed point): at the end
// of a batch every plastic synapse's accumulated weight change is applied to its weight, SGD
// (w - lr * acc), the sign update (w - lr * sign(acc)) or Lion (w - lr * sign of an interpolated
// momentum, one state word m per synapse, hw_model/arith/lion_update.hpp) or Adam (m and v per
// synapse, hw_model/arith/adam_update.hpp), rounded per the QuantConfig's
// update_rounding and saturating (hw_model/arith/weight_update.hpp). Chip behaviour, so it lives
// with the engine and not in the trainer; the float reference's optimizers (Adam, SGD) run on
// the host (runtime/train/optimizer.hpp).
#pragma once

#include <cstdint>

#include <algorithm>
#include <array>
#include <vector>

#include "hw_model/arith/adam_update.hpp"
#include "hw_model/arith/lion_update.hpp"
#include "hw_model/arith/weight_update.hpp"
#include "hw_model/model/learning_state.hpp"
#include "hw_model/model/network_model.hpp"

namespace nchip::learning {

enum class BatchRule : uint8_t { sgd, sign, lion, adam };

// The update unit's per-synapse optimizer state, named vectors per synapse set (input, recurrent,
// readout) in matrix order; each is empty until the first update of its rule sizes it (zeros, as
// Lion and Adam start). Kept by the engine, so both chip models (functional and SystemC, which
// share the engine's update) advance the same state, and saved/restored field by field.
struct BatchOptimizerState {
  std::array<std::vector<arith::Fx<arith::Quantity::update_accumulator>>, 3> momentum;  // Lion's m
  std::array<std::vector<arith::Fx<arith::Quantity::adam_m>>, 3> adam_m;               // Adam's m
  std::array<std::vector<arith::Fx<arith::Quantity::adam_v>>, 3> adam_v;               // Adam's v
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
  arith::AdamShifts adam;  // BatchRule::adam only; lr is then the bias-corrected rate of this batch
                           // (arith::adam_bias_corrected_lr, computed by the host controller)
};

inline constexpr uint32_t kStreamBatchUpdate = 0x5344;

// Bits of optimizer state per plastic synapse beside the weight and the e-prop state
// (model::learning_state_bits): Lion's m in the update_accumulator format, Adam's m and v in the
// adam_m and adam_v formats, none for SGD and sign.
inline uint32_t optimizer_state_bits(BatchRule rule, const arith::QuantConfig& quant) {
  using arith::Quantity;
  switch (rule) {
    case BatchRule::lion: return static_cast<uint32_t>(quant[Quantity::update_accumulator].width);
    case BatchRule::adam: return static_cast<uint32_t>(quant[Quantity::adam_m].width + quant[Quantity::adam_v].width);
    case BatchRule::sgd:
    case BatchRule::sign: return 0;
  }
  return 0;
}

// State words the update unit reads and writes back per plastic synapse beside the weight (the
// SystemC model's update-phase cost, hw_model/systemc): Lion's m, Adam's m and v.
inline uint32_t optimizer_state_words(BatchRule rule) {
  return rule == BatchRule::lion ? 1 : rule == BatchRule::adam ? 2 : 0;
}

// Applies `update` to every plastic synapse of the input, recurrent and readout matrices of
// `model` with gradient(set, synapse) as the accumulated change; returns the weight saturations
// it caused (also counted in ops.sat). Each synapse's draw key is {mix(seed ^ (0x5700 + set)),
// kStreamBatchUpdate, synapse, iteration}, so the order of visits cannot matter. BatchRule::lion
// reads and advances `state` (its momentum saturations count in ops.sat's update_accumulator slot),
// BatchRule::adam its adam_m / adam_v (saturations in those slots).
template <class Gradient>
uint64_t apply_batch_update(const arith::FixedOps& ops, model::NetworkModel<arith::FixedOps>& model,
                            const BatchUpdate& update, BatchOptimizerState& state, Gradient&& gradient) {
  using arith::Quantity;
  const auto step = update.rule == BatchRule::sign ? &arith::sign_step : &arith::sgd_step;
  const bool lion = update.rule == BatchRule::lion, adam = update.rule == BatchRule::adam;
  const uint32_t lr_raw = arith::learning_rate_raw(update.lr);
  const auto lr_raw_of = [&](uint32_t projection) {
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
