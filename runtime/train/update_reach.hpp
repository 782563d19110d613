// Can the on-chip batch update move a weight at all? sign_step and sgd_step
// (hw_model/arith/weight_update.hpp) round the step to the weight's LSB, which is 2^(e - frac)
// real for a projection with exponent e. With nearest or truncate update rounding a step below
// half an LSB (nearest) or one LSB (truncate) is 0 on every batch: e.g. 8-bit weights s8.6 with
// the sign update's lr 0.003 move by 0.19 LSB, i.e. never. Stochastic rounding keeps the
// expectation and always can move; so does the factored scheme's online +-1 LSB rule.
#pragma once

#include <string>
#include <vector>

#include "compiler/ir/network.hpp"
#include "hw_model/arith/ops.hpp"
#include "hw_model/model/network_model.hpp"
#include "runtime/train/train_options.hpp"

namespace nchip::runtime {

struct FrozenProjection {
  std::string name;       // "source->target"
  double largest_step_lsb = 0;  // sign: lr in LSBs; sgd: lr x the accumulator's largest value
  double lr_to_move = 0;  // any lr above this moves the projection's weights (truncate: from it on)
};

struct UpdateReach {
  size_t plastic_projections = 0;
  std::vector<FrozenProjection> frozen;  // plastic projections no batch update can move
  double lr_to_move_all = 0;             // the largest lr_to_move of `frozen`
  // "" unless every plastic projection is frozen: then one line naming the quantity, the step in
  // LSBs and the fix (training would change nothing; nchip train refuses it, exit 2).
  std::string problem;
  // "" unless some, not all, plastic projections are frozen: one line naming them.
  std::string warning;
};

// Fixed mode with the full storage scheme only (otherwise an empty UpdateReach). Uses o.lr, the
// initial rate (a decayed rate may freeze later). The model is lower<FixedOps>(network, o.quant)
// or an image's, whose synapse origins index network.projections.
UpdateReach update_reach(const ir::Network& network, const model::NetworkModel<arith::FixedOps>& model,
                         const TrainOptions& o);

}  // namespace nchip::runtime
