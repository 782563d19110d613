// Task registry: name -> generator, with the options each task accepts checked here so that a
// misspelt or inapplicable option is a one-line InputError rather than silently ignored.
#include "runtime/tasks/task.hpp"

#include <fmt/core.h>

#include "hw_model/error.hpp"
#include "runtime/tasks/pattern_generation.hpp"
#include "runtime/tasks/message_text.hpp"
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

}  // namespace

std::vector<std::string> task_names() { return {"pattern-generation", "store-recall", "poisson"}; }

std::unique_ptr<Task> make_task(const std::string& name, const TaskOptions& options) {
  if (name == "pattern-generation") {
    require_input_count(name, options, PatternGenerationTask::kInputs);
    if (options.rate_hz)
      throw InputError("task 'pattern-generation': rate_hz does not apply (its clock inputs fire "
                       "at a fixed 100 Hz)");
    const uint32_t steps = options.steps.value_or(PatternGenerationTask::kDefaultSteps);
    if (steps == 0) throw InputError("task 'pattern-generation': steps must be at least 1");
    return std::make_unique<PatternGenerationTask>(steps);
  }
  if (name == "store-recall") {
    require_input_count(name, options, StoreRecallTask::kInputs);
    return std::make_unique<StoreRecallTask>(options.steps.value_or(StoreRecallTask::kDefaultSteps),
                                             options.rate_hz.value_or(StoreRecallTask::kDefaultRateHz));
  }
  if (name == "poisson") {
    if (!options.n_inputs)
      throw InputError("task 'poisson': n_inputs is required (the network's input count)");
    return std::make_unique<PoissonTask>(*options.n_inputs,
                                         options.steps.value_or(PoissonTask::kDefaultSteps),
                                         options.rate_hz.value_or(PoissonTask::kDefaultRateHz));
  }
  std::string expected;
  for (const auto& n : task_names()) expected += (expected.empty() ? "" : ", ") + n;
  throw InputError(fmt::format("unknown task '{}' (expected {})", detail::printable(name), expected));
}

}  // namespace nchip::runtime
