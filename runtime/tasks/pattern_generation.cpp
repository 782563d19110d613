#include "runtime/tasks/pattern_generation.hpp"

#include <cmath>

#include "runtime/tasks/trial_random.hpp"

namespace nchip::runtime {

namespace {
constexpr double kTwoPi = 6.283185307179586476925286766559;
}

PatternGenerationTask::PatternGenerationTask(uint32_t steps) : steps_(steps) {}

std::array<TargetComponents, PatternGenerationTask::kOutputs>
PatternGenerationTask::target_components(uint64_t seed) {
  // Keyed by the seed alone (not the trial): "The three target sequences ... were given by the sum
  // of four sinusoids" is one pattern per experiment, drawn once.
  std::array<TargetComponents, kOutputs> out{};
  for (uint32_t k = 0; k < kOutputs; ++k) {
    for (uint32_t m = 0; m < 4; ++m) {
      const uint32_t index = k * 4 + m;
      Sinusoid& c = out[k][m];
      c.freq_hz = kFrequenciesHz[m];
      c.amplitude = kAmplitudeMin + (kAmplitudeMax - kAmplitudeMin) *
                                        detail::uniform01(seed, detail::kStreamPatternAmplitude,
                                                          index, 0);
      // "randomly phase-shifted with a phase sampled uniformly in the interval [0, 2 pi]".
      c.phase_rad = kTwoPi * detail::uniform01(seed, detail::kStreamPatternPhase, index, 0);
    }
  }
  return out;
}

double PatternGenerationTask::target_value(const TargetComponents& components, double t_s) {
  double y = 0;
  for (const Sinusoid& c : components) y += c.amplitude * std::sin(kTwoPi * c.freq_hz * t_s + c.phase_rad);
  return y;
}

bool PatternGenerationTask::clock_fires(uint32_t input, uint32_t step) {
  const uint32_t phase = step % kPatternSteps;
  return input < kInputs && input / kGroupSize == phase / kGroupSteps &&
         phase % kClockIntervalSteps == 0;
}

Trial PatternGenerationTask::make_trial(uint64_t seed, uint64_t /*trial_index*/) const {
  Trial t;
  t.steps = steps_;
  t.n_inputs = kInputs;
  t.n_outputs = kOutputs;
  t.loss = LossKind::mse;
  t.input_spikes.resize(steps_);
  for (uint32_t s = 0; s < steps_; ++s) {
    const uint32_t phase = s % kPatternSteps;
    if (phase % kClockIntervalSteps != 0) continue;
    // All four neurons of the active group fire together: the paper describes regular trains per
    // group and gives no per-neuron offset.
    const uint32_t first = (phase / kGroupSteps) * kGroupSize;
    for (uint32_t i = first; i < first + kGroupSize; ++i) t.input_spikes[s].push_back(i);
  }
  const auto components = target_components(seed);
  t.target.resize(static_cast<size_t>(steps_) * kOutputs);
  for (uint32_t s = 0; s < steps_; ++s)
    for (uint32_t k = 0; k < kOutputs; ++k)
      t.target[static_cast<size_t>(s) * kOutputs + k] =
          target_value(components[k], s * kTaskDtMs * 1e-3);
  t.target_mask.assign(steps_, 1);  // regression error at every step of the pattern
  return t;
}

}  // namespace nchip::runtime
