// Counter-based random numbers: a value is a pure function of (seed, stream, index, step), so a
// stochastic rounding or on-chip random draw never depends on the order in which a backend visits
// neurons or synapses. The mixer is SplitMix64's finaliser (Steele, Lea, Flood 2014), chosen
// because it is a few shifts, xors and multiplies that an RTL block can reproduce exactly.
#pragma once

#include <cstdint>

namespace nchip::arith {

constexpr uint64_t splitmix64_mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

// Which random draw: the stream names the operation (and, for chip-wide uniqueness, may fold in a
// core), the index the neuron or synapse, the step the timestep (or trial x step).
struct DrawKey {
  uint64_t seed = 0;
  uint32_t stream = 0;
  uint32_t index = 0;
  uint64_t step = 0;

  DrawKey with_stream(uint32_t s) const { return {seed, s, index, step}; }
};

constexpr uint64_t counter_random(const DrawKey& key) {
  uint64_t h = splitmix64_mix(key.seed ^ (uint64_t{key.stream} << 32));
  h = splitmix64_mix(h ^ key.index);
  return splitmix64_mix(h ^ key.step);
}

// Uniform double in [0, 1) from the top 53 bits of a draw.
constexpr double counter_uniform(const DrawKey& key) {
  return static_cast<double>(counter_random(key) >> 11) * 0x1.0p-53;
}

}  // namespace nchip::arith
