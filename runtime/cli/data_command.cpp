// `nchip data`: the trial-set container (runtime/data). `convert` writes one from JSON spike
// files, CSV, a task generator or a data set; `info` checks one and prints its shape.
#include <boost/program_options.hpp>
#include <fmt/core.h>

#include <iostream>

#include "hw_model/error.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/cli/options.hpp"
#include "runtime/cli/task_flags.hpp"
#include "runtime/data/trial_set_csv.hpp"
#include "runtime/data/trial_set_h5.hpp"
#include "runtime/tasks/spike_file.hpp"

namespace nchip::runtime {

namespace po = boost::program_options;

namespace {

// Trials (all of one shape) into a set; `sources` names each trial's origin in messages.
TrialSet set_of(std::vector<Trial> trials, const std::vector<std::string>& sources) {
  TrialSet set;
  const Trial& first = trials.front();
  set.steps = first.steps;
  set.n_inputs = first.n_inputs;
  set.n_outputs = first.n_outputs;
  set.loss = first.loss;
  set.trials = std::move(trials);
  set.split.assign(set.trials.size(), TrialSplit::training);
  for (size_t i = 0; i < set.trials.size(); ++i) {
    TrialSet one = set;
    one.trials = {set.trials[i]};
    one.split = {TrialSplit::training};
    const std::string problem = trial_set_problem(one);
    if (!problem.empty())
      throw InputError(fmt::format("{}: {} (the first input's shape: {} steps, {} inputs, {} outputs, {})", sources[i],
                                   problem.substr(problem.find(": ") + 2), set.steps, set.n_inputs, set.n_outputs,
                                   loss_name(set.loss)));
  }
  return set;
}

int convert_main(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: nchip data convert --out FILE.h5 SOURCE [options]\n"
      "SOURCE: --from-json A.json [B.json ...] | --spikes-csv S.csv (--labels-csv L.csv | --targets-csv T.csv) "
      "--steps N --inputs M [--outputs K] | --from-task TASK --trials N | --from-fashion-mnist\n\noptions");
  opts.add_options()
      ("help,h", "show this help")
      ("out", po::value<std::string>(), "the trial-set file to write (written whole or not at all)")
      ("from-json", po::value<std::vector<std::string>>()->multitoken(), "spike files (runtime/tasks/README.md), one trial each")
      ("spikes-csv", po::value<std::string>(), "input events: trial,step,channel")
      ("labels-csv", po::value<std::string>(), "classification: trial,label,first_step,last_step")
      ("targets-csv", po::value<std::string>(), "regression: trial,step,y0,y1,... (steps without a row are masked out)")
      ("steps", po::value<int64_t>(), "CSV: steps per trial; --from-task: the task's trial length")
      ("from-task", po::value<std::string>(), "write a task generator's trials: pattern-generation, store-recall or "
                                              "evidence-accumulation")
      ("trials", po::value<int64_t>(), "--from-task: training trials 0..N-1 (the trainer's draw order)")
      ("validation-trials", po::value<int64_t>()->default_value(0), "--from-task: validation trials (the trainer's "
                                                                    "validation draws 0..N-1), /split = 1")
      ("seed", po::value<int64_t>()->default_value(1), "--from-task: the generator's seed")
      ("validation-last", po::value<int64_t>(), "JSON or CSV: mark the last N trials as validation (/split = 1)")
      ("from-fashion-mnist", "Fashion-MNIST with --encoding etc.: training, validation (/split 1) and test (/split 2) "
                             "images (defaults 59000, 1000, 10000: give smaller --train-images for a small file)");
  opts.add(task_shape_options_description());
  opts.add(fashion_mnist_options_description());
  po::variables_map vm;
  if (!parse_command_line(args, opts, nullptr, vm)) return 0;
  if (!vm.count("out")) throw InputError("--out FILE.h5 is required");
  const int sources = static_cast<int>(vm.count("from-json")) + static_cast<int>(vm.count("spikes-csv")) +
                      static_cast<int>(vm.count("from-task")) + static_cast<int>(vm.count("from-fashion-mnist"));
  if (sources != 1) throw InputError("give one source: --from-json, --spikes-csv, --from-task or --from-fashion-mnist");

  TrialSet set;
  if (vm.count("from-json")) {
    std::vector<Trial> trials;
    const auto paths = vm["from-json"].as<std::vector<std::string>>();
    for (const auto& path : paths) trials.push_back(read_spike_file(path));
    set = set_of(std::move(trials), paths);
  } else if (vm.count("spikes-csv")) {
    CsvShape shape;
    if (vm.count("steps")) shape.steps = static_cast<uint32_t>(bounded(vm, "steps", 1, kSpikeFileMaxSteps));
    if (vm.count("inputs")) shape.n_inputs = static_cast<uint32_t>(bounded(vm, "inputs", 1, 1 << 24));
    if (vm.count("outputs")) shape.n_outputs = static_cast<uint32_t>(bounded(vm, "outputs", 1, kSpikeFileMaxOutputs));
    set = read_trial_set_csv(vm["spikes-csv"].as<std::string>(),
                             vm.count("labels-csv") ? vm["labels-csv"].as<std::string>() : "",
                             vm.count("targets-csv") ? vm["targets-csv"].as<std::string>() : "", shape);
  } else if (vm.count("from-fashion-mnist")) {
    set = FashionMnistTask(fashion_mnist_options(vm)).to_trial_set();
  } else {
    if (!vm.count("trials")) throw InputError("--from-task: --trials N is required");
    TaskOptions shape = task_shape_options(vm);
    if (vm.count("steps")) shape.steps = static_cast<uint32_t>(bounded(vm, "steps", 1, 100'000'000));
    const auto task = make_task(vm["from-task"].as<std::string>(), shape);
    if (task->n_outputs() == 0) throw InputError("--from-task: task '" + task->name() + "' has no target to train on");
    const uint64_t seed = non_negative(vm, "seed");
    const auto n = static_cast<uint64_t>(bounded(vm, "trials", 1, 10'000'000));
    const auto n_val = static_cast<uint64_t>(bounded(vm, "validation-trials", 0, 10'000'000));
    std::vector<Trial> trials;
    for (uint64_t i = 0; i < n; ++i) trials.push_back(task->make_trial(seed, i));
    for (uint64_t i = 0; i < n_val; ++i) trials.push_back(task->make_trial(seed, kValidationTrialBase + i));
    set = set_of(std::move(trials), std::vector<std::string>(n + n_val, "--from-task"));
    for (uint64_t i = n; i < n + n_val; ++i) set.split[i] = TrialSplit::validation;
  }
  if (vm.count("validation-last")) {
    if (vm.count("from-task") || vm.count("from-fashion-mnist"))
      throw InputError("--validation-last: only for JSON and CSV (the others have their own splits)");
    const auto last = static_cast<size_t>(bounded(vm, "validation-last", 0, static_cast<int64_t>(set.trials.size()) - 1));
    for (size_t i = set.trials.size() - last; i < set.trials.size(); ++i) set.split[i] = TrialSplit::validation;
  }
  const std::string out = vm["out"].as<std::string>();
  write_trial_set(out, set);
  fmt::print("wrote {}: {} trials ({} training, {} validation, {} test), {} steps, {} inputs, {} outputs, {}\n", out,
             set.trials.size(), set.count(TrialSplit::training), set.count(TrialSplit::validation),
             set.count(TrialSplit::test), set.steps,
             set.n_inputs, set.n_outputs, set.loss == LossKind::mse ? "regression" : "classification");
  return 0;
}

int info_main(const std::vector<std::string>& args) {
  po::options_description opts("usage: nchip data info FILE.h5 [--json]\n\noptions");
  opts.add_options()("help,h", "show this help")("json", "print the summary as JSON");
  po::variables_map vm;
  if (!parse_command_line(args, opts, "file", vm)) return 0;
  if (!vm.count("file")) throw InputError("missing trial-set file (usage: nchip data info FILE.h5)");
  const std::string path = vm["file"].as<std::string>();
  const TrialSet set = read_trial_set(path);
  uint64_t events = 0, labels = 0;
  for (const auto& t : set.trials) {
    for (const auto& row : t.input_spikes) events += row.size();
    labels += t.labels.size();
  }
  nlohmann::json j = {{"file", path},
                      {"trials", set.trials.size()},
                      {"training_trials", set.count(TrialSplit::training)},
                      {"validation_trials", set.count(TrialSplit::validation)},
                      {"test_trials", set.count(TrialSplit::test)},
                      {"steps", set.steps},
                      {"n_inputs", set.n_inputs},
                      {"n_outputs", set.n_outputs},
                      {"dt_ms", set.dt_ms},
                      {"kind", set.loss == LossKind::mse ? "regression" : "classification"},
                      {"events", events},
                      {"labels", labels}};
  if (vm.count("json")) {
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  fmt::print("{}: {} trials ({} training, {} validation, {} test), {} steps of {} ms, {} inputs, {} outputs, {}; {} "
             "input events{}\n",
             path, set.trials.size(), set.count(TrialSplit::training), set.count(TrialSplit::validation),
             set.count(TrialSplit::test), set.steps,
             set.dt_ms, set.n_inputs, set.n_outputs, set.loss == LossKind::mse ? "regression" : "classification",
             events, set.loss == LossKind::mse ? "" : fmt::format(", {} labels", labels));
  return 0;
}

}  // namespace

int data_command_main(const std::vector<std::string>& args) {
  const std::string usage = "usage: nchip data convert|info ... (nchip data convert --help)";
  if (args.empty()) throw InputError(usage);
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "convert") return convert_main(rest);
  if (args[0] == "info") return info_main(rest);
  if (args[0] == "--help" || args[0] == "-h") {
    fmt::print("{}\n  convert  write a trial-set file from JSON spike files, CSV, a task generator or Fashion-MNIST\n"
               "  info     check a trial-set file and print its shape\n", usage);
    return 0;
  }
  throw InputError(fmt::format("unknown subcommand '{}'{} ({})", args[0],
                               did_you_mean(args[0], {"convert", "info"}), usage));
}

}  // namespace nchip::runtime
