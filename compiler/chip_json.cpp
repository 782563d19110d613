#include "compiler/chip_json.hpp"

#include <limits>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "compiler/json_reader.hpp"

namespace nchip::compiler {

namespace {

using nlohmann::json;
using json_reader::child;
using json_reader::Reader;

// Shorthand for one hop energy in both directions (chip files written before the east-west /
// north-south split, and chips whose mesh links are alike).
constexpr const char* kEnergyHopBoth = "energy_hop_pj";
constexpr const char* kFanInModel = "fan_in_model";  // text, not a number (image::FanInModel)

std::vector<std::string> allowed_keys() {
  std::vector<std::string> keys{"name", "description", "neuron_models", kEnergyHopBoth, kFanInModel};
  image::ChipConfig probe;
  image::for_each_number(probe, [&](const char* name, auto&, const char*, const char*) {
    keys.emplace_back(name);
  });
  return keys;
}

// A figure is a bare number or {"value": ..., "source": "..."}; returns the number's JSON.
const json& figure_value(const Reader& reader, const json& value, const std::string& pointer) {
  if (!value.is_object()) return value;
  reader.reject_unknown_keys(value, pointer, {"value", "source"}, "a figure");
  if (const json* source = Reader::optional(value, "source")) {
    if (reader.string(*source, child(pointer, "source")).empty())
      reader.fail(child(pointer, "source"), "must not be empty");
  }
  return reader.required(value, pointer, "value");
}

}  // namespace

image::ChipConfig parse_chip_json(const std::string& text, const std::string& source_name) {
  const Reader reader(source_name);
  const json root = reader.parse(text);
  reader.expect_object(root, "");
  reader.reject_unknown_keys(root, "", allowed_keys(), "a chip description");

  image::ChipConfig chip;
  if (const json* name = Reader::optional(root, "name")) chip.name = reader.string(*name, "/name");
  if (const json* d = Reader::optional(root, "description")) reader.string(*d, "/description");
  if (const json* models = Reader::optional(root, "neuron_models")) {
    reader.expect_array(*models, "/neuron_models", "neuron model names");
    chip.neuron_models.clear();
    for (size_t i = 0; i < models->size(); ++i)
      chip.neuron_models.push_back(reader.string((*models)[i], child("/neuron_models", i)));
  }
  if (const json* raw = Reader::optional(root, kFanInModel)) {
    const std::string pointer = child("", kFanInModel);
    const json& value = figure_value(reader, *raw, pointer);
    const std::string value_pointer = raw->is_object() ? child(pointer, "value") : pointer;
    const std::string text = reader.string(value, value_pointer);
    if (!image::fan_in_model_from_string(text, chip.fan_in_model))
      reader.fail(value_pointer, "unknown fan-in model '" + text + "' (expected source_neurons or axons)");
  }
  const auto read_figure = [&](const json& raw, const std::string& name, auto& field) {
    const std::string pointer = child("", name);
    const json& value = figure_value(reader, raw, pointer);
    const std::string value_pointer = raw.is_object() ? child(pointer, "value") : pointer;
    using T = std::decay_t<decltype(field)>;
    if constexpr (std::is_floating_point_v<T>) {
      field = reader.finite_number(value, value_pointer);
    } else {
      field = static_cast<T>(reader.unsigned_integer(value, value_pointer, std::numeric_limits<T>::max()));
    }
  };
  if (const json* both = Reader::optional(root, kEnergyHopBoth)) {
    if (root.contains("energy_hop_east_west_pj") || root.contains("energy_hop_north_south_pj"))
      reader.fail(child("", kEnergyHopBoth),
                  "give either energy_hop_pj (both directions) or energy_hop_east_west_pj and "
                  "energy_hop_north_south_pj, not both");
    read_figure(*both, kEnergyHopBoth, chip.energy_hop_east_west_pj);
    chip.energy_hop_north_south_pj = chip.energy_hop_east_west_pj;
  }
  image::for_each_number(chip, [&](const char* name, auto& field, const char*, const char*) {
    if (const json* raw = Reader::optional(root, name)) read_figure(*raw, name, field);
  });
  const std::string why = chip.problem();
  if (!why.empty()) {
    // problem() starts with the field name; point at it.
    std::string field = why.substr(0, why.find(':'));
    if (field.rfind("energy_hop_", 0) == 0 && root.contains(kEnergyHopBoth)) field = kEnergyHopBoth;
    const bool is_key = root.contains(field);
    reader.fail(is_key ? child("", field) : "", why);
  }
  return chip;
}

image::ChipConfig read_chip_file(const std::string& path) {
  return parse_chip_json(json_reader::read_text_file(path), path);
}

std::string chip_to_json(const image::ChipConfig& chip) {
  nlohmann::ordered_json out;  // file order, not alphabetical
  out["name"] = chip.name;
  image::for_each_number(chip, [&](const char* name, const auto& value, const char*, const char*) {
    out[name] = value;
  });
  out["neuron_models"] = chip.neuron_models;
  out[kFanInModel] = image::to_string(chip.fan_in_model);
  return out.dump(2) + "\n";
}

}  // namespace nchip::compiler
