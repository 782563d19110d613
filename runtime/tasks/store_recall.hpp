// "store-recall": task 1.2 of Bellec et al. 2019 (Results, "Store-recall task 1.2"; Methods).
// The choices the paper leaves open are listed, with the sentences they rest on, in README.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/tasks/task.hpp"

namespace nchip::runtime {

// What the inputs say during one command period D.
struct StoreRecallPeriod {
  int value = -1;  // bit shown by the value groups (0 or 1); -1 in recall periods (none shown)
  bool store = false;
  bool recall = false;
  int stored = -1;  // recall periods: the bit of the most recent STORE (the target); else -1
};

// The task's shape; the defaults are the paper's.
struct StoreRecallConfig {
  uint32_t steps = 2400;
  double rate_hz = 50.0;
  uint32_t group_size = 25;  // 4 groups: inputs = 4 x group_size
  uint32_t period_steps = 200;
  double command_probability = 1.0 / 6.0;
};

class StoreRecallTask final : public Task {
 public:
  // "The four groups of input channels consisted of 25 neurons each": value 0, value 1, STORE,
  // RECALL, in this order on the input indices.
  static constexpr uint32_t kGroupSize = 25;
  static constexpr uint32_t kValue0First = 0, kValue1First = 25, kStoreFirst = 50,
                            kRecallFirst = 75;
  static constexpr uint32_t kInputs = 4 * kGroupSize;
  static constexpr uint32_t kOutputs = 2;  // "two readouts are competing": output k = bit k
  static constexpr uint32_t kPeriodSteps = 200;  // "period of length D = 200 ms"
  static constexpr uint32_t kDefaultSteps = 2400;  // "a 2400 ms network simulation"
  static constexpr double kDefaultRateHz = 50.0;   // "spiking activity at 50 Hz"
  static constexpr double kCommandProbability = 1.0 / 6.0;  // "p_command = 1/6"
  // A trial without a recall carries no error at all; schedules are redrawn until one has a
  // recall (with the paper's 12 periods about 62% of draws do). Past this many draws (never hit
  // with >= 3 periods in practice) a fixed STORE-first / RECALL-last schedule is used.
  static constexpr uint32_t kMaxScheduleDraws = 1000;

  // Throws nchip::InputError unless steps is a multiple of kPeriodSteps with at least 2 periods
  // and 0 <= rate_hz <= 1000 / dt.
  explicit StoreRecallTask(uint32_t steps = kDefaultSteps, double rate_hz = kDefaultRateHz);
  // The same checks, and --inputs (a multiple of 4), --period-steps and --command-probability in
  // (0, 1]; each InputError names the nchip train flag.
  explicit StoreRecallTask(const StoreRecallConfig& config);

  std::string name() const override { return "store-recall"; }
  uint32_t n_inputs() const override { return 4 * c_.group_size; }
  uint32_t n_outputs() const override { return kOutputs; }
  LossKind loss() const override { return LossKind::cross_entropy; }
  uint32_t steps() const override { return c_.steps; }
  const StoreRecallConfig& config() const { return c_; }
  Trial make_trial(uint64_t seed, uint64_t trial_index) const override;

  // The command/value sequence of a trial, one entry per period (what make_trial turns into
  // spikes); exposed for plots, the trainer's reports and tests.
  std::vector<StoreRecallPeriod> schedule(uint64_t seed, uint64_t trial_index) const;

 private:
  StoreRecallConfig c_;
};

}  // namespace nchip::runtime
