// "pattern-generation": task 1.1 of Bellec et al. 2019 (Methods, "Pattern generation task 1.1"),
// with its shape as options (issue #13), including NEST's sine-wave regression
// (eprop_supervised_regression_sine-waves: frozen Poisson inputs, one readout).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "runtime/tasks/task.hpp"

namespace nchip::runtime {

struct Sinusoid {
  double freq_hz = 0;
  double amplitude = 0;
  double phase_rad = 0;
};
using TargetComponents = std::array<Sinusoid, 4>;  // one target dimension = sum of these

// The task's shape; the defaults are the paper's.
struct PatternGenerationConfig {
  uint32_t steps = 1000;
  uint32_t inputs = 20;
  uint32_t outputs = 3;
  bool poisson_inputs = false;  // false: the paper's clock; true: NEST's frozen Poisson inputs
  uint32_t groups = 5, group_steps = 200;  // clock only
  double rate_hz = 50.0;                   // poisson only
  std::vector<double> freqs_hz = {1.0, 2.0, 3.0, 5.0};
  double amplitude_min = 0.5, amplitude_max = 2.0;
};

class PatternGenerationTask final : public Task {
 public:
  // "20 input neurons, divided into 5 groups"; "three linear readout neurons".
  static constexpr uint32_t kInputs = 20;
  static constexpr uint32_t kGroups = 5;
  static constexpr uint32_t kGroupSize = kInputs / kGroups;
  static constexpr uint32_t kOutputs = 3;
  // "Neurons in group i produced 100 Hz regular spike trains during the time interval
  // [200 i, 200 i + 200) ms": a spike every 10 steps of 1 ms, 200 steps per group.
  static constexpr uint32_t kGroupSteps = 200;
  static constexpr uint32_t kClockIntervalSteps = 10;
  // The 1 s pattern; longer trials repeat the clock and the (1 s periodic) target.
  static constexpr uint32_t kPatternSteps = kGroups * kGroupSteps;
  static constexpr uint32_t kDefaultSteps = kPatternSteps;
  // "fixed frequencies of 1 Hz, 2 Hz, 3 Hz, and 5 Hz"; "amplitude ... uniform ... [0.5, 2]".
  static constexpr std::array<double, 4> kFrequenciesHz = {1.0, 2.0, 3.0, 5.0};
  static constexpr double kAmplitudeMin = 0.5, kAmplitudeMax = 2.0;

  explicit PatternGenerationTask(uint32_t steps = kDefaultSteps);
  // Throws nchip::InputError (naming the nchip train flag) for a shape that cannot work.
  explicit PatternGenerationTask(const PatternGenerationConfig& config);

  std::string name() const override { return "pattern-generation"; }
  uint32_t n_inputs() const override { return c_.inputs; }
  uint32_t n_outputs() const override { return c_.outputs; }
  LossKind loss() const override { return LossKind::mse; }
  uint32_t steps() const override { return c_.steps; }
  const PatternGenerationConfig& config() const { return c_; }
  // The target and the inputs depend on the seed only: the network learns one fixed pattern, so
  // every trial index of a seed is the same trial (the paper trains 1000 iterations on one
  // target; NEST's sine-wave task freezes its Poisson inputs across iterations).
  Trial make_trial(uint64_t seed, uint64_t trial_index) const override;

  // The drawn sinusoids of each output ([output][component]) of this configuration.
  std::vector<std::vector<Sinusoid>> components(uint64_t seed) const;

  // The paper's configuration: drawn sinusoids ([output][component]), for plots and tests.
  static std::array<TargetComponents, kOutputs> target_components(uint64_t seed);
  // sum_m A_m sin(2 pi f_m t + phi_m) at time t_s seconds.
  static double target_value(const TargetComponents& components, double t_s);
  // Whether clock input `input` fires at `step` (the paper's configuration).
  static bool clock_fires(uint32_t input, uint32_t step);

 private:
  PatternGenerationConfig c_;
};

}  // namespace nchip::runtime
