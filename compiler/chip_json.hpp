// The chip description file (JSON; schema in compiler/README.md, "Chip description"). Every
// figure is either a number or {"value": number, "source": "where it comes from"} (and
// `fan_in_model` a text, "source_neurons" or "axons", bare or in the same object); fields left
// out keep the defaults of image::ChipConfig.
#pragma once

#include <string>

#include "hw_model/image/chip_config.hpp"

namespace nchip::compiler {

// Throws nchip::InputError "SOURCE_NAME: /json/pointer: problem" (unknown fields are named, with a
// near-miss suggestion), including a description that ChipConfig::problem() rejects.
image::ChipConfig parse_chip_json(const std::string& text, const std::string& source_name);
image::ChipConfig read_chip_file(const std::string& path);

// Canonical JSON of the effective description (every field, plain values), 2-space indent.
std::string chip_to_json(const image::ChipConfig& chip);

}  // namespace nchip::compiler
