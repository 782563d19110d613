// "poisson": independent Poisson inputs and no target, to drive an arbitrary network (activity,
// throughput and energy measurements) without a learning task.
#pragma once

#include <cstdint>
#include <string>

#include "runtime/tasks/task.hpp"

namespace nchip::runtime {

class PoissonTask final : public Task {
 public:
  static constexpr uint32_t kDefaultSteps = 1000;
  static constexpr double kDefaultRateHz = 10.0;

  // Throws nchip::InputError unless steps >= 1 and 0 <= rate_hz <= 1000 / dt.
  PoissonTask(uint32_t n_inputs, uint32_t steps = kDefaultSteps, double rate_hz = kDefaultRateHz);

  std::string name() const override { return "poisson"; }
  uint32_t n_inputs() const override { return n_inputs_; }
  uint32_t n_outputs() const override { return 0; }
  LossKind loss() const override { return LossKind::mse; }
  uint32_t steps() const override { return steps_; }
  Trial make_trial(uint64_t seed, uint64_t trial_index) const override;

 private:
  uint32_t n_inputs_, steps_;
  double rate_hz_;
};

}  // namespace nchip::runtime
