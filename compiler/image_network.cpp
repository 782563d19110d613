#include "compiler/image_network.hpp"

namespace nchip::compiler {

ir::Network outline_network(const image::ChipImage& im) {
  ir::Network n;
  n.name = im.network.name;
  n.dt_ms = im.dt_ms;
  n.seed = im.network.seed;
  n.default_input = im.default_input;
  for (const auto& span : im.network.populations) {
    ir::Population p;
    p.name = span.name;
    p.size = span.size;
    switch (span.role) {
      case model::PopulationRole::input: p.type = ir::PopulationType::input; break;
      case model::PopulationRole::readout: p.type = ir::PopulationType::readout; break;
      default: p.type = span.adaptive ? ir::PopulationType::alif : ir::PopulationType::lif; break;
    }
    n.populations.push_back(p);
  }
  return n;
}

functional::Recording run_image(const image::ChipImage& im, const functional::InputSpikes& inputs,
                                uint32_t steps, uint64_t seed, bool record_voltages) {
  arith::SaturationCounts counts;
  const arith::FixedOps ops(im.quant, counts);
  return functional::run_network(im.network, ops, inputs, steps, seed, record_voltages);
}

}  // namespace nchip::compiler
