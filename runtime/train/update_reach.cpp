#include "runtime/train/update_reach.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "hw_model/arith/weight_update.hpp"

namespace nchip::runtime {

namespace {

using arith::Quantity;
using arith::Rounding;

// Whether rounding turns a positive step of `lsb_steps` LSBs into 0: nearest rounds ties to even,
// so exactly half an LSB is still 0; truncate rounds everything below one LSB down to 0.
bool rounds_to_zero(double lsb_steps, Rounding r) {
  if (r == Rounding::stochastic) return false;  // moves with probability lsb_steps
  return r == Rounding::nearest ? lsb_steps <= 0.5 : lsb_steps < 1.0;
}

// One projection with weight exponent `exponent`: its largest possible step in weight LSBs and
// whether every step rounds to 0.
FrozenProjection reach_of(const std::string& name, int exponent, const TrainOptions& o, bool* frozen) {
  const arith::QuantConfig& q = o.quant;
  const Rounding mode = q.update_rounding;
  const double lr = std::ldexp(static_cast<double>(arith::learning_rate_raw(o.lr)), -arith::kLearningRateFrac);
  const double lsb = std::ldexp(1.0, exponent - q[Quantity::weight].frac);  // real value of one LSB
  FrozenProjection p;
  p.name = name;
  if (o.optimizer == OptimizerKind::sign || o.optimizer == OptimizerKind::lion) {  // both step by lr
    p.largest_step_lsb = lr / lsb;
    p.lr_to_move = (mode == Rounding::nearest ? 0.5 : 1.0) * lsb;
    *frozen = rounds_to_zero(p.largest_step_lsb, mode);
  } else {
    // sgd_step rounds lr x acc: its largest magnitude is lr x |the accumulator's most negative
    // value|. Truncation (toward minus infinity) turns every negative product into at least one
    // LSB, so only nearest can freeze all of them.
    const double acc_max = -q[Quantity::update_accumulator].min_real();
    p.largest_step_lsb = lr * acc_max / lsb;
    p.lr_to_move = 0.5 * lsb / acc_max;
    *frozen = mode == Rounding::nearest && rounds_to_zero(p.largest_step_lsb, mode);
  }
  return p;
}

// x rounded up to 3 significant digits, so "--lr > X" printed with them is still above x.
double round_up_3_digits(double x) {
  if (!(x > 0)) return x;
  const double scale = std::pow(10.0, 2 - static_cast<int>(std::floor(std::log10(x))));
  return std::ceil(x * scale - 1e-9) / scale;
}

// "the sign update's step (lr 0.003)" / "the SGD step (lr 1e-07 x the largest accumulator 32768)".
std::string step_text(const TrainOptions& o) {
  if (o.optimizer == OptimizerKind::sign || o.optimizer == OptimizerKind::lion)
    return fmt::format("the {} update's step (lr {:g})", to_string(o.optimizer), o.lr);
  return fmt::format("the SGD step (lr {:g} x the largest accumulator {:g})", o.lr,
                     -o.quant[Quantity::update_accumulator].min_real());
}

}  // namespace

UpdateReach update_reach(const ir::Network& network, const model::NetworkModel<arith::FixedOps>& model,
                         const TrainOptions& o) {
  UpdateReach reach;
  if (o.mode != TrainMode::fixed_chip || o.eprop.storage != learning::StorageScheme::full) return reach;
  // Plastic projections and their exponents, in the network's projection order.
  std::map<uint32_t, int> exponents;
  for (const auto* m : {&model.input_synapses, &model.recurrent_synapses, &model.readout_synapses})
    for (size_t s = 0; s < m->size(); ++s)
      if (m->plastic[s]) exponents.emplace(m->origin[s].projection, m->exponent[s]);
  reach.plastic_projections = exponents.size();
  for (const auto& [index, exponent] : exponents) {
    const auto& proj = network.projections.at(index);
    bool frozen = false;
    FrozenProjection p = reach_of(proj.source + "->" + proj.target, exponent, o, &frozen);
    if (!frozen) continue;
    reach.lr_to_move_all = std::max(reach.lr_to_move_all, p.lr_to_move);
    reach.frozen.push_back(std::move(p));
  }
  if (reach.frozen.empty()) return reach;
  const arith::QuantConfig& q = o.quant;
  std::string formats = "weight " + q[Quantity::weight].describe();
  if (o.optimizer == OptimizerKind::sgd) formats += ", update_accumulator " + q[Quantity::update_accumulator].describe();
  double largest_step = 0;
  std::string names;
  for (const auto& p : reach.frozen) {
    largest_step = std::max(largest_step, p.largest_step_lsb);
    names += (names.empty() ? "" : ", ") + p.name;
  }
  const std::string why =
      fmt::format("{} is at most {:.2g} weight LSB ({}), which update_rounding {} rounds to 0", step_text(o),
                  largest_step, formats, arith::to_string(q.update_rounding));
  const std::string fix = fmt::format("use update_rounding stochastic or --lr > {:.3g}",
                                      round_up_3_digits(reach.lr_to_move_all));
  if (reach.frozen.size() == reach.plastic_projections)
    reach.problem = fmt::format("--quant: no weight can ever change: {} on every plastic projection; {}", why, fix);
  else
    reach.warning = fmt::format("{} of {} plastic projections can never change ({}): {}; {}", reach.frozen.size(),
                                reach.plastic_projections, names, why, fix);
  return reach;
}

}  // namespace nchip::runtime
