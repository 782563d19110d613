#include "compiler/compile.hpp"

#include "compiler/passes/emit.hpp"
#include "compiler/passes/validate_chip.hpp"
#include "hw_model/error.hpp"

namespace nchip::compiler {

namespace {

// Both forms of compile_network: `owned` is the network itself when it was handed over, else nullptr.
image::ChipImage compile(const ir::Network& network, ir::Network* owned, const image::ChipConfig& chip,
                         const arith::QuantConfig& quant, const CompileOptions& options) {
  const auto pass = [&](const char* name) {
    if (options.on_pass) options.on_pass(name);
  };
  chip.validate("chip '" + chip.name + "'");
  const std::string quant_problem = quant.problem();
  if (!quant_problem.empty()) throw InputError("quant config: " + quant_problem);
  if (options.host_tile >= chip.tiles()) throw InputError("host tile outside the mesh");

  pass("validate");
  ir::validate(network, network.name);
  validate_for_chip(network, chip, quant);
  pass("quantize");
  Quantized quantized =
      owned ? quantize_releasing(*owned, quant, options.threads) : quantize(network, quant, options.threads);
  pass("partition");
  // Everything from the cut to the routing tables, for one packing mode: each can refuse (cores,
  // fan-out, routing entries), so "auto" retries the whole mapping packed.
  const auto map = [&](PackingMode packing, Partition& part, Placement& placement, Routing& routing) {
    {  // the index is freed before placement (8 bytes per synapse: peak memory)
      const IncomingSynapses in = incoming_synapses(quantized.network, options.threads);
      part = partition(quantized.network, in, chip, quant, options.storage, options.optimizer_state_bits,
                       options.factor_register_bits, packing);
    }
    const SliceTraffic traffic = slice_traffic(quantized.network, part.slices);
    check_fan_out(quantized.network, part.slices, part.core, traffic, chip);
    pass("place");
    PlacementOptions placement_options;
    placement_options.default_rate_hz = options.default_rate_hz;
    placement_options.dt_ms = network.dt_ms;
    placement_options.host_tile = options.host_tile;
    placement = place(quantized.network, part.slices, part.core, traffic, chip, placement_options);
    pass("route");
    routing = route(part.slices, placement.tile, traffic, chip);
  };
  Partition part;
  Placement placement;
  Routing routing;
  if (options.packing != PackingMode::when_needed) {
    map(options.packing, part, placement, routing);
  } else {
    try {
      map(PackingMode::none, part, placement, routing);
    } catch (const InputError& unpacked) {
      // Unpacked it does not fit: pack. If that fails too, the unpacked error is shown (the message
      // a one-slice-per-core compile always gave); --packing greedy shows the packed one.
      pass("partition (packed)");
      try {
        map(PackingMode::greedy, part, placement, routing);
      } catch (const InputError&) {
        throw unpacked;
      }
    }
  }
  pass("emit");
  image::ChipImage im = emit({chip, quant, options.storage, options.host_tile, options.default_rate_hz,
                              network.dt_ms, network.default_input},
                             std::move(quantized), std::move(part), placement, std::move(routing));
  im.optimizer_state_bits = options.storage == image::StorageScheme::full ? options.optimizer_state_bits : 0;
  im.factor_register_bits = options.storage == image::StorageScheme::full ? options.factor_register_bits : 0;
  return im;
}

}  // namespace

image::ChipImage compile_network(const ir::Network& network, const image::ChipConfig& chip,
                                 const arith::QuantConfig& quant, const CompileOptions& options) {
  return compile(network, nullptr, chip, quant, options);
}

image::ChipImage compile_network(ir::Network&& network, const image::ChipConfig& chip,
                                 const arith::QuantConfig& quant, const CompileOptions& options) {
  return compile(network, &network, chip, quant, options);
}

}  // namespace nchip::compiler
