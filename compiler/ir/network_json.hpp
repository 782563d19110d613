// The network file format (JSON; schema in compiler/README.md): reader with one-line errors
// naming the JSON pointer of the mistake, and a canonical writer (same network, same bytes).
#pragma once

#include <string>

#include "compiler/ir/network.hpp"

namespace nchip::ir {

// Parses, materialises random initialisations (random_init.hpp) and validates. Every malformed
// input throws nchip::InputError "SOURCE_NAME: /json/pointer: problem".
Network parse_network_json(const std::string& text, const std::string& source_name);

// parse_network_json on the file's contents, with the path as source name; an unreadable file
// throws InputError "PATH: cannot read file".
Network read_network_file(const std::string& path);

// Canonical JSON, 2-space indent, arrays of numbers on one line (a dense row, a synapse
// [pre, post, weight]), every parameter of a population's type written out, doubles in their
// shortest round-tripping form: parse_network_json(network_to_json(n)) == n, bit for bit.
// Projections with random_init are written as "init". Throws InputError when the network is
// invalid (see validate), and std::logic_error when a projection's weights no longer match its
// random_init (reset random_init after changing weights, or they would be lost).
std::string network_to_json(const Network& network);

}  // namespace nchip::ir
