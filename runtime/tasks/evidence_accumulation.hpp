// "evidence-accumulation": the e-prop paper's Figure 3 task (Bellec et al. 2019, "Evidence
// accumulation task"), in the configuration of NEST's
// eprop_supervised_classification_evidence-accumulation_bsshslm_2020: cues on the left or right,
// a delay, then a recall cue; the network must report the side that had more cues.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/tasks/task.hpp"

namespace nchip::runtime {

// The task's shape; the defaults are NEST's (and the paper's Fig. 3).
struct EvidenceAccumulationConfig {
  uint32_t population_size = 10;  // 4 populations: left cue, right cue, recall, background noise
  uint32_t cues = 7;
  uint32_t cue_steps = 100;
  uint32_t cue_spacing_steps = 50;  // silence before each cue
  uint32_t delay_steps = 1050;
  uint32_t recall_steps = 150;
  double cue_probability = 0.3;  // of the minority side, per cue
  double rate_hz = 40.0;         // cue and recall populations
  double noise_rate_hz = 10.0;   // background population, every step

  uint32_t cue_phase_steps() const { return cues * (cue_steps + cue_spacing_steps); }
  uint32_t steps() const { return cue_phase_steps() + delay_steps + recall_steps; }  // 2250
};

// What one trial shows: the side of each cue (0 left, 1 right) and the answer.
struct EvidenceSchedule {
  int majority = 0;       // the side drawn to get probability 1 - cue_probability per cue
  std::vector<int> cues;  // [cue] -> 0 left, 1 right
  int label = 0;          // the side with more cues (a tie, possible only with an even count: left)
};

class EvidenceAccumulationTask final : public Task {
 public:
  static constexpr uint32_t kOutputs = 2;  // output k = side k
  static constexpr uint32_t kPopulations = 4;

  // Throws nchip::InputError (naming the nchip train flag) for a shape that cannot work.
  explicit EvidenceAccumulationTask(const EvidenceAccumulationConfig& config = {});

  std::string name() const override { return "evidence-accumulation"; }
  uint32_t n_inputs() const override { return kPopulations * c_.population_size; }
  uint32_t n_outputs() const override { return kOutputs; }
  LossKind loss() const override { return LossKind::cross_entropy; }
  uint32_t steps() const override { return c_.steps(); }
  const EvidenceAccumulationConfig& config() const { return c_; }
  Trial make_trial(uint64_t seed, uint64_t trial_index) const override;

  // The cues of a trial (what make_trial turns into spikes); for plots, reports and tests.
  EvidenceSchedule schedule(uint64_t seed, uint64_t trial_index) const;
  // Step range [first, last) of cue c.
  std::pair<uint32_t, uint32_t> cue_window(uint32_t c) const;

 private:
  EvidenceAccumulationConfig c_;
};

}  // namespace nchip::runtime
