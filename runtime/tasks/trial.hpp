// One trial of a task: the input spikes a network receives and the target its readouts are trained
// towards. Shared by every generator (pattern generation, store-recall, poisson) and by the spike
// file reader, so the trainer and the backends see a single shape whatever the input came from.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace nchip::runtime {

// All tasks run on the chip's 1 ms timestep (DESIGN.md: "Discrete time, dt = 1 ms"); rates and
// durations in the paper are converted with this one constant.
inline constexpr double kTaskDtMs = 1.0;

enum class LossKind { mse, cross_entropy };

struct Trial {
  uint32_t steps = 0, n_inputs = 0, n_outputs = 0;
  std::vector<std::vector<uint32_t>> input_spikes;  // [step] -> sorted, distinct active inputs
  std::vector<double> target;        // steps * n_outputs, row-major [step][output]
  std::vector<uint8_t> target_mask;  // [step]: 1 where the task defines a target (error only there)
  LossKind loss = LossKind::mse;
  std::vector<int> labels;  // classification: one label per evaluation window (e.g. per recall)
  std::vector<std::pair<uint32_t, uint32_t>> label_windows;  // [first_step, last_step) per label

  double target_at(uint32_t step, uint32_t output) const {
    return target[static_cast<size_t>(step) * n_outputs + output];
  }
};

bool operator==(const Trial& a, const Trial& b);
inline bool operator!=(const Trial& a, const Trial& b) { return !(a == b); }

const char* loss_name(LossKind loss);  // "mse" / "cross_entropy", as in the spike file

// Empty when the trial's fields agree with each other (sizes, sorted in-range spikes, 0/1 mask,
// windows inside the trial, labels < n_outputs); otherwise a description of the first problem.
// A generator or writer that meets one has a bug, so callers treat it as an internal error.
std::string trial_shape_problem(const Trial& trial);

}  // namespace nchip::runtime
