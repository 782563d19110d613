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

  // Shape and timing (issue #13). Unset: the task's default (the paper's, or NEST's for
  // evidence-accumulation). Each is the `nchip train` flag in its comment, and every InputError
  // about one names that flag. A field a task cannot use is refused, never ignored. The `{}`s
  // keep `TaskOptions{steps, n_inputs, rate}` a complete initializer for
  // -Wmissing-field-initializers, which skips members with a default initializer.
  std::optional<uint32_t> inputs{};   // --inputs: channels the task drives (pattern-generation 20,
                                     // store-recall 100 = 4 groups, evidence-accumulation 40 = 4 populations)
  std::optional<uint32_t> outputs{};  // --outputs: readouts (pattern-generation 3; the classification tasks 2 only)
  // pattern-generation
  std::optional<std::string> pattern_input{};  // --pattern-input: clock (the paper's) or poisson (NEST's, frozen)
  std::optional<uint32_t> groups{};            // --groups: clock groups (5), inputs / groups neurons each
  std::optional<uint32_t> group_steps{};       // --group-steps: steps each clock group is active (200)
  std::optional<std::vector<double>> periods_ms{};  // --periods-ms: one sinusoid per period (default 1, 2, 3, 5 Hz)
  std::optional<double> amplitude_min{}, amplitude_max{};  // --amplitude-min / --amplitude-max (0.5, 2)
  // store-recall
  std::optional<uint32_t> period_steps{};        // --period-steps: command period D (200)
  std::optional<double> command_probability{};  // --command-probability (1/6)
  // evidence-accumulation
  std::optional<uint32_t> cues{};               // --cues (7)
  std::optional<uint32_t> cue_steps{};          // --cue-steps (100)
  std::optional<uint32_t> cue_spacing_steps{};  // --cue-spacing-steps (50, before each cue)
  std::optional<uint32_t> delay_steps{};        // --delay-steps (1050; else steps minus cues and recall)
  std::optional<uint32_t> recall_steps{};       // --recall-steps (150)
  std::optional<double> cue_probability{};      // --cue-probability: of the minority side (0.3)
  std::optional<double> noise_rate_hz{};        // --noise-rate: background population (10 Hz)
};

// Fills the unset fields of `options` with a named configuration of `task`: "nest-sine" for
// pattern-generation is NEST's eprop_supervised_regression_sine-waves (100 frozen Poisson inputs
// at 50 Hz, 1 readout, periods 1000, 500, 333, 200 ms, 1000 steps). InputError for an unknown pair.
void apply_task_preset(const std::string& task, const std::string& preset, TaskOptions& options);
std::vector<std::string> task_presets(const std::string& task);

// The trainer draws training trial iteration * batch + b and validation trial
// kValidationTrialBase + iteration * validation_trials + v: the two never coincide (up to 2^40
// validation draws).
inline constexpr uint64_t kValidationTrialBase = uint64_t{1} << 40;
// After training, test trial j (TrainOptions::test_trials; tasks with a held-out test set only).
inline constexpr uint64_t kTestTrialBase = uint64_t{1} << 41;

class Task {
 public:
  virtual ~Task() = default;
  virtual std::string name() const = 0;
  virtual uint32_t n_inputs() const = 0;
  virtual uint32_t n_outputs() const = 0;
  virtual LossKind loss() const = 0;
  virtual uint32_t steps() const = 0;  // trial length
  // Deterministic: the same (seed, trial_index) gives the same trial, whatever was generated
  // before; every random draw is a counter-based hash of (seed, trial_index, what, where).
  virtual Trial make_trial(uint64_t seed, uint64_t trial_index) const = 0;
};

// Throws nchip::InputError for an unknown name or an option the task cannot honour.
std::unique_ptr<Task> make_task(const std::string& name, const TaskOptions& options = {});
std::vector<std::string> task_names();

}  // namespace nchip::runtime
