// The quant-config file format (JSON; schema in compiler/README.md): which fixed-point format
// each quantity uses and the rounding modes. Quantities and fields a file leaves out keep the
// defaults of arith::QuantConfig, so a sweep file can change one width and nothing else.
#pragma once

#include <string>

#include "hw_model/arith/quant_config.hpp"

namespace nchip::compiler {

// Throws nchip::InputError "SOURCE_NAME: /json/pointer: problem" on malformed input, including a
// configuration that QuantConfig::problem() rejects.
arith::QuantConfig parse_quant_config_json(const std::string& text, const std::string& source_name);

// Same, reading a file (InputError "PATH: cannot read file" when it cannot be read).
arith::QuantConfig read_quant_config_file(const std::string& path);

// Canonical JSON (2-space indent) with both rounding modes and every quantity's format, in the
// order of arith::kAllQuantities; parse_quant_config_json reads it back to the same config.
std::string quant_config_to_json(const arith::QuantConfig& config);

}  // namespace nchip::compiler
