// The chip description: what a compiled network may use (mesh, per-core and per-router capacities)
// and what each operation costs (cycles, energy). A plain struct with defaults; the JSON form is
// read by compiler/chip_json. Capacities are counted exactly as the chip image stores them, so the
// compiler's "fits" and the image's "uses" are the same numbers (see synapse_bits below).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "hw_model/arith/quant_config.hpp"
#include "hw_model/model/learning_state.hpp"

namespace nchip::image {

// The storage scheme of on-chip learning state (defined in hw_model/model/learning_state.hpp).
using model::StorageScheme;
using model::storage_scheme_from_string;
using model::to_string;

// How a core's fan-in is counted against core_max_fan_in (issue #16).
// source_neurons: distinct presynaptic neurons with a synapse on the core (nchip's first model).
// axons: distinct input axons, an axon being one (presynaptic neuron, projection) pair with a
//   synapse on the core. A projection in nchip has one synapse type (plastic or not) and one
//   delay, so an axon is one synapse list a spike arriving at the core selects, which is how
//   Loihi (Davies et al. 2018, IEEE Micro 38(1), p. 89: at most 4,096 distribution lists per
//   core, "associated by axon_id", Naxin) and SpiNNaker (one synaptic row per source neuron in
//   each projection's matrix, found through the master population table) organise synapse
//   memory. A neuron reaching a core through two projections (two packed target populations
//   fed by its population) costs two axons, one source neuron.
enum class FanInModel : uint8_t { source_neurons = 0, axons = 1 };
const char* to_string(FanInModel model);
// "source_neurons" / "axons"; false for anything else.
bool fan_in_model_from_string(const std::string& text, FanInModel& model);

struct ChipConfig {
  std::string name = "chip";
  // Mesh of tiles, one neuron core and one router per tile; tile (x, y) has index y * width + x.
  uint32_t mesh_width = 4;
  uint32_t mesh_height = 4;
  // Per core.
  uint32_t core_max_neurons = 256;                // neuron (compartment) slots
  uint64_t core_synapse_memory_bits = 4u << 20;   // synapse words + group headers + learning state
  uint32_t core_max_fan_in = 1024;                // distinct presynaptic neurons whose spikes arrive
  uint32_t core_max_fan_out = 64;                 // destination cores of one core's spikes
  uint32_t core_trace_slots = 1024;               // presynaptic traces zbar (plastic inputs)
  // Per router.
  uint32_t router_table_entries = 1024;           // key/mask entries
  uint32_t router_hop_latency_cycles = 2;
  uint32_t router_link_width_bits = 32;
  // Clock and costs.
  double clock_mhz = 100.0;
  uint32_t cycles_synaptic_op = 1;
  uint32_t cycles_neuron_update = 4;
  uint32_t cycles_eligibility_update = 2;
  uint32_t cycles_weight_update = 2;
  double energy_synaptic_op_pj = 24.0;
  double energy_neuron_update_pj = 52.0;
  double energy_eligibility_update_pj = 30.0;
  double energy_weight_update_pj = 30.0;
  // A router-to-router hop along x (east-west) and along y (north-south): Loihi's mesh is not
  // square per tile, and its published hop energies differ by direction (loihi_like.json).
  double energy_hop_east_west_pj = 4.0;
  double energy_hop_north_south_pj = 4.0;
  // Neuron models the cores implement: any of "lif", "alif", "readout".
  std::vector<std::string> neuron_models{"lif", "alif", "cuba_lif", "readout"};
  // What core_max_fan_in counts (see FanInModel); image version 7 stores it after neuron_models.
  FanInModel fan_in_model = FanInModel::source_neurons;

  uint32_t tiles() const { return mesh_width * mesh_height; }
  bool supports(const std::string& neuron_model) const;
  // Empty when usable, else "FIELD: problem" (the JSON reader prefixes file and pointer).
  std::string problem() const;
  void validate(const std::string& source_name) const;  // InputError "SOURCE: problem"
};

// Calls visit(name, member, unit, description) for every numeric field, in file order: the one
// table the JSON reader, writer, hash and report use.
template <class Chip, class Visit>
void for_each_number(Chip& c, Visit&& visit) {
  visit("mesh_width", c.mesh_width, "tiles", "mesh columns");
  visit("mesh_height", c.mesh_height, "tiles", "mesh rows");
  visit("core_max_neurons", c.core_max_neurons, "neurons", "neuron slots per core");
  visit("core_synapse_memory_bits", c.core_synapse_memory_bits, "bits",
        "synapse memory per core incl. group headers and learning state");
  visit("core_max_fan_in", c.core_max_fan_in, "neurons", "distinct presynaptic neurons per core");
  visit("core_max_fan_out", c.core_max_fan_out, "cores", "destination cores per source core");
  visit("core_trace_slots", c.core_trace_slots, "traces", "presynaptic trace slots per core");
  visit("router_table_entries", c.router_table_entries, "entries", "key/mask entries per router");
  visit("router_hop_latency_cycles", c.router_hop_latency_cycles, "cycles", "latency per hop");
  visit("router_link_width_bits", c.router_link_width_bits, "bits", "link width");
  visit("clock_mhz", c.clock_mhz, "MHz", "core and router clock");
  visit("cycles_synaptic_op", c.cycles_synaptic_op, "cycles", "per synaptic event");
  visit("cycles_neuron_update", c.cycles_neuron_update, "cycles", "per neuron per step");
  visit("cycles_eligibility_update", c.cycles_eligibility_update, "cycles", "per synapse update");
  visit("cycles_weight_update", c.cycles_weight_update, "cycles", "per weight update");
  visit("energy_synaptic_op_pj", c.energy_synaptic_op_pj, "pJ", "per synaptic event");
  visit("energy_neuron_update_pj", c.energy_neuron_update_pj, "pJ", "per neuron per step");
  visit("energy_eligibility_update_pj", c.energy_eligibility_update_pj, "pJ", "per eligibility update");
  visit("energy_weight_update_pj", c.energy_weight_update_pj, "pJ", "per weight update");
  visit("energy_hop_east_west_pj", c.energy_hop_east_west_pj, "pJ", "per packet per east or west hop");
  visit("energy_hop_north_south_pj", c.energy_hop_north_south_pj, "pJ", "per packet per north or south hop");
}

// 64-bit FNV-1a over the canonical binary form of the description (name, numbers, models); the
// image records it so a loader can tell which chip an image was compiled for.
uint64_t chip_hash(const ChipConfig& chip);
// Image versions 2 and 3 stored (and hashed) one hop energy, the east-west one: their CHIP
// section has no energy_hop_north_south_pj (the last number), which takes the east-west value.
inline constexpr uint32_t kImageVersionSplitHopEnergy = 4;
inline bool in_chip_section(const char* field, uint32_t image_version) {
  return image_version >= kImageVersionSplitHopEnergy || std::string(field) != "energy_hop_north_south_pj";
}
uint64_t chip_hash(const ChipConfig& chip, uint32_t image_version);
// Image version 7 (issue #16): CHIP ends with the fan-in model (u8), which the hash covers;
// versions 2-6 have none and read as source_neurons.
inline constexpr uint32_t kImageVersionFanInModel = 7;

// ---- memory accounting, shared by the compiler (fits?) and the image report (uses?) ----------
// A synapse word holds the raw weight and the target's index inside its core; a group header
// (one per projection per core) holds the projection's weight exponent and plastic flag, so the
// exponent is not repeated per synapse.
// One delay-ring slot of one neuron (issue #14): a dendritic accumulator word holding the weight
// sum for a future step (model/delay_ring.hpp). A core whose longest incoming delay is D keeps
// D - 1 such words per neuron in synapse memory (the current step's sum is the plain input
// register every core has). 32 bits: Loihi's 24-bit current plus headroom for the fan-in's sum.
inline constexpr uint32_t kDelaySlotBits = 32;
inline constexpr uint32_t kGroupHeaderBits = 8;  // 5-bit exponent in [-8, 8], plastic, 2 spare

uint32_t target_index_bits(const ChipConfig& chip);  // ceil(log2(core_max_neurons)), >= 1
uint32_t synapse_bits(const ChipConfig& chip, const arith::QuantConfig& quant, StorageScheme storage,
                      bool plastic, bool adaptive_target, uint32_t optimizer_state_bits = 0);

}  // namespace nchip::image
