// Per-projection learning-rate shifts (--lr-shifts fan-in): the batch update of projection p uses
// lr_p = lr * 2^-shift_p, a shift of the update unit's rate register (no multiplier).
//
// Rule. A batch update moves each of a neuron's fan_in incoming weights by about lr (sign and Lion
// exactly lr); with update directions uncorrelated across synapses the neuron's input moves by
// ~lr * sqrt(fan_in), so a projection with 64x the fan-in of another moves its targets 8x as far
// per update. shift_p = round(log2(sqrt(fan_in_p / fan_in_min))) equalizes that to a power of two,
// with fan_in_p the mean plastic synapses per target neuron of p and fan_in_min the smallest over
// the plastic projections (which keeps lr). The weight exponent caps it: in fixed point the shift
// never takes a step of at least one weight LSB (2^(e_p - frac)) below one LSB, so the rule
// freezes no projection under nearest rounding (and adds no rounding noise below an LSB). The
// float reference has no exponents (its cap is off). Derived from the model by the host, not
// stored in the image (the image holds no learning rate either).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <vector>

#include "hw_model/arith/quant_config.hpp"
#include "hw_model/model/network_model.hpp"

namespace nchip::learning {

struct ProjectionLrShift {
  uint32_t projection = 0;  // index into the IR's projections
  double fan_in = 0;        // mean plastic synapses per target neuron
  int exponent = 0;         // the projection's weight exponent (0 in float)
  int shift = 0;            // lr_p = lr * 2^-shift
};

inline constexpr int kMaxLrShift = 15;

// One entry per plastic projection, in projection order. `weight_frac` < 0: no exponent cap
// (float reference); else the weight format's fraction bits, and `lr` the run's base rate.
template <class Ops>
std::vector<ProjectionLrShift> projection_lr_shifts(const model::NetworkModel<Ops>& model, double lr,
                                                    int weight_frac) {
  struct Count {
    uint64_t synapses = 0;
    std::vector<uint32_t> targets;
    int exponent = 0;
  };
  std::map<uint32_t, Count> counts;
  for (const auto* m : {&model.input_synapses, &model.recurrent_synapses, &model.readout_synapses})
    for (size_t s = 0; s < m->size(); ++s) {
      if (!m->plastic[s]) continue;
      Count& c = counts[m->origin[s].projection];
      ++c.synapses;
      c.targets.push_back(m->target[s]);
      c.exponent = m->exponent[s];
    }
  std::vector<ProjectionLrShift> out;
  double fan_in_min = 0;
  for (auto& [projection, c] : counts) {
    std::sort(c.targets.begin(), c.targets.end());
    const auto distinct = std::unique(c.targets.begin(), c.targets.end()) - c.targets.begin();
    ProjectionLrShift p;
    p.projection = projection;
    p.fan_in = double(c.synapses) / double(distinct);
    p.exponent = c.exponent;
    fan_in_min = out.empty() ? p.fan_in : std::min(fan_in_min, p.fan_in);
    out.push_back(p);
  }
  for (auto& p : out) {
    int shift = static_cast<int>(std::lround(0.5 * std::log2(p.fan_in / fan_in_min)));
    if (weight_frac >= 0) {
      // lr * 2^-shift >= 2^(e - frac): the step stays at least one LSB (if lr's was).
      const double lsb = std::ldexp(1.0, p.exponent - weight_frac);
      const int cap = lr > lsb ? static_cast<int>(std::floor(std::log2(lr / lsb))) : 0;
      shift = std::min(shift, cap);
    }
    p.shift = std::clamp(shift, 0, kMaxLrShift);
  }
  return out;
}

}  // namespace nchip::learning
