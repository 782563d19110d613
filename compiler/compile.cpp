#include "compiler/compile.hpp"

#include <stdexcept>

#include "compiler/passes/emit.hpp"
#include "compiler/passes/validate_chip.hpp"
#include "hw_model/error.hpp"

namespace nchip::compiler {

namespace {

// Places again with the measured spikes as link weights and keeps whichever of that and the flat
// placement (`placement`, replaced when the measured one is better) sends fewer measured spikes x
// hops; row-major is the flat search's floor already, so neither is worse than it.
MeasuredPlacement place_at_measured_rates(const model::NetworkModel<arith::FixedOps>& net, const Partition& part,
                                          const SliceTraffic& traffic, const image::ChipConfig& chip,
                                          PlacementOptions options, const MeasuredActivity& activity,
                                          Placement& placement) {
  MeasuredPlacement out;
  out.steps = activity.steps;
  const auto measured_cost = [&](const std::vector<uint32_t>& tile) {
    return weighted_hops(part.slices, traffic, tile, chip, TrafficWeight::measured_spikes);
  };
  out.flat_placement_spike_hops = measured_cost(placement.tile);
  out.row_major_spike_hops = measured_cost(placement.row_major_tile);
  options.weight = TrafficWeight::measured_spikes;
  Placement measured = place(net, part.slices, part.core, traffic, chip, options);
  const uint64_t measured_hops = measured_cost(measured.tile);
  out.measured_placement_used = measured_hops < out.flat_placement_spike_hops;
  // The image's costs stay the flat estimate's (its default_rate_hz), of the placement used.
  if (out.measured_placement_used) placement = std::move(measured);
  out.spike_hops = measured_cost(placement.tile);
  return out;
}

// Both forms of compile_network: `owned` is the network itself when it was handed over, else nullptr.
image::ChipImage compile(const ir::Network& network, ir::Network* owned, const image::ChipConfig& chip,
                         const arith::QuantConfig& quant, const CompileOptions& options,
                         MeasuredPlacement* measured_placement) {
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
  if (options.measured &&
      options.measured->spikes_per_source.size() != size_t{quantized.network.n_inputs} + quantized.network.n_neurons())
    throw std::logic_error("compile_network: measured spike counts do not match the network's sources");
  MeasuredPlacement measured_result;
  pass("partition");
  // Everything from the cut to the routing tables, for one packing mode: each can refuse (cores,
  // fan-out, routing entries), so "auto" retries the whole mapping packed.
  const auto map = [&](PackingMode packing, Partition& part, Placement& placement, Routing& routing) {
    {  // the index is freed before placement (8 bytes per synapse: peak memory)
      const IncomingSynapses in = incoming_synapses(quantized.network, options.threads);
      part = partition(quantized.network, in, chip, quant, options.storage, options.optimizer_state_bits,
                       options.factor_register_bits, packing);
    }
    const SliceTraffic traffic = slice_traffic(quantized.network, part.slices,
                                               options.measured ? &options.measured->spikes_per_source : nullptr);
    check_fan_out(quantized.network, part.slices, part.core, traffic, chip);
    pass("place");
    PlacementOptions placement_options;
    placement_options.default_rate_hz = options.default_rate_hz;
    placement_options.dt_ms = network.dt_ms;
    placement_options.host_tile = options.host_tile;
    placement = place(quantized.network, part.slices, part.core, traffic, chip, placement_options);
    if (options.measured) measured_result = place_at_measured_rates(quantized.network, part, traffic, chip,
                                                                     placement_options, *options.measured, placement);
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
  if (measured_placement) *measured_placement = measured_result;
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
                                 const arith::QuantConfig& quant, const CompileOptions& options,
                                 MeasuredPlacement* measured_placement) {
  return compile(network, nullptr, chip, quant, options, measured_placement);
}

image::ChipImage compile_network(ir::Network&& network, const image::ChipConfig& chip,
                                 const arith::QuantConfig& quant, const CompileOptions& options,
                                 MeasuredPlacement* measured_placement) {
  return compile(network, &network, chip, quant, options, measured_placement);
}

}  // namespace nchip::compiler
