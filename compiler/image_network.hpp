// Running a chip image: the population outline the CLI needs to size inputs and name results
// (an image carries no float weights, so the outline has no projections), and a fixed-point run
// of the image's model with the image's own QuantConfig.
#pragma once

#include "compiler/ir/network.hpp"
#include "hw_model/functional/run.hpp"
#include "hw_model/image/chip_image.hpp"

namespace nchip::compiler {

// Name, dt, seed, default input and populations (name, type, size) of the compiled network.
ir::Network outline_network(const image::ChipImage& image);

// Bit-identical to run_network(lower<FixedOps>(ir, quant), ...) for the IR the image came from.
functional::Recording run_image(const image::ChipImage& image, const functional::InputSpikes& inputs,
                                uint32_t steps, uint64_t seed, bool record_voltages);

}  // namespace nchip::compiler
