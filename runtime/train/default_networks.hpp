// The networks `nchip train` uses when no --net is given: the paper's networks for each task,
// i.e. examples/networks/*.json embedded at build time (so the binary needs no files
// and can run from any directory), with weights drawn from `seed`.
#pragma once

#include <cstdint>
#include <string>

#include "compiler/ir/network.hpp"

namespace nchip::runtime {

// Throws nchip::InputError for a task without a default network.
// `preset` (--preset) picks the network of a named configuration (nest-sine: sine_waves.json).
ir::Network default_training_network(const std::string& task, uint64_t seed, const std::string& preset = "");

}  // namespace nchip::runtime
