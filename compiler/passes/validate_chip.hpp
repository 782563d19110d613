// Validate pass: can this chip run this network at all? Neuron models the cores implement, and
// parameters that survive quantization (a threshold that rounds to 0, a 1 / v_th beyond the gain
// format, a refractory period beyond the counter). Runs before anything is allocated.
#pragma once

#include "compiler/ir/network.hpp"
#include "hw_model/image/chip_config.hpp"

namespace nchip::compiler {

// The parameter checks alone (no chip): every constant representable in its format, the
// refractory period within the counter. `nchip run --mode fixed` and `nchip train --mode fixed`
// on an IR apply them (with quantize's weight check, see lower_for_fixed_point) exactly as compile does.
void validate_for_quant(const ir::Network& network, const arith::QuantConfig& quant);

// Throws nchip::InputError naming the population, the parameter and the chip or format field.
void validate_for_chip(const ir::Network& network, const image::ChipConfig& chip,
                       const arith::QuantConfig& quant);

}  // namespace nchip::compiler
