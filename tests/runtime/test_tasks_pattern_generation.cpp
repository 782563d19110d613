// Pattern generation (Bellec et al. 2019, task 1.1): clock inputs and sinusoid targets.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <set>
#include <utility>

#include "runtime/tasks/pattern_generation.hpp"

using namespace nchip::runtime;

namespace {
constexpr double kPi = 3.14159265358979323846;
}

TEST_CASE("pattern-generation: group i fires every 10th step from 200 i to 200 i + 199") {
  const Trial t = make_task("pattern-generation", {})->make_trial(1, 0);
  REQUIRE(t.steps == 1000);
  std::set<std::pair<uint32_t, uint32_t>> expected;  // (step, input), written out from the paper
  for (uint32_t group = 0; group < 5; ++group)
    for (uint32_t step = 200 * group; step < 200 * group + 200; step += 10)
      for (uint32_t input = 4 * group; input < 4 * group + 4; ++input) expected.insert({step, input});
  std::set<std::pair<uint32_t, uint32_t>> got;
  for (uint32_t s = 0; s < t.steps; ++s)
    for (const uint32_t i : t.input_spikes[s]) got.insert({s, i});
  CHECK(got == expected);
  CHECK(got.size() == 5u * 20u * 4u);  // 100 Hz for 200 ms = 20 spikes per neuron
  for (uint32_t s = 0; s < t.steps; s += 10)
    for (uint32_t i = 0; i < 20; ++i)
      REQUIRE(PatternGenerationTask::clock_fires(i, s) == (expected.count({s, i}) == 1));
}

TEST_CASE("pattern-generation: drawn sinusoids follow the distributions of the paper") {
  const auto c = PatternGenerationTask::target_components(3);
  const double freqs[4] = {1, 2, 3, 5};
  for (const auto& output : c)
    for (size_t m = 0; m < 4; ++m) {
      CHECK(output[m].freq_hz == freqs[m]);
      CHECK(output[m].amplitude >= 0.5);
      CHECK(output[m].amplitude <= 2.0);
      CHECK(output[m].phase_rad >= 0.0);
      CHECK(output[m].phase_rad < 2 * kPi);
    }
  // Over many seeds: amplitude mean (0.5 + 2) / 2, phase mean pi; and all outputs differ.
  double amplitude_sum = 0, phase_sum = 0;
  int n = 0;
  for (uint64_t seed = 0; seed < 300; ++seed)
    for (const auto& output : PatternGenerationTask::target_components(seed))
      for (const auto& s : output) {
        amplitude_sum += s.amplitude;
        phase_sum += s.phase_rad;
        ++n;
      }
  CHECK(amplitude_sum / n == Approx(1.25).margin(0.03));  // sd of the mean ~0.007
  CHECK(phase_sum / n == Approx(kPi).margin(0.1));        // sd of the mean ~0.03
  CHECK(c[0][0].amplitude != c[1][0].amplitude);
  CHECK(c[0][0].phase_rad != c[2][0].phase_rad);
}

TEST_CASE("pattern-generation: target is the sum of the drawn sinusoids at t = step x 1 ms") {
  const uint64_t seed = 11;
  const Trial t = make_task("pattern-generation", {})->make_trial(seed, 0);
  const auto c = PatternGenerationTask::target_components(seed);
  REQUIRE(t.target.size() == 3000);
  for (const uint32_t step : {0u, 1u, 137u, 500u, 999u})
    for (uint32_t k = 0; k < 3; ++k) {
      double y = 0;  // the paper's formula, written independently of the task's code
      for (const auto& s : c[k]) y += s.amplitude * std::sin(2 * kPi * s.freq_hz * step / 1000.0 + s.phase_rad);
      CAPTURE(step, k);
      CHECK(t.target_at(step, k) == Approx(y).margin(1e-12));
    }
  CHECK(t.target_mask == std::vector<uint8_t>(1000, 1));
  // Amplitude sanity: sums of four sinusoids with amplitudes in [0.5, 2] stay within +-8 and,
  // with these frequencies, swing well away from zero somewhere in the second.
  for (uint32_t k = 0; k < 3; ++k) {
    double lo = 1e9, hi = -1e9;
    for (uint32_t s = 0; s < 1000; ++s) {
      lo = std::min(lo, t.target_at(s, k));
      hi = std::max(hi, t.target_at(s, k));
    }
    CHECK(hi <= 8.0);
    CHECK(lo >= -8.0);
    CHECK(hi - lo > 2.0);
  }
}

TEST_CASE("pattern-generation: one fixed pattern per seed and periodic over 1 s") {
  const auto task = make_task("pattern-generation", {});
  CHECK(task->make_trial(5, 0) == task->make_trial(5, 123));  // same pattern every trial
  CHECK(task->make_trial(5, 0).target != task->make_trial(6, 0).target);

  TaskOptions two_seconds;
  two_seconds.steps = 2000;
  const Trial t = make_task("pattern-generation", two_seconds)->make_trial(5, 0);
  REQUIRE(t.steps == 2000);
  for (uint32_t s = 0; s < 1000; ++s) {
    REQUIRE(t.input_spikes[s] == t.input_spikes[s + 1000]);
    for (uint32_t k = 0; k < 3; ++k) REQUIRE(t.target_at(s, k) == Approx(t.target_at(s + 1000, k)).margin(1e-9));
  }
  // And the first second is the default trial.
  const Trial one = task->make_trial(5, 0);
  for (uint32_t s = 0; s < 1000; ++s) REQUIRE(t.target_at(s, 2) == one.target_at(s, 2));
}
