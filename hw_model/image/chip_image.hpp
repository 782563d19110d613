// The chip image: everything a chip is loaded with (neuron constants, synapse memory, learning
// state layout, routing tables, host I/O map), already quantized, plus the facts the compile
// report needs that the hardware data cannot give back (quantization errors against the float
// weights, the naive placement's cost). Written by the compiler, read by the models; the binary
// layout is documented in compiler/README.md ("Chip image format").
#pragma once

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "hw_model/arith/ops.hpp"
#include "hw_model/image/chip_config.hpp"
#include "hw_model/model/network_model.hpp"

namespace nchip::image {

inline constexpr char kImageMagic[8] = {'N', 'C', 'H', 'I', 'P', 'I', 'M', 'G'};
// 2: LERN ends with the optimizer state bits; 3: then the optimizer block (Adam's m and v formats).
// 7: CHIP ends with the chip's fan-in model (issue #16, kImageVersionFanInModel in chip_config.hpp).
inline constexpr uint32_t kImageFormatVersion = 7;
inline constexpr uint32_t kOldestReadableImageVersion = 2;  // version 2: Adam's formats are the defaults
// ---- issue #14 (CUBA neurons) -------------------------------------------------------------------
// 4: QUNT holds the synaptic_current format after update_accumulator's; NEUR's neuron records end
// with the CUBA block (flags u8, alpha_syn, bias). Versions 2 and 3 still read: synaptic_current
// keeps its default format and every neuron is a plain LIF/ALIF without bias.
inline constexpr uint32_t kImageFormatCubaVersion = 4;
// 5 (synaptic delays): each SYNP matrix ends with its per-synapse delays in steps (u8 each; an
// empty list when every delay is 1). Version 2-4 images have no delays: all synapses delay 1.
inline constexpr uint32_t kImageFormatDelayVersion = 5;
// 6 (CubaLI readouts, synaptic bias): NEUR's neuron records end with synaptic_bias (a constant
// added to a CUBA neuron's current every step), its readout records with flags (u8, bit 0:
// current-based), alpha_syn and synaptic_bias. Version 2-5 images: no readout current, bias 0.
inline constexpr uint32_t kImageFormatReadoutCurrentVersion = 6;
// ---- end issue #14 ------------------------------------------------------------------------------
// ---- issue #17 (Adafactor's state) --------------------------------------------------------------
// 5: LERN ends with the width of Adafactor's row/column registers (u8, 0 or 48) that the compiler
// reserved per core. Versions 2-4 read with 0 (no registers reserved).
inline constexpr uint32_t kImageFormatFactorVersion = 5;
// ---- end issue #17 ------------------------------------------------------------------------------

// Router output ports; a route is a bit set of them. Tile (x, y): east is x + 1, south is y + 1.
enum RoutePort : uint8_t { kEast = 1, kWest = 2, kNorth = 4, kSouth = 8, kLocal = 16 };

struct RoutingEntry {
  uint32_t key = 0;
  uint32_t mask = 0;  // a packet with key k matches when (k & mask) == key
  uint8_t route = 0;  // RoutePort bits
  bool operator==(const RoutingEntry& o) const {
    return key == o.key && mask == o.mask && route == o.route;
  }
};

struct RouterTable {
  std::vector<RoutingEntry> entries;  // disjoint: a key matches at most one entry
  uint32_t entries_before_merge = 0;
};

// A contiguous run of one population's neurons. Non-input slices sit on a core (one slice per
// core, or several packed ones that follow one another: issue #16, compiler/README.md "Packing");
// input slices are injected by the host at host_tile. A slice that sends spikes owns the
// keys [key, key + 2^key_neuron_bits): neuron i of the slice sends key | i.
struct Slice {
  uint32_t population = 0;  // index in NetworkModel::populations
  uint32_t first = 0;       // first neuron inside the population
  uint32_t count = 0;
  uint32_t tile = 0;
  uint32_t key = 0;
  bool sends = false;       // input and spiking slices send; readouts report to the host
};

struct ProjectionQuantization {
  std::string name;  // "source->target"
  int exponent = 0;
  uint64_t synapses = 0;
  double max_abs_weight = 0.0;
  double max_abs_error = 0.0;
  double rms_error = 0.0;
  double snr_db = 0.0;  // 10 log10(sum w^2 / sum err^2); +inf stored as 999 (exact)
};

struct PlacementSummary {
  double default_rate_hz = 0.0;
  double cost = 0.0;        // expected spikes per step x hops, this placement
  double naive_cost = 0.0;  // the same for row-major placement in slice order
};

struct ChipImage {
  ChipConfig chip;
  uint64_t chip_hash = 0;
  arith::QuantConfig quant;
  StorageScheme storage = StorageScheme::full;
  uint32_t optimizer_state_bits = 0;  // per plastic synapse, reserved in synapse memory (Lion's m: 32)
  // Adafactor's statistics: bits of each row / column register reserved per core (0: none; 48).
  uint32_t factor_register_bits = 0;
  uint32_t host_tile = 0;
  uint32_t key_neuron_bits = 1;
  model::NetworkModel<arith::FixedOps> network;
  double dt_ms = 1.0;          // the IR's timestep, for reports in real time
  std::string default_input;   // the IR's default input generator (may be empty)
  std::vector<Slice> slices;
  std::vector<RouterTable> routers;  // one per tile, index y * width + x
  std::vector<ProjectionQuantization> projections;
  PlacementSummary placement;
};

// Little-endian bytes: header (magic, version, total size, chip hash), sections, FNV-1a 64
// checksum of everything before it. Same image, same bytes.
std::string write_image(const ChipImage& image);
// The same bytes, streamed in blocks of at most 1 MB to `sink` (or to `out`; the caller checks the
// stream): the synapse matrices are encoded straight from the model, so writing a file holds no
// copy of the image (18 bytes a synapse at 10^8 synapses; issue #16).
using ImageSink = std::function<void(const char* data, size_t size)>;
void write_image(const ChipImage& image, const ImageSink& sink);
void write_image(const ChipImage& image, std::ostream& out);
// Throws nchip::InputError "SOURCE_NAME: ..." (one line) for a wrong magic or version, a
// truncated file, a bad checksum or inconsistent contents.
ChipImage read_image(const std::string& bytes, const std::string& source_name);
ChipImage read_image_file(const std::string& path);
// True when the bytes start with the image magic (how `nchip run` tells an image from JSON).
bool has_image_magic(const std::string& first_bytes);
bool file_has_image_magic(const std::string& path);

}  // namespace nchip::image
