// Tasks: seeded generators of trials (input spikes + targets) for the learning experiments of
// Bellec et al. 2019 (shared/papers/eprop-bellec-2019.md), chosen by name at run time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "runtime/tasks/trial.hpp"

namespace nchip::runtime {

// Overrides of a task's paper defaults; unset means "the paper's value". An override that a task
// cannot honour (e.g. n_inputs for a task with a fixed input layout) is an InputError, not ignored.
struct TaskOptions {
  // Trial length in 1 ms steps. Defaults: pattern-generation 1000 ("target sequences had a duration
  // of 1000 ms"), store-recall 2400 ("Each learning trial consisted of a 2400 ms network
  // simulation"), poisson 1000.
  std::optional<uint32_t> steps;
  // Input count. Required by poisson (the caller passes its network's input population size);
  // pattern-generation (20) and store-recall (100) accept only their own count, so a caller can
  // always pass the network's size and get a clear error on a mismatch.
  std::optional<uint32_t> n_inputs;
  // Poisson rate of the active inputs in Hz: store-recall 50 (paper), poisson 10. Not accepted by
  // pattern-generation, whose clock fires at a fixed 100 Hz.
  std::optional<double> rate_hz;
};

class Task {
 public:
  virtual ~Task() = default;
  virtual std::string name() const = 0;
  virtual uint32_t n_inputs() const = 0;
  virtual uint32_t n_outputs() const = 0;
  virtual LossKind loss() const = 0;
  // Deterministic: the same (seed, trial_index) gives the same trial, whatever was generated
  // before; every random draw is a counter-based hash of (seed, trial_index, what, where).
  virtual Trial make_trial(uint64_t seed, uint64_t trial_index) const = 0;
};

// Throws nchip::InputError for an unknown name or an option the task cannot honour.
std::unique_ptr<Task> make_task(const std::string& name, const TaskOptions& options = {});
std::vector<std::string> task_names();

}  // namespace nchip::runtime
