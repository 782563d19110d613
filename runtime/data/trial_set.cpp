#include "runtime/data/trial_set.hpp"

#include <fmt/core.h>

namespace nchip::runtime {

void TrialSet::shape_trials(size_t n) {
  trials.assign(n, Trial{});
  for (Trial& t : trials) {
    t.steps = steps;
    t.n_inputs = n_inputs;
    t.n_outputs = n_outputs;
    t.loss = loss;
    t.input_spikes.resize(steps);
  }
}

size_t TrialSet::count(TrialSplit which) const {
  size_t n = 0;
  for (TrialSplit s : split) n += s == which;
  return n;
}

std::vector<Trial> TrialSet::subset(TrialSplit which) const {
  std::vector<Trial> out;
  for (size_t i = 0; i < trials.size(); ++i)
    if (split[i] == which) out.push_back(trials[i]);
  return out;
}

void fill_classification_target(Trial& t) {
  t.target.assign(static_cast<size_t>(t.steps) * t.n_outputs, 0.0);
  t.target_mask.assign(t.steps, 0);
  for (size_t k = 0; k < t.labels.size(); ++k)
    for (uint32_t s = t.label_windows[k].first; s < t.label_windows[k].second; ++s) {
      t.target[static_cast<size_t>(s) * t.n_outputs + static_cast<uint32_t>(t.labels[k])] = 1.0;
      t.target_mask[s] = 1;
    }
}

std::string trial_set_problem(const TrialSet& set) {
  if (set.trials.empty()) return "no trials";
  if (set.split.size() != set.trials.size())
    return fmt::format("{} split entries for {} trials", set.split.size(), set.trials.size());
  for (size_t i = 0; i < set.trials.size(); ++i) {
    const Trial& t = set.trials[i];
    if (t.steps != set.steps || t.n_inputs != set.n_inputs || t.n_outputs != set.n_outputs || t.loss != set.loss)
      return fmt::format("trial {}: shape {} steps x {} inputs x {} outputs ({}) differs from the set's "
                         "{} x {} x {} ({})",
                         i, t.steps, t.n_inputs, t.n_outputs, loss_name(t.loss), set.steps, set.n_inputs,
                         set.n_outputs, loss_name(set.loss));
    const std::string problem = trial_shape_problem(t);
    if (!problem.empty()) return fmt::format("trial {}: {}", i, problem);
    if (set.loss == LossKind::cross_entropy) {
      Trial implied = t;
      fill_classification_target(implied);
      if (implied.target != t.target || implied.target_mask != t.target_mask)
        return fmt::format("trial {}: a classification trial's target must be one-hot of its labels inside "
                           "their windows (the container stores labels and windows only)",
                           i);
    }
  }
  return {};
}

}  // namespace nchip::runtime
