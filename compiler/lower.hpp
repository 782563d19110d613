// Lowering: IR (physical units, float weights) -> the models' NetworkModel. Derives every decay
// from its time constant and dt (alpha, rho, kappa), the refractory steps and 1 / v_th, and puts
// each constant and weight into the ops' number system (quantized for FixedOps).
#pragma once

#include "compiler/ir/network.hpp"
#include "hw_model/model/network_model.hpp"

namespace nchip::compiler {

// For FixedOps, values that do not fit their format saturate and are counted in ops.sat.
template <class Ops>
model::NetworkModel<Ops> lower(const ir::Network& network, const Ops& ops);

// Gamma of the pseudo-derivative used in all of the paper's simulations (Methods, e-prop 1).
inline constexpr double kPseudoDerivativeGamma = 0.3;

}  // namespace nchip::compiler
