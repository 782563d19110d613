#include "runtime/cli/task_flags.hpp"

#include <fmt/core.h>

#include <boost/program_options.hpp>
#include <optional>
#include <string>
#include <vector>

#include "hw_model/error.hpp"
#include "runtime/cli/options.hpp"
#include "runtime/tasks/message_text.hpp"

namespace nchip::runtime {

namespace po = boost::program_options;

po::options_description task_shape_options_description() {
  po::options_description shape("task shape and timing (default: the paper's; evidence-accumulation: NEST's)");
  shape.add_options()
      ("inputs", po::value<int64_t>(), "input channels (pattern-generation 20, or 100 with --pattern-input poisson; "
                                      "store-recall 100 = 4 groups; evidence-accumulation 40 = 4 populations)")
      ("outputs", po::value<int64_t>(), "readouts (pattern-generation 3; store-recall and evidence-accumulation: 2 only)")
      ("input-rate", po::value<double>(), "Hz of the active inputs (store-recall 50, evidence-accumulation cues and "
                                          "recall 40, pattern-generation poisson 50)")
      ("pattern-input", po::value<std::string>(), "pattern-generation: clock (the paper's, default) or poisson "
                                                  "(independent Poisson trains, frozen across iterations)")
      ("groups", po::value<int64_t>(), "pattern-generation clock groups (5; inputs / groups neurons each)")
      ("group-steps", po::value<int64_t>(), "pattern-generation: steps each clock group fires at 100 Hz (200)")
      ("periods-ms", po::value<std::string>(), "pattern-generation: periods of the target's sinusoids, comma-separated "
                                               "(default frequencies 1, 2, 3, 5 Hz)")
      ("amplitude-min", po::value<double>(), "pattern-generation: smallest sinusoid amplitude (0.5)")
      ("amplitude-max", po::value<double>(), "pattern-generation: largest sinusoid amplitude (2)")
      ("period-steps", po::value<int64_t>(), "store-recall: command period D (200)")
      ("command-probability", po::value<double>(), "store-recall: probability of the awaited command per period (1/6)")
      ("cues", po::value<int64_t>(), "evidence-accumulation: cues per trial (7)")
      ("cue-steps", po::value<int64_t>(), "evidence-accumulation: steps of one cue (100)")
      ("cue-spacing-steps", po::value<int64_t>(), "evidence-accumulation: silent steps before each cue (50)")
      ("delay-steps", po::value<int64_t>(), "evidence-accumulation: steps between the last cue and the recall "
                                            "(1050; default with --steps: what the cues and recall leave)")
      ("recall-steps", po::value<int64_t>(), "evidence-accumulation: recall window, where the error and the decision are "
                                             "(150); fashion-mnist: the decision window after the image (10)")
      ("cue-probability", po::value<double>(), "evidence-accumulation: probability of a cue for the minority side (0.3)")
      ("noise-rate", po::value<double>(), "evidence-accumulation: Hz of the background-noise population (10)");
  return shape;
}

// The task's shape and timing flags (--inputs, --cues, ...) as TaskOptions; the task checks them.
TaskOptions task_shape_options(const po::variables_map& vm) {
  TaskOptions t;
  const auto count = [&](const char* flag, std::optional<uint32_t>& field) {
    if (vm.count(flag)) field = static_cast<uint32_t>(bounded(vm, flag, 0, 100'000'000));
  };
  const auto real = [&](const char* flag, std::optional<double>& field) {
    if (vm.count(flag)) field = vm[flag].as<double>();
  };
  count("inputs", t.inputs);
  count("outputs", t.outputs);
  real("input-rate", t.rate_hz);
  if (vm.count("pattern-input")) t.pattern_input = vm["pattern-input"].as<std::string>();
  count("groups", t.groups);
  count("group-steps", t.group_steps);
  if (vm.count("periods-ms")) {
    const std::string text = vm["periods-ms"].as<std::string>();
    std::vector<double> periods;
    size_t start = 0;
    while (start <= text.size()) {
      const size_t comma = std::min(text.find(',', start), text.size());
      const std::string item = text.substr(start, comma - start);
      size_t used = 0;
      double value = 0;
      try {
        value = std::stod(item, &used);
      } catch (const std::exception&) {
        used = 0;
      }
      if (item.empty() || used != item.size() || !(value > 0))
        throw InputError(fmt::format("--periods-ms: expected positive numbers separated by commas, got '{}'",
                                     detail::printable(text)));
      periods.push_back(value);
      start = comma + 1;
    }
    t.periods_ms = periods;
  }
  real("amplitude-min", t.amplitude_min);
  real("amplitude-max", t.amplitude_max);
  count("period-steps", t.period_steps);
  real("command-probability", t.command_probability);
  count("cues", t.cues);
  count("cue-steps", t.cue_steps);
  count("cue-spacing-steps", t.cue_spacing_steps);
  count("delay-steps", t.delay_steps);
  count("recall-steps", t.recall_steps);
  real("cue-probability", t.cue_probability);
  real("noise-rate", t.noise_rate_hz);
  return t;
}

}  // namespace nchip::runtime
