#include "runtime/tasks/trial.hpp"

#include <fmt/core.h>

namespace nchip::runtime {

bool operator==(const Trial& a, const Trial& b) {
  return a.steps == b.steps && a.n_inputs == b.n_inputs && a.n_outputs == b.n_outputs &&
         a.input_spikes == b.input_spikes && a.target == b.target &&
         a.target_mask == b.target_mask && a.loss == b.loss && a.labels == b.labels &&
         a.label_windows == b.label_windows;
}

const char* loss_name(LossKind loss) {
  return loss == LossKind::cross_entropy ? "cross_entropy" : "mse";
}

std::string trial_shape_problem(const Trial& t) {
  if (t.input_spikes.size() != t.steps)
    return fmt::format("input_spikes has {} steps, expected {}", t.input_spikes.size(), t.steps);
  for (uint32_t s = 0; s < t.steps; ++s) {
    const auto& row = t.input_spikes[s];
    for (size_t k = 0; k < row.size(); ++k) {
      if (row[k] >= t.n_inputs)
        return fmt::format("step {}: input {} out of range [0, {})", s, row[k], t.n_inputs);
      if (k > 0 && row[k] <= row[k - 1])
        return fmt::format("step {}: inputs not sorted and distinct", s);
    }
  }
  if (t.target.size() != static_cast<size_t>(t.steps) * t.n_outputs)
    return fmt::format("target has {} values, expected steps * n_outputs = {}", t.target.size(),
                       static_cast<size_t>(t.steps) * t.n_outputs);
  if (t.target_mask.size() != t.steps)
    return fmt::format("target_mask has {} entries, expected {}", t.target_mask.size(), t.steps);
  for (uint32_t s = 0; s < t.steps; ++s) {
    if (t.target_mask[s] > 1) return fmt::format("target_mask[{}] is not 0 or 1", s);
    if (t.target_mask[s] == 1 && t.n_outputs == 0)
      return fmt::format("target_mask[{}] is 1 but there are no outputs", s);
  }
  if (t.labels.size() != t.label_windows.size())
    return fmt::format("{} labels but {} label windows", t.labels.size(), t.label_windows.size());
  for (size_t k = 0; k < t.labels.size(); ++k) {
    const auto [first, last] = t.label_windows[k];
    if (!(first < last && last <= t.steps))
      return fmt::format("label window {} [{}, {}) is empty or outside [0, {})", k, first, last,
                         t.steps);
    if (t.labels[k] < 0 || static_cast<uint32_t>(t.labels[k]) >= t.n_outputs)
      return fmt::format("label {} is {}, outside [0, {})", k, t.labels[k], t.n_outputs);
  }
  return {};
}

}  // namespace nchip::runtime
