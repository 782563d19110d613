#include "compiler/passes/emit.hpp"

namespace nchip::compiler {

image::ChipImage emit(const EmitInputs& in, Quantized&& quantized, Partition&& partition,
                      const Placement& placement, Routing&& routing) {
  image::ChipImage im;
  im.chip = in.chip;
  im.chip_hash = image::chip_hash(in.chip);
  im.quant = in.quant;
  im.storage = in.storage;
  im.host_tile = in.host_tile;
  im.key_neuron_bits = routing.key_neuron_bits;
  im.network = std::move(quantized.network);
  im.dt_ms = in.dt_ms;
  im.default_input = in.default_input;
  im.projections = std::move(quantized.projections);
  im.slices = std::move(partition.slices);
  for (size_t s = 0; s < im.slices.size(); ++s) {
    im.slices[s].tile = placement.tile[s];
    im.slices[s].key = routing.key[s];
  }
  im.routers = std::move(routing.routers);
  im.placement.default_rate_hz = in.default_rate_hz;
  im.placement.cost = placement.cost;
  im.placement.naive_cost = placement.naive_cost;
  return im;
}

}  // namespace nchip::compiler
