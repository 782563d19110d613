// Randomness of the task generators. Every draw is a pure function of (seed, trial index, stream,
// index, step) through hw_model/arith/counter_rng.hpp, so a trial never depends on what was
// generated before it, on thread scheduling, or on the standard library's distributions (which
// differ between implementations).
#pragma once

#include <cstdint>
#include <vector>

#include "hw_model/arith/counter_rng.hpp"

namespace nchip::runtime::detail {

// One stream per kind of draw, so e.g. store-recall's command draws and its spike draws never
// reuse a hash input. Values are arbitrary but fixed forever: changing one changes every trial.
enum Stream : uint32_t {
  kStreamTrialSeed = 0x7A5C0001,
  kStreamPatternAmplitude = 0x7A5C0101,
  kStreamPatternPhase = 0x7A5C0102,
  kStreamStoreRecallValue = 0x7A5C0201,
  kStreamStoreRecallCommand = 0x7A5C0202,
  kStreamStoreRecallSpike = 0x7A5C0203,
  kStreamPoissonSpike = 0x7A5C0301,
  kStreamPatternInputSpike = 0x7A5C0103,  // pattern-generation with frozen Poisson inputs
  kStreamEvidenceSide = 0x7A5C0401,
  kStreamEvidenceCue = 0x7A5C0402,
  kStreamEvidenceSpike = 0x7A5C0403,
};

// The per-trial key: hashing the trial index into the seed keeps trials of one seed independent
// and makes trial k reproducible on its own.
inline uint64_t trial_seed(uint64_t seed, uint64_t trial_index) {
  return arith::counter_random({seed, kStreamTrialSeed, 0, trial_index});
}

inline double uniform01(uint64_t seed, uint32_t stream, uint32_t index, uint64_t step) {
  return arith::counter_uniform({seed, stream, index, step});
}

// Spike probability per 1 ms step for a Poisson rate: a Bernoulli process with p = rate * dt is the
// discrete-time Poisson process the paper's 1 ms simulations use (p <= 1 is checked by callers).
inline double spike_probability(double rate_hz, double dt_ms) { return rate_hz * dt_ms * 1e-3; }

// Appends the inputs first..first+count-1 that spike at `step`, in increasing order (so calls with
// increasing `first` keep a step's list sorted). The channel is the hash index, the step the hash
// step: each (channel, step) is one independent Bernoulli draw.
inline void append_bernoulli_spikes(std::vector<uint32_t>& out, uint64_t key, uint32_t stream,
                                    uint32_t first, uint32_t count, uint64_t step, double p) {
  for (uint32_t i = first; i < first + count; ++i)
    if (uniform01(key, stream, i, step) < p) out.push_back(i);
}

}  // namespace nchip::runtime::detail
