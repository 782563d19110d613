#include "runtime/tasks/evidence_accumulation.hpp"

#include <fmt/core.h>

#include "hw_model/error.hpp"
#include "runtime/tasks/trial_random.hpp"

namespace nchip::runtime {

namespace {
void check_rate(const char* flag, double rate_hz) {
  const double p = detail::spike_probability(rate_hz, kTaskDtMs);
  if (!(p >= 0.0 && p <= 1.0))
    throw InputError(fmt::format("task 'evidence-accumulation': {} {} outside [0, {}] Hz", flag, rate_hz,
                                 1000.0 / kTaskDtMs));
}
}  // namespace

EvidenceAccumulationTask::EvidenceAccumulationTask(const EvidenceAccumulationConfig& config) : c_(config) {
  const auto fail = [](const std::string& what) { throw InputError("task 'evidence-accumulation': " + what); };
  if (c_.population_size == 0)
    fail("--inputs must be a positive multiple of 4 (left cue, right cue, recall and noise populations)");
  if (c_.cues == 0) fail("--cues must be at least 1");
  if (c_.cue_steps == 0) fail("--cue-steps must be at least 1");
  if (c_.recall_steps == 0) fail("--recall-steps must be at least 1 (the error and the decision are there)");
  if (!(c_.cue_probability >= 0 && c_.cue_probability <= 0.5))
    fail(fmt::format("--cue-probability {} outside [0, 0.5] (it is the minority side's)", c_.cue_probability));
  check_rate("--input-rate", c_.rate_hz);
  check_rate("--noise-rate", c_.noise_rate_hz);
  if (uint64_t{c_.cues} * (c_.cue_steps + uint64_t{c_.cue_spacing_steps}) + c_.delay_steps + c_.recall_steps >
      100'000'000)
    fail("trial longer than 10^8 steps");
}

std::pair<uint32_t, uint32_t> EvidenceAccumulationTask::cue_window(uint32_t c) const {
  // As NEST's generator: each cue slot is spacing then cue ("step_start = c * (cue + spacing) + spacing").
  const uint32_t first = c * (c_.cue_steps + c_.cue_spacing_steps) + c_.cue_spacing_steps;
  return {first, first + c_.cue_steps};
}

EvidenceSchedule EvidenceAccumulationTask::schedule(uint64_t seed, uint64_t trial_index) const {
  const uint64_t key = detail::trial_seed(seed, trial_index);
  EvidenceSchedule s;
  // A fair side gets probability 1 - p per cue, the other p (NEST: prob_choices[idx], idx fair).
  s.majority = detail::uniform01(key, detail::kStreamEvidenceSide, 0, 0) < 0.5 ? 0 : 1;
  s.cues.resize(c_.cues);
  uint32_t right = 0;
  for (uint32_t c = 0; c < c_.cues; ++c) {
    const bool minority = detail::uniform01(key, detail::kStreamEvidenceCue, c, 0) < c_.cue_probability;
    s.cues[c] = minority ? 1 - s.majority : s.majority;
    right += static_cast<uint32_t>(s.cues[c]);
  }
  // NEST: target = sum(cues) > int(n_cues / 2), i.e. right iff strictly more right cues.
  s.label = right > c_.cues / 2 ? 1 : 0;
  return s;
}

Trial EvidenceAccumulationTask::make_trial(uint64_t seed, uint64_t trial_index) const {
  const uint64_t key = detail::trial_seed(seed, trial_index);
  const EvidenceSchedule sched = schedule(seed, trial_index);
  const uint32_t g = c_.population_size, steps = c_.steps();
  const uint32_t recall_first = steps - c_.recall_steps;
  const double p = detail::spike_probability(c_.rate_hz, kTaskDtMs);
  const double p_noise = detail::spike_probability(c_.noise_rate_hz, kTaskDtMs);

  Trial t;
  t.steps = steps;
  t.n_inputs = kPopulations * g;
  t.n_outputs = kOutputs;
  t.loss = LossKind::cross_entropy;
  t.input_spikes.resize(steps);
  t.target.assign(static_cast<size_t>(steps) * kOutputs, 0.0);
  t.target_mask.assign(steps, 0);
  // The side cued at each step (-1: none); populations are appended in index order so every
  // step's list stays sorted.
  std::vector<int> side(steps, -1);
  for (uint32_t c = 0; c < c_.cues; ++c) {
    const auto [first, last] = cue_window(c);
    for (uint32_t s = first; s < last; ++s) side[s] = sched.cues[c];
  }
  for (uint32_t s = 0; s < steps; ++s) {
    auto& out = t.input_spikes[s];
    if (side[s] >= 0)
      detail::append_bernoulli_spikes(out, key, detail::kStreamEvidenceSpike, static_cast<uint32_t>(side[s]) * g, g, s, p);
    if (s >= recall_first) detail::append_bernoulli_spikes(out, key, detail::kStreamEvidenceSpike, 2 * g, g, s, p);
    detail::append_bernoulli_spikes(out, key, detail::kStreamEvidenceSpike, 3 * g, g, s, p_noise);
  }
  // Cross entropy on the recall window only, whose mean readout is the decision (as store-recall).
  for (uint32_t s = recall_first; s < steps; ++s) {
    t.target[static_cast<size_t>(s) * kOutputs + static_cast<uint32_t>(sched.label)] = 1.0;
    t.target_mask[s] = 1;
  }
  t.labels.push_back(sched.label);
  t.label_windows.emplace_back(recall_first, steps);
  return t;
}

}  // namespace nchip::runtime
