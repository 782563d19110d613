// Lowering: IR (physical units, float weights) -> the models' NetworkModel. Derives every decay
// from its time constant and dt (alpha, rho, kappa), the refractory steps and 1 / v_th, and puts
// each constant and weight into the ops' number system (quantized for FixedOps).
#pragma once

#include "compiler/ir/network.hpp"
#include "compiler/weight_error.hpp"
#include "hw_model/model/network_model.hpp"

namespace nchip::compiler {

// For FixedOps, values that do not fit their format saturate and are counted in ops.sat.
// `threads` (0: all hardware threads) builds the synapse matrices in parallel; the result is the
// same for any count (see build_matrix in lower.cpp). With `errors` (FixedOps; ignored for
// FloatOps), the sparse projections' quantization errors are summed while their synapses are
// written (weight_error.hpp); the quantize pass adds the rest.
template <class Ops>
model::NetworkModel<Ops> lower(const ir::Network& network, const Ops& ops, unsigned threads = 1,
                               LoweringErrors* errors = nullptr);

// lower() for a caller that hands the network over (compile_network's rvalue form): a sparse
// projection's synapse list is released while the lowering reads it (its pages go back to the
// system) and left empty, whenever its matrix's rows come out in target order (each list sorted by
// target, the usual case; otherwise the list is kept, as the quantize pass reads it again). The
// input network and the synapse matrices are then never both held in full (compile's peak memory).
// The same model as lower(); the projections' other fields are untouched.
template <class Ops>
model::NetworkModel<Ops> lower_releasing(ir::Network& network, const Ops& ops, unsigned threads = 1,
                                         LoweringErrors* errors = nullptr);

// A population's refractory period in steps, t_ref_ms / dt_ms rounded to nearest: throws
// nchip::InputError naming the population when it does not fit the 16-bit refractory counter.
// lower() and the compiler's validate pass both use it, so float and fixed runs refuse alike.
uint16_t refractory_steps(const ir::Population& population, double dt_ms);

// Gamma of the pseudo-derivative used in all of the paper's simulations (Methods, e-prop 1).
inline constexpr double kPseudoDerivativeGamma = 0.3;

}  // namespace nchip::compiler
