#include "hw_model/image/chip_config.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <type_traits>

#include "hw_model/error.hpp"
#include "hw_model/image/checksum.hpp"
#include "hw_model/text_check.hpp"

namespace nchip::image {

bool ChipConfig::supports(const std::string& neuron_model) const {
  return std::find(neuron_models.begin(), neuron_models.end(), neuron_model) != neuron_models.end();
}

std::string ChipConfig::problem() const {
  if (name.empty()) return "name: must not be empty";
  if (const std::string bad = text_problem(name); !bad.empty()) return "name: " + bad;
  std::string why;
  // Every count must be >= 1 (a zero-sized resource can hold nothing), every cost >= 0.
  for_each_number(*this, [&](const char* field, const auto& value, const char*, const char*) {
    if (!why.empty()) return;
    using T = std::decay_t<decltype(value)>;
    if constexpr (std::is_floating_point_v<T>) {
      if (!std::isfinite(value) || value < 0)
        why = std::string(field) + ": must be a finite number >= 0";
    } else if (value == 0) {
      why = std::string(field) + ": must be >= 1";
    }
  });
  if (!why.empty()) return why;
  if (clock_mhz <= 0) return "clock_mhz: must be > 0";
  // Keys are (source slice, neuron) packed into 32 bits; tile indices must fit too.
  if (uint64_t{mesh_width} * mesh_height > 65536) return "mesh_width x mesh_height: at most 65536 tiles";
  if (core_max_neurons > (1u << 20)) return "core_max_neurons: at most 1048576";
  for (const auto& m : neuron_models)
    if (const std::string bad = text_problem(m); !bad.empty()) return "neuron_models: a name " + bad;
  for (const auto& m : neuron_models)
    if (m != "lif" && m != "alif" && m != "cuba_lif" && m != "readout")
      return "neuron_models: unknown model '" + m + "' (expected lif, alif, cuba_lif or readout)";
  return {};
}

void ChipConfig::validate(const std::string& source_name) const {
  const std::string why = problem();
  if (!why.empty()) throw InputError(source_name + ": " + why);
}

const char* to_string(FanInModel model) {
  return model == FanInModel::axons ? "axons" : "source_neurons";
}

bool fan_in_model_from_string(const std::string& text, FanInModel& model) {
  if (text == "source_neurons") model = FanInModel::source_neurons;
  else if (text == "axons") model = FanInModel::axons;
  else return false;
  return true;
}

uint64_t chip_hash(const ChipConfig& chip) { return chip_hash(chip, kImageVersionFanInModel); }

uint64_t chip_hash(const ChipConfig& chip, uint32_t image_version) {
  Fnv1a64 h;
  h.add_string(chip.name);
  for_each_number(chip, [&](const char* field, const auto& value, const char*, const char*) {
    if (!in_chip_section(field, image_version)) return;
    using T = std::decay_t<decltype(value)>;
    if constexpr (std::is_floating_point_v<T>) {
      uint64_t bits;
      static_assert(sizeof bits == sizeof value);
      std::memcpy(&bits, &value, sizeof bits);
      h.add_u64(bits);
    } else {
      h.add_u64(value);
    }
  });
  for (const auto& m : chip.neuron_models) h.add_string(m);
  if (image_version >= kImageVersionFanInModel) h.add_u64(static_cast<uint64_t>(chip.fan_in_model));
  return h.value();
}

uint32_t target_index_bits(const ChipConfig& chip) {
  uint32_t bits = 1;
  while ((uint64_t{1} << bits) < chip.core_max_neurons) ++bits;
  return bits;
}

uint32_t synapse_bits(const ChipConfig& chip, const arith::QuantConfig& quant, StorageScheme storage,
                      bool plastic, bool adaptive_target, uint32_t optimizer_state_bits) {
  return static_cast<uint32_t>(quant[arith::Quantity::weight].width) + target_index_bits(chip) +
         model::learning_state_bits(quant, storage, plastic, adaptive_target, optimizer_state_bits);
}

}  // namespace nchip::image
