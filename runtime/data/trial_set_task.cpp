#include "runtime/data/trial_set_task.hpp"

#include <fmt/core.h>

#include <utility>

#include "hw_model/error.hpp"

namespace nchip::runtime {

TrialSetTask::TrialSetTask(std::vector<Trial> training, std::vector<Trial> validation, std::vector<Trial> test,
                           bool shuffle, std::string source)
    : training_(std::move(training)), validation_(std::move(validation)), test_(std::move(test)),
      order_(training_.size(), shuffle), source_(std::move(source)) {
  if (training_.empty()) throw InputError(source_ + ": no training trials (every trial is in the validation split)");
}

size_t TrialSetTask::training_position(uint64_t seed, uint64_t k) const { return order_.position(seed, k); }

Trial TrialSetTask::make_trial(uint64_t seed, uint64_t trial_index) const {
  if (trial_index >= kTestTrialBase) {
    const uint64_t j = trial_index - kTestTrialBase;
    if (j >= test_.size()) throw InputError(fmt::format("{}: no test trial {} (/split has {} 2s)", source_, j, test_.size()));
    return test_[j];
  }
  if (trial_index >= kValidationTrialBase) {
    if (validation_.empty())
      throw InputError(source_ + ": no validation trials (a /split dataset marking some 1, or --validation-data "
                       "FILE; or --validation-trials 0)");
    return validation_[(trial_index - kValidationTrialBase) % validation_.size()];
  }
  return training_[training_position(seed, trial_index)];
}

std::shared_ptr<TrialSetTask> make_trial_set_task(const TrialSet& set, const std::string& path,
                                                  const TrialSet* validation, const std::string& validation_path,
                                                  bool shuffle) {
  std::vector<Trial> train = set.subset(TrialSplit::training), val = set.subset(TrialSplit::validation),
                     test = set.subset(TrialSplit::test);
  if (validation) {
    if (!val.empty())
      throw InputError(fmt::format("{}: /split: the file has its own validation trials; drop /split or "
                                   "--validation-data {}", path, validation_path));
    if (validation->steps != set.steps || validation->n_inputs != set.n_inputs ||
        validation->n_outputs != set.n_outputs || validation->loss != set.loss || validation->dt_ms != set.dt_ms)
      throw InputError(fmt::format("{}: /: shape {} steps x {} inputs x {} outputs ({}, dt {} ms) differs from "
                                   "the training file's {} x {} x {} ({}, dt {} ms)",
                                   validation_path, validation->steps, validation->n_inputs, validation->n_outputs,
                                   loss_name(validation->loss), validation->dt_ms, set.steps, set.n_inputs,
                                   set.n_outputs, loss_name(set.loss), set.dt_ms));
    val = validation->trials;
  }
  if (train.empty()) throw InputError(path + ": /split: no training trials (every entry is 1)");
  return std::make_shared<TrialSetTask>(std::move(train), std::move(val), std::move(test), shuffle, path);
}

}  // namespace nchip::runtime
