// Emit pass: assembles the chip image from the results of the other passes (slices get their
// tiles and keys). Writing it to bytes is image::write_image.
#pragma once

#include "compiler/passes/partition.hpp"
#include "compiler/passes/place.hpp"
#include "compiler/passes/quantize.hpp"
#include "compiler/passes/route.hpp"

namespace nchip::compiler {

struct EmitInputs {
  const image::ChipConfig& chip;
  const arith::QuantConfig& quant;
  image::StorageScheme storage;
  uint32_t host_tile;
  double default_rate_hz;
  double dt_ms;
  const std::string& default_input;
};

image::ChipImage emit(const EmitInputs& in, Quantized&& quantized, Partition&& partition,
                      const Placement& placement, Routing&& routing);

}  // namespace nchip::compiler
