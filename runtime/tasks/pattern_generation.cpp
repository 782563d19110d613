#include "runtime/tasks/pattern_generation.hpp"

#include <fmt/core.h>

#include <cmath>

#include "hw_model/error.hpp"
#include "runtime/tasks/trial_random.hpp"

namespace nchip::runtime {

namespace {
constexpr double kTwoPi = 6.283185307179586476925286766559;

template <class Components>
double sum_of_sines(const Components& components, double t_s) {
  double y = 0;
  for (const Sinusoid& c : components) y += c.amplitude * std::sin(kTwoPi * c.freq_hz * t_s + c.phase_rad);
  return y;
}

void check(const PatternGenerationConfig& c) {
  const auto fail = [](const std::string& what) { throw InputError("task 'pattern-generation': " + what); };
  if (c.steps == 0) fail("steps must be at least 1");
  if (c.inputs == 0) fail("--inputs must be at least 1");
  if (c.outputs == 0) fail("--outputs must be at least 1");
  if (!c.poisson_inputs) {
    if (c.groups == 0) fail("--groups must be at least 1");
    if (c.group_steps == 0) fail("--group-steps must be at least 1");
    if (c.inputs % c.groups != 0)
      fail(fmt::format("--inputs {} is not a multiple of --groups {} (each clock group has inputs / groups "
                       "neurons)", c.inputs, c.groups));
  }
  const double p = detail::spike_probability(c.rate_hz, kTaskDtMs);
  if (!(p >= 0.0 && p <= 1.0)) fail(fmt::format("rate_hz = {} outside [0, {}]", c.rate_hz, 1000.0 / kTaskDtMs));
  if (c.freqs_hz.empty()) fail("--periods-ms needs at least one period");
  for (double f : c.freqs_hz)
    if (!(f > 0 && std::isfinite(f))) fail("--periods-ms: every period must be a positive number of ms");
  if (!(c.amplitude_min >= 0 && c.amplitude_min <= c.amplitude_max && std::isfinite(c.amplitude_max)))
    fail(fmt::format("--amplitude-min {} and --amplitude-max {} must satisfy 0 <= min <= max", c.amplitude_min,
                     c.amplitude_max));
}
}  // namespace

PatternGenerationTask::PatternGenerationTask(uint32_t steps) : c_() { c_.steps = steps; }

PatternGenerationTask::PatternGenerationTask(const PatternGenerationConfig& config) : c_(config) { check(c_); }

std::vector<std::vector<Sinusoid>> PatternGenerationTask::components(uint64_t seed) const {
  // Keyed by the seed alone (not the trial): "The three target sequences ... were given by the sum
  // of four sinusoids" is one pattern per experiment, drawn once.
  const auto m_count = static_cast<uint32_t>(c_.freqs_hz.size());
  std::vector<std::vector<Sinusoid>> out(c_.outputs, std::vector<Sinusoid>(m_count));
  for (uint32_t k = 0; k < c_.outputs; ++k) {
    for (uint32_t m = 0; m < m_count; ++m) {
      const uint32_t index = k * m_count + m;
      Sinusoid& s = out[k][m];
      s.freq_hz = c_.freqs_hz[m];
      s.amplitude = c_.amplitude_min + (c_.amplitude_max - c_.amplitude_min) *
                                           detail::uniform01(seed, detail::kStreamPatternAmplitude, index, 0);
      // "randomly phase-shifted with a phase sampled uniformly in the interval [0, 2 pi]".
      s.phase_rad = kTwoPi * detail::uniform01(seed, detail::kStreamPatternPhase, index, 0);
    }
  }
  return out;
}

std::array<TargetComponents, PatternGenerationTask::kOutputs>
PatternGenerationTask::target_components(uint64_t seed) {
  const auto drawn = PatternGenerationTask().components(seed);
  std::array<TargetComponents, kOutputs> out{};
  for (uint32_t k = 0; k < kOutputs; ++k)
    for (uint32_t m = 0; m < 4; ++m) out[k][m] = drawn[k][m];
  return out;
}

double PatternGenerationTask::target_value(const TargetComponents& components, double t_s) {
  return sum_of_sines(components, t_s);
}

bool PatternGenerationTask::clock_fires(uint32_t input, uint32_t step) {
  const uint32_t phase = step % kPatternSteps;
  return input < kInputs && input / kGroupSize == phase / kGroupSteps &&
         phase % kClockIntervalSteps == 0;
}

Trial PatternGenerationTask::make_trial(uint64_t seed, uint64_t /*trial_index*/) const {
  Trial t;
  t.steps = c_.steps;
  t.n_inputs = c_.inputs;
  t.n_outputs = c_.outputs;
  t.loss = LossKind::mse;
  t.input_spikes.resize(c_.steps);
  if (c_.poisson_inputs) {
    // NEST's sine-wave task: independent Poisson trains, drawn once and frozen across iterations
    // (keyed by the seed, not the trial index).
    const double p = detail::spike_probability(c_.rate_hz, kTaskDtMs);
    for (uint32_t s = 0; s < c_.steps; ++s)
      detail::append_bernoulli_spikes(t.input_spikes[s], seed, detail::kStreamPatternInputSpike, 0, c_.inputs, s, p);
  } else {
    const uint32_t group_size = c_.inputs / c_.groups, pattern_steps = c_.groups * c_.group_steps;
    for (uint32_t s = 0; s < c_.steps; ++s) {
      const uint32_t phase = s % pattern_steps;
      if (phase % kClockIntervalSteps != 0) continue;
      // All neurons of the active group fire together: the paper describes regular trains per
      // group and gives no per-neuron offset.
      const uint32_t first = (phase / c_.group_steps) * group_size;
      for (uint32_t i = first; i < first + group_size; ++i) t.input_spikes[s].push_back(i);
    }
  }
  const auto drawn = components(seed);
  t.target.resize(static_cast<size_t>(c_.steps) * c_.outputs);
  for (uint32_t s = 0; s < c_.steps; ++s)
    for (uint32_t k = 0; k < c_.outputs; ++k)
      t.target[static_cast<size_t>(s) * c_.outputs + k] = sum_of_sines(drawn[k], s * kTaskDtMs * 1e-3);
  t.target_mask.assign(c_.steps, 1);  // regression error at every step of the pattern
  return t;
}

}  // namespace nchip::runtime
