#include "runtime/data/trial_set_task.hpp"

#include <fmt/core.h>

#include <numeric>
#include <utility>

#include "hw_model/arith/counter_rng.hpp"
#include "hw_model/error.hpp"

namespace nchip::runtime {

namespace {
// Hash stream of the per-epoch shuffle (as trial_random.hpp's streams: fixed forever).
constexpr uint32_t kStreamTrialSetShuffle = 0x7A5C0501;
}  // namespace

TrialSetTask::TrialSetTask(std::vector<Trial> training, std::vector<Trial> validation, bool shuffle,
                           std::string source)
    : training_(std::move(training)), validation_(std::move(validation)), shuffle_(shuffle),
      source_(std::move(source)) {
  if (training_.empty()) throw InputError(source_ + ": no training trials (every trial is in the validation split)");
}

size_t TrialSetTask::training_position(uint64_t seed, uint64_t k) const {
  const uint64_t n = training_.size();
  const uint64_t epoch = k / n, position = k % n;
  if (!shuffle_) return static_cast<size_t>(position);
  std::lock_guard<std::mutex> lock(mutex_);
  if (cached_epoch_ != epoch || cached_seed_ != seed) {
    // Fisher-Yates with counter-based draws: the permutation of an epoch depends on (seed, epoch)
    // only, never on what was drawn before.
    permutation_.resize(training_.size());
    std::iota(permutation_.begin(), permutation_.end(), 0u);
    for (uint64_t i = n - 1; i > 0; --i) {
      const uint64_t j = arith::counter_random({seed, kStreamTrialSetShuffle, static_cast<uint32_t>(epoch), i}) % (i + 1);
      std::swap(permutation_[i], permutation_[j]);
    }
    cached_seed_ = seed;
    cached_epoch_ = epoch;
  }
  return permutation_[position];
}

Trial TrialSetTask::make_trial(uint64_t seed, uint64_t trial_index) const {
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
  std::vector<Trial> train = set.subset(TrialSplit::training), val = set.subset(TrialSplit::validation);
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
  return std::make_shared<TrialSetTask>(std::move(train), std::move(val), shuffle, path);
}

}  // namespace nchip::runtime
