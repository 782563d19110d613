// A TrialSet seen as a Task, so the trainer draws a file's trials exactly as it draws generated
// ones: training trial k (k = iteration * batch + b) is the (k mod N)-th trial of epoch k / N,
// in file order or in a permutation of the training trials drawn from (seed, epoch); validation
// trial kValidationTrialBase + j is validation trial j mod M. With shuffling off, a file holding
// a generator's trials 0..N-1 and kValidationTrialBase + 0..M-1 trains byte for byte as the
// generator itself.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "runtime/data/epoch_order.hpp"
#include "runtime/data/trial_set.hpp"
#include "runtime/tasks/task.hpp"

namespace nchip::runtime {

class TrialSetTask final : public Task {
 public:
  // `training` must hold at least one trial; `validation` and `test` may be empty. `source` names the data in
  // messages and metrics ("data.h5").
  TrialSetTask(std::vector<Trial> training, std::vector<Trial> validation, std::vector<Trial> test, bool shuffle,
               std::string source);

  std::string name() const override { return source_; }
  uint32_t n_inputs() const override { return training_.front().n_inputs; }
  uint32_t n_outputs() const override { return training_.front().n_outputs; }
  LossKind loss() const override { return training_.front().loss; }
  uint32_t steps() const override { return training_.front().steps; }
  Trial make_trial(uint64_t seed, uint64_t trial_index) const override;

  size_t training_count() const { return training_.size(); }
  size_t validation_count() const { return validation_.size(); }
  size_t test_count() const { return test_.size(); }  // /split = 2; drawn as kTestTrialBase + j
  // Position in the training trials of training draw `trial_index` (tests, and nchip run --data).
  size_t training_position(uint64_t seed, uint64_t trial_index) const;

 private:
  std::vector<Trial> training_, validation_, test_;
  EpochOrder order_;
  std::string source_;
};

// The training and validation trials of `set` (split dataset), or of two sets (--validation-data:
// every trial of `validation` validates, and `set` must then have no split of its own). Throws
// InputError naming `path` when a validation file's shape differs from the training file's.
std::shared_ptr<TrialSetTask> make_trial_set_task(const TrialSet& set, const std::string& path,
                                                  const TrialSet* validation, const std::string& validation_path,
                                                  bool shuffle);

}  // namespace nchip::runtime
