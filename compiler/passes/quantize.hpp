// Quantize pass: lower<FixedOps> derives and quantizes every constant and weight (the numbers are
// defined once, there); this pass measures what quantization cost per projection (exponent,
// max and RMS error, SNR) and refuses weights that saturate even at the chosen exponent.
#pragma once

#include <vector>

#include "compiler/ir/network.hpp"
#include "hw_model/arith/ops.hpp"
#include "hw_model/image/chip_image.hpp"

namespace nchip::compiler {

struct Quantized {
  model::NetworkModel<arith::FixedOps> network;
  std::vector<image::ProjectionQuantization> projections;  // in IR order
};

// Throws nchip::InputError when a weight is out of the representable range after scaling.
// `threads` (0: all hardware threads): the result is the same bytes for any count.
Quantized quantize(const ir::Network& network, const arith::QuantConfig& quant, unsigned threads = 1);
// The same, for a caller that hands the network over: the lowering releases the sparse synapse
// lists it will not read again (lower_releasing in lower.hpp), so they and the model are not both
// held. The network's other fields stay as they were.
Quantized quantize_releasing(ir::Network& network, const arith::QuantConfig& quant, unsigned threads = 1);

// The fixed-point model of a network with compile's checks and no chip: validate_for_quant, then
// quantize (weights in range after scaling). What `nchip run` / `nchip train` use in fixed mode
// on an IR, so they refuse exactly what `nchip compile` refuses instead of saturating quietly.
model::NetworkModel<arith::FixedOps> lower_for_fixed_point(const ir::Network& network, const arith::QuantConfig& quant);

}  // namespace nchip::compiler
