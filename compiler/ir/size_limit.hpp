// Issue #15 row 9: a 130-byte network can declare 4294967295 neurons, and a 172-byte one a dense
// 200000 x 10000 random projection; lowering, random init and the tasks would then allocate until
// bad_alloc (exit 1) or swap. The readers estimate what a network needs before anything is
// allocated and refuse, in one line naming the figure and the limit, what cannot fit.
#pragma once

#include <cstdint>
#include <string>

#include "compiler/ir/network.hpp"

namespace nchip::ir {

// Rough peak bytes per synapse and per neuron when a network is lowered and trained: the IR's
// double weight, the model's synapse row (target, weight, exponent, flag, origin: 18 B), the
// learning state (eligibility, accumulators) and the float reference beside the fixed model.
inline constexpr uint64_t kBytesPerSynapse = 64;
inline constexpr uint64_t kBytesPerNeuron = 512;

struct NetworkSize {
  uint64_t neurons = 0;   // every population, inputs included
  uint64_t synapses = 0;  // explicit weights, or the expected count of a random init (saturates)
  // In double: a few full 2^32 x 2^32 projections would overflow 64 bits.
  double bytes() const {
    return static_cast<double>(synapses) * kBytesPerSynapse + static_cast<double>(neurons) * kBytesPerNeuron;
  }
};

// Counted without allocating (a random init's synapses are estimated from its probability).
NetworkSize network_size(const Network& network);

// A memory size as users write it: bytes, or with a K/M/G/T suffix (powers of 1000), e.g. 8G.
// Throws nchip::InputError "SOURCE: expected a number of bytes (e.g. 8G), got 'TEXT'".
uint64_t parse_memory_bytes(const std::string& text, const std::string& source);

// `nchip --max-memory SIZE`: the limit for this process, ahead of NCHIP_MAX_MEMORY (which the CLI
// also sets, so the processes a sweep starts inherit it).
void set_memory_limit_bytes(uint64_t bytes, const std::string& source);

// The memory limit: --max-memory, else NCHIP_MAX_MEMORY when set, else half this machine's
// physical memory. `why` says which, for the error message.
uint64_t memory_limit_bytes(std::string* why = nullptr);

// Throws nchip::InputError "WHAT needs about X GB, more than the limit of Y GB (...)" when
// `bytes` exceeds memory_limit_bytes(). Shared by the network check and the trial-length checks
// of `nchip run` and `nchip train` (issue #15 row 12).
void check_memory(double bytes, const std::string& what);

// Throws nchip::InputError "SOURCE: a network of N synapses and M neurons needs about X GB, more
// than the limit of Y GB (...)" when network_size(network).bytes() exceeds memory_limit_bytes(), or when
// one role's neurons overflow the models' 32-bit indices.
void check_network_size(const Network& network, const std::string& source_name);

}  // namespace nchip::ir
