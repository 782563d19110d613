// The plasticity engine's batch weight-update unit (full storage scheme, fixed point): at the end
// of a batch every plastic synapse's accumulated weight change is applied to its weight, SGD
// (w - lr * acc), the sign update (w - lr * sign(acc)) or Lion (w - lr * sign of an interpolated
// momentum, one state word m per synapse, hw_model/arith/lion_update.hpp), rounded per the QuantConfig's
// update_rounding and saturating (hw_model/arith/weight_update.hpp). Chip behaviour, so it lives
// with the engine and not in the trainer; the float reference's optimizers (Adam, SGD) run on
// the host (runtime/train/optimizer.hpp).
#pragma once

#include <cstdint>

#include <algorithm>
#include <array>
#include <vector>

#include "hw_model/arith/lion_update.hpp"
#include "hw_model/arith/weight_update.hpp"
#include "hw_model/learning/state_vectors.hpp"
#include "hw_model/model/learning_state.hpp"
#include "hw_model/model/network_model.hpp"

namespace nchip::learning {

enum class BatchRule : uint8_t { sgd, sign, lion };

// The update unit's per-synapse optimizer state (Lion's momentum m, update_accumulator format),
// one vector per synapse set in matrix order; empty until the first Lion update sizes it (zeros,
// as Lion starts). Kept by the engine, so both chip models (functional and SystemC, which share
// the engine's update) advance the same state.
// state()/restore() hand it to a checkpoint as named vectors (state_vectors.hpp): an optimizer
// with more per-synapse words adds its vectors there.
struct BatchOptimizerState {
  std::array<std::vector<arith::Fx<arith::Quantity::update_accumulator>>, 3> momentum;

  static constexpr const char* kSetNames[3] = {"input", "recurrent", "readout"};
  StateVectors state() const {
    StateVectors out;
    for (int set = 0; set < 3; ++set)
      out.push_back(state_vector(std::string("batch_update.lion_m.") + kSetNames[set], momentum[set]));
    return out;
  }
  void restore(const StateVectors& saved) {
    for (int set = 0; set < 3; ++set)
      restore_vector(saved, std::string("batch_update.lion_m.") + kSetNames[set], momentum[set]);
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
};

inline constexpr uint32_t kStreamBatchUpdate = 0x5344;

// Bits of optimizer state per plastic synapse beside the weight and the e-prop state
// (model::learning_state_bits): Lion's m in the update_accumulator format, none for SGD and sign.
inline uint32_t optimizer_state_bits(BatchRule rule, const arith::QuantConfig& quant) {
  return rule == BatchRule::lion ? static_cast<uint32_t>(quant[arith::Quantity::update_accumulator].width) : 0;
}

// Applies `update` to every plastic synapse of the input, recurrent and readout matrices of
// `model` with gradient(set, synapse) as the accumulated change; returns the weight saturations
// it caused (also counted in ops.sat). Each synapse's draw key is {mix(seed ^ (0x5700 + set)),
// kStreamBatchUpdate, synapse, iteration}, so the order of visits cannot matter. BatchRule::lion
// reads and advances `state` (its momentum saturations count in ops.sat's update_accumulator slot).
template <class Gradient>
uint64_t apply_batch_update(const arith::FixedOps& ops, model::NetworkModel<arith::FixedOps>& model,
                            const BatchUpdate& update, BatchOptimizerState& state, Gradient&& gradient) {
  using arith::Quantity;
  const auto step = update.rule == BatchRule::sign ? &arith::sign_step : &arith::sgd_step;
  const bool lion = update.rule == BatchRule::lion;
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
    arith::DrawKey key{arith::splitmix64_mix(update.seed ^ (0x5700u + set)), kStreamBatchUpdate, 0, update.iteration};
    for (size_t s = 0; s < m.size(); ++s) {
      if (!m.plastic[s]) continue;
      key.index = static_cast<uint32_t>(s);
      const uint32_t lr_s = lr_raw_of(m.origin[s].projection);
      m.weight[s] = lion ? arith::lion_step(ops, m.weight[s], m.exponent[s], gradient(kSets[set], s), momentum[s],
                                            lr_s, update.lion, key)
                         : step(ops, m.weight[s], m.exponent[s], gradient(kSets[set], s), lr_s, key);
    }
  }
  return (*ops.sat)[Quantity::weight] - before;
}

}  // namespace nchip::learning
