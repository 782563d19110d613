// A trial set: the trials a user brings (from the HDF5 container, CSV, JSON spike files or a
// converted data set), all of one shape, each marked training or validation. The in-memory form
// that runtime/data's readers produce and its writer stores; the trainer sees it through
// TrialSetTask (trial_set_task.hpp).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/tasks/trial.hpp"

namespace nchip::runtime {

// /split: 0 training, 1 validation (scored every iteration), 2 test (scored once, after training).
enum class TrialSplit : uint8_t { training = 0, validation = 1, test = 2 };

struct TrialSet {
  double dt_ms = kTaskDtMs;
  uint32_t steps = 0, n_inputs = 0, n_outputs = 0;
  LossKind loss = LossKind::mse;  // mse: regression targets; cross_entropy: labels and windows
  std::vector<Trial> trials;      // each trials[i] has this set's steps, n_inputs, n_outputs, loss
  std::vector<TrialSplit> split;  // one per trial

  // n trials of this set's shape (steps, n_inputs, n_outputs, loss), no input spikes yet: what a
  // reader fills in.
  void shape_trials(size_t n);
  size_t count(TrialSplit which) const;
  // The trials of one split, in file order.
  std::vector<Trial> subset(TrialSplit which) const;
};

// A classification trial's target and mask as the container implies them: one-hot of each label
// inside its window, mask 1 there and 0 elsewhere (as the store-recall and evidence-accumulation
// generators build them). Fills trial.target and trial.target_mask from labels and windows.
void fill_classification_target(Trial& trial);

// "" when `set` can be stored (trials agree with the set's shape and with each other; a
// classification trial's target is what fill_classification_target gives), else the first
// problem with the trial index.
std::string trial_set_problem(const TrialSet& set);

}  // namespace nchip::runtime
