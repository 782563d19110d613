// Task registry: name -> generator, with the options each task accepts checked here so that a
// misspelt or inapplicable option is a one-line InputError rather than silently ignored.
#include "runtime/tasks/task.hpp"

#include <fmt/core.h>

#include <algorithm>

#include "hw_model/error.hpp"
#include "runtime/tasks/evidence_accumulation.hpp"
#include "runtime/tasks/message_text.hpp"
#include "runtime/tasks/pattern_generation.hpp"
#include "runtime/tasks/poisson_task.hpp"
#include "runtime/tasks/store_recall.hpp"

namespace nchip::runtime {

namespace {

void require_input_count(const std::string& name, const TaskOptions& options, uint32_t fixed) {
  if (options.n_inputs && *options.n_inputs != fixed)
    throw InputError(fmt::format("task '{}' has {} inputs but n_inputs = {} was asked (the "
                                 "network's input population must have {} neurons)",
                                 name, fixed, *options.n_inputs, fixed));
}

// Each shape option with the tasks that use it; any other task refuses it by its flag.
void refuse_inapplicable(const std::string& name, const TaskOptions& o) {
  const bool pattern = name == "pattern-generation", store = name == "store-recall",
             evidence = name == "evidence-accumulation", poisson = name == "poisson";
  const bool poisson_pattern = pattern && o.pattern_input && *o.pattern_input == "poisson";
  struct Use {
    const char* flag;
    bool given, allowed;
    const char* owner;
  };
  const Use uses[] = {
      {"--inputs", o.inputs.has_value(), !poisson, "pattern-generation, store-recall and evidence-accumulation"},
      {"--outputs", o.outputs.has_value(), !poisson, "pattern-generation, store-recall and evidence-accumulation"},
      {"--pattern-input", o.pattern_input.has_value(), pattern, "pattern-generation"},
      {"--groups", o.groups.has_value(), pattern && !poisson_pattern, "pattern-generation with clock inputs"},
      {"--group-steps", o.group_steps.has_value(), pattern && !poisson_pattern, "pattern-generation with clock inputs"},
      {"--periods-ms", o.periods_ms.has_value(), pattern, "pattern-generation"},
      {"--amplitude-min", o.amplitude_min.has_value(), pattern, "pattern-generation"},
      {"--amplitude-max", o.amplitude_max.has_value(), pattern, "pattern-generation"},
      {"--period-steps", o.period_steps.has_value(), store, "store-recall"},
      {"--command-probability", o.command_probability.has_value(), store, "store-recall"},
      {"--cues", o.cues.has_value(), evidence, "evidence-accumulation"},
      {"--cue-steps", o.cue_steps.has_value(), evidence, "evidence-accumulation"},
      {"--cue-spacing-steps", o.cue_spacing_steps.has_value(), evidence, "evidence-accumulation"},
      {"--delay-steps", o.delay_steps.has_value(), evidence, "evidence-accumulation"},
      {"--recall-steps", o.recall_steps.has_value(), evidence, "evidence-accumulation"},
      {"--cue-probability", o.cue_probability.has_value(), evidence, "evidence-accumulation"},
      {"--noise-rate", o.noise_rate_hz.has_value(), evidence, "evidence-accumulation"},
  };
  for (const Use& u : uses)
    if (u.given && !u.allowed)
      throw InputError(fmt::format("task '{}': {} does not apply (only {})", name, u.flag, u.owner));
}

// A classification task's readouts are its classes.
void require_outputs(const std::string& name, const TaskOptions& o, uint32_t fixed, const char* why) {
  if (o.outputs && *o.outputs != fixed)
    throw InputError(fmt::format("task '{}': --outputs {}: the task has {} readouts ({})", name, *o.outputs, fixed, why));
}

// --inputs for a task of four equal input groups: the group size.
uint32_t four_groups(const std::string& name, const TaskOptions& o, uint32_t default_group, const char* groups) {
  if (!o.inputs) return default_group;
  if (*o.inputs == 0 || *o.inputs % 4 != 0)
    throw InputError(fmt::format("task '{}': --inputs {} is not a positive multiple of 4 ({})", name, *o.inputs, groups));
  return *o.inputs / 4;
}

std::unique_ptr<Task> make_pattern_generation(const std::string& name, const TaskOptions& o) {
  PatternGenerationConfig c;
  if (o.pattern_input) {
    if (*o.pattern_input != "clock" && *o.pattern_input != "poisson")
      throw InputError(fmt::format("task '{}': --pattern-input: expected clock or poisson, got '{}'", name,
                                   detail::printable(*o.pattern_input)));
    c.poisson_inputs = *o.pattern_input == "poisson";
  }
  if (o.rate_hz && !c.poisson_inputs)
    throw InputError("task 'pattern-generation': rate_hz does not apply (its clock inputs fire "
                     "at a fixed 100 Hz)");
  c.steps = o.steps.value_or(PatternGenerationTask::kDefaultSteps);
  c.inputs = o.inputs.value_or(c.poisson_inputs ? 100 : PatternGenerationTask::kInputs);
  c.outputs = o.outputs.value_or(PatternGenerationTask::kOutputs);
  c.groups = o.groups.value_or(c.groups);
  c.group_steps = o.group_steps.value_or(c.group_steps);
  c.rate_hz = o.rate_hz.value_or(c.rate_hz);
  if (o.periods_ms) {
    c.freqs_hz.clear();
    for (double period : *o.periods_ms) c.freqs_hz.push_back(period > 0 ? 1000.0 / period : 0.0);
  }
  c.amplitude_min = o.amplitude_min.value_or(c.amplitude_min);
  c.amplitude_max = o.amplitude_max.value_or(c.amplitude_max);
  auto task = std::make_unique<PatternGenerationTask>(c);
  require_input_count(name, o, task->n_inputs());
  return task;
}

std::unique_ptr<Task> make_store_recall(const std::string& name, const TaskOptions& o) {
  require_outputs(name, o, StoreRecallTask::kOutputs, "one per bit");
  StoreRecallConfig c;
  c.group_size = four_groups(name, o, c.group_size, "value 0, value 1, STORE and RECALL groups");
  require_input_count(name, o, 4 * c.group_size);
  c.steps = o.steps.value_or(StoreRecallTask::kDefaultSteps);
  c.rate_hz = o.rate_hz.value_or(StoreRecallTask::kDefaultRateHz);
  c.period_steps = o.period_steps.value_or(c.period_steps);
  c.command_probability = o.command_probability.value_or(c.command_probability);
  return std::make_unique<StoreRecallTask>(c);
}

std::unique_ptr<Task> make_evidence_accumulation(const std::string& name, const TaskOptions& o) {
  require_outputs(name, o, EvidenceAccumulationTask::kOutputs, "one per side");
  EvidenceAccumulationConfig c;
  c.population_size = four_groups(name, o, c.population_size, "left cue, right cue, recall and noise populations");
  require_input_count(name, o, 4 * c.population_size);
  c.cues = o.cues.value_or(c.cues);
  c.cue_steps = o.cue_steps.value_or(c.cue_steps);
  c.cue_spacing_steps = o.cue_spacing_steps.value_or(c.cue_spacing_steps);
  c.recall_steps = o.recall_steps.value_or(c.recall_steps);
  c.cue_probability = o.cue_probability.value_or(c.cue_probability);
  c.rate_hz = o.rate_hz.value_or(c.rate_hz);
  c.noise_rate_hz = o.noise_rate_hz.value_or(c.noise_rate_hz);
  // The trial is cues, delay, recall: --steps, if given, sets the delay (or must agree with it).
  const uint64_t fixed = uint64_t{c.cues} * (c.cue_steps + uint64_t{c.cue_spacing_steps}) + c.recall_steps;
  if (o.delay_steps) c.delay_steps = *o.delay_steps;
  if (o.steps) {
    if (*o.steps < fixed)
      throw InputError(fmt::format("task '{}': --steps {} is shorter than the cues ({} x ({} + {}) steps) plus the "
                                   "{}-step recall ({} steps)", name, *o.steps, c.cues, c.cue_steps,
                                   c.cue_spacing_steps, c.recall_steps, fixed));
    if (o.delay_steps && *o.steps != fixed + c.delay_steps)
      throw InputError(fmt::format("task '{}': --steps {} disagrees with the cues, --delay-steps {} and the recall "
                                   "({} steps); give one of --steps and --delay-steps", name, *o.steps,
                                   c.delay_steps, fixed + c.delay_steps));
    c.delay_steps = static_cast<uint32_t>(*o.steps - fixed);
  }
  return std::make_unique<EvidenceAccumulationTask>(c);
}

}  // namespace

std::vector<std::string> task_names() {
  return {"pattern-generation", "store-recall", "poisson", "evidence-accumulation"};
}

std::vector<std::string> task_presets(const std::string& task) {
  if (task == "pattern-generation") return {"nest-sine"};
  return {};
}

void apply_task_preset(const std::string& task, const std::string& preset, TaskOptions& o) {
  if (task == "pattern-generation" && preset == "nest-sine") {
    // NEST eprop_supervised_regression_sine-waves_bsshslm_2020: "n_in = 100", Poisson inputs at
    // 50 Hz frozen across iterations, "n_out = 1", target the sum of sines with periods
    // 1000, 500, 333, 200 ms, amplitudes U[0.5, 2], phases U[0, 2 pi], 1000 ms sequences.
    if (!o.pattern_input) o.pattern_input = "poisson";
    if (!o.inputs) o.inputs = 100;
    if (!o.outputs) o.outputs = 1;
    if (!o.rate_hz) o.rate_hz = 50.0;
    if (!o.periods_ms) o.periods_ms = std::vector<double>{1000, 500, 333, 200};
    if (!o.steps) o.steps = 1000;
    return;
  }
  std::string expected;
  for (const auto& n : task_presets(task)) expected += (expected.empty() ? "" : ", ") + n;
  throw InputError(fmt::format("--preset: unknown preset '{}' for task '{}' (expected {})", detail::printable(preset),
                               detail::printable(task), expected.empty() ? std::string("none: it has no presets") : expected));
}

std::unique_ptr<Task> make_task(const std::string& name, const TaskOptions& options) {
  const auto names = task_names();
  if (std::find(names.begin(), names.end(), name) != names.end()) refuse_inapplicable(name, options);
  if (name == "pattern-generation") return make_pattern_generation(name, options);
  if (name == "store-recall") return make_store_recall(name, options);
  if (name == "evidence-accumulation") return make_evidence_accumulation(name, options);
  if (name == "poisson") {
    if (!options.n_inputs)
      throw InputError("task 'poisson': n_inputs is required (the network's input count)");
    return std::make_unique<PoissonTask>(*options.n_inputs,
                                         options.steps.value_or(PoissonTask::kDefaultSteps),
                                         options.rate_hz.value_or(PoissonTask::kDefaultRateHz));
  }
  std::string expected;
  for (const auto& n : names) expected += (expected.empty() ? "" : ", ") + n;
  throw InputError(fmt::format("unknown task '{}' (expected {})", detail::printable(name), expected));
}

}  // namespace nchip::runtime
