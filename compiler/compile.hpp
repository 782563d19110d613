// The compiler pipeline: validate -> quantize -> partition -> place -> route -> emit. Same
// inputs, same image, byte for byte (every pass is deterministic and visits in index order).
#pragma once

#include <functional>
#include <string>

#include "compiler/ir/network.hpp"
#include "compiler/measured_activity.hpp"
#include "compiler/passes/partition.hpp"
#include "hw_model/image/chip_image.hpp"

namespace nchip::compiler {

struct CompileOptions {
  image::StorageScheme storage = image::StorageScheme::full;
  // Batch optimizer state per plastic synapse reserved in synapse memory (full scheme):
  // learning::optimizer_state_bits of the optimizer the chip will train with (Lion: 32 by default).
  uint32_t optimizer_state_bits = 0;
  // Adafactor's row and column registers (learning::factor_register_bits: 48), reserved per core
  // for each (projection, target) and (projection, source) of its plastic synapses (full scheme).
  uint32_t factor_register_bits = 0;
  // Several slices per core (issue #16, passes/partition.hpp). Default "auto": one slice per core
  // when that fits (every core then works in parallel: the fewest cycles per step), packed only
  // when it does not (a network that fits packed but not unpacked still compiles).
  PackingMode packing = PackingMode::when_needed;
  double default_rate_hz = 10.0;  // placement's traffic estimate (see passes/place.hpp)
  // Measured spikes per source neuron (nchip compile --rates-from-run; the network's sources, as
  // lowered): placement weighs each link by the packets the run sent over it instead of the flat
  // estimate (measured_activity.hpp). Null: the flat estimate only.
  const MeasuredActivity* measured = nullptr;
  uint32_t host_tile = 0;
  // Threads for the passes that split their work (quantize: lowering and error sums; partition:
  // the incoming-synapse index); 0: all hardware threads. The image is the same bytes for any count.
  unsigned threads = 0;
  // Called with the name of each pass as it starts (progress output); may be empty.
  std::function<void(const char* pass)> on_pass;
};

// Throws nchip::InputError for anything the user must change (network, chip or quant config).
// With options.measured, `measured_placement` (if not null) receives the placement's measured costs.
image::ChipImage compile_network(const ir::Network& network, const image::ChipConfig& chip,
                                 const arith::QuantConfig& quant, const CompileOptions& options = {},
                                 MeasuredPlacement* measured_placement = nullptr);
// The same image, for a caller that hands the network over (std::move): the lowering releases the
// sparse synapse lists while it reads them (lower_releasing in lower.hpp), so the input network and
// the model are never both held in full; the network's sparse lists are left empty.
image::ChipImage compile_network(ir::Network&& network, const image::ChipConfig& chip,
                                 const arith::QuantConfig& quant, const CompileOptions& options = {},
                                 MeasuredPlacement* measured_placement = nullptr);

}  // namespace nchip::compiler
