// `nchip eval NET --task TASK`: scores a (trained) network on fresh trials of a task without
// learning and prints the task's metric (NMSE, or the recall error rate of the classification
// tasks). It scores exactly as `nchip train` scores its validation trials (runtime/train/trainer.hpp
// evaluate()): the same trials for the same seed and indices, the same noise seeds, the same
// decision rule, so `--trainer-validation N` reproduces the metric train printed at iteration N.
// (Fixed mode re-quantizes trained.json's weights; the trainer's weights are reproduced exactly
// unless a projection's largest weight moved enough for the compiler to choose another weight
// exponent, see compiler/lower.cpp choose_exponent.)
#include <boost/program_options.hpp>
#include <fmt/core.h>

#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "compiler/ir/network_json.hpp"
#include "compiler/quant_config_json.hpp"
#include "hw_model/error.hpp"
#include "hw_model/image/chip_image.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/cli/nir_options.hpp"
#include "runtime/cli/options.hpp"
#include "runtime/cli/task_flags.hpp"
#include "runtime/train/trainer.hpp"

namespace nchip::runtime {

namespace po = boost::program_options;

namespace {

po::options_description eval_options_description() {
  po::options_description opts(
      "usage: nchip eval NET --task TASK [options]\n"
      "  NET: network IR JSON (e.g. a train run's trained.json), NIR file or chip image (fixed mode)\n\noptions");
  opts.add_options()
      ("help,h", "show this help")
      ("task", po::value<std::string>(), "pattern-generation, store-recall or evidence-accumulation")
      ("preset", po::value<std::string>(), "a named task configuration (as nchip train --preset)")
      ("mode", po::value<std::string>()->default_value("float"), "float (double reference) or fixed (chip arithmetic)")
      ("quant", po::value<std::string>(), "QuantConfig JSON file (or inline JSON) for --mode fixed (default: the built-in formats)")
      ("steps", po::value<int64_t>(), "trial length in steps (default: the task's)")
      ("seed", po::value<int64_t>()->default_value(1), "seed of the trials and the neuron noise (as nchip train --seed)")
      ("trials", po::value<int64_t>()->default_value(100), "trials to score")
      ("first-trial", po::value<uint64_t>(),
       "index of the first trial (default: the first validation trial, 2^40; training trials are "
       "iteration x batch + b, validation trials after iteration N start at 2^40 + (N - 1) x trials)")
      ("trainer-validation", po::value<int64_t>(),
       "score the validation trials nchip train scored after iteration N (with --validation-trials = --trials)")
      ("json", "print the result as JSON");
  opts.add(task_shape_options_description());
  add_nir_import_options(opts);  // NET.nir: a NIR graph, imported on the fly
  return opts;
}

}  // namespace

int eval_command_main(const std::vector<std::string>& args) {
  const po::options_description opts = eval_options_description();
  po::variables_map vm;
  if (!parse_command_line(args, opts, "network", vm)) return 0;
  if (!vm.count("network")) throw InputError("missing network file (usage: nchip eval NET --task TASK)");
  if (!vm.count("task")) throw InputError("--task is required (pattern-generation, store-recall or evidence-accumulation)");
  const std::string task = vm["task"].as<std::string>();
  if (!is_training_task(task))
    throw InputError(fmt::format("--task: expected pattern-generation, store-recall or evidence-accumulation, got '{}'{}",
                                 task, did_you_mean(task, {"pattern-generation", "store-recall", "evidence-accumulation"})));
  TrainOptions o;
  o.task = task;
  apply_task_defaults(task, o);
  o.task_shape = task_shape_options(vm);
  if (vm.count("preset")) apply_task_preset(task, vm["preset"].as<std::string>(), o.task_shape);
  if (vm.count("steps")) o.steps = static_cast<uint32_t>(bounded(vm, "steps", 1, 100'000'000));
  o.seed = non_negative(vm, "seed");
  o.mode = pick<TrainMode>("mode", vm["mode"].as<std::string>(),
                           {{"float", TrainMode::float_reference}, {"fixed", TrainMode::fixed_chip}});
  const bool fixed = o.mode == TrainMode::fixed_chip;
  // Neither is used to score (no learning), but the options must describe a valid run.
  o.optimizer = default_optimizer(o);
  o.eprop.classification = fixed ? arith::ClassificationError::softmax_exp_lut : arith::ClassificationError::softmax_exact;
  if (vm.count("quant")) {
    if (!fixed) throw InputError("--quant: only used with --mode fixed");
    const std::string quant = vm["quant"].as<std::string>();
    o.quant = !quant.empty() && quant.front() == '{' ? compiler::parse_quant_config_json(quant, "--quant")
                                                     : compiler::read_quant_config_file(quant);
  }
  const auto trials = static_cast<uint32_t>(bounded(vm, "trials", 1, 10'000'000));
  if (vm.count("first-trial") && vm.count("trainer-validation"))
    throw InputError("--first-trial and --trainer-validation both choose the trials; give one");
  uint64_t first_trial = kValidationTrialBase;
  if (vm.count("first-trial")) first_trial = vm["first-trial"].as<uint64_t>();
  if (vm.count("trainer-validation"))
    first_trial = validation_trial_index(static_cast<uint32_t>(bounded(vm, "trainer-validation", 1, 100'000'000)), trials);
  if (first_trial > UINT64_MAX - trials) throw InputError("--first-trial: too large (the trial indices would wrap)");

  const std::string path = vm["network"].as<std::string>();
  std::string network_name;
  EvaluationResult r;
  if (image::file_has_image_magic(path)) {
    if (!fixed || vm.count("quant"))
      throw InputError(path + ": a chip image runs in fixed mode with the quant config it was compiled with; "
                       "use --mode fixed without --quant, or the IR JSON");
    refuse_nir_flags(path, vm);
    const image::ChipImage chip_image = image::read_image_file(path);
    network_name = chip_image.network.name;
    r = evaluate_image(chip_image, o, first_trial, trials);
  } else {
    const ir::Network network = read_network_any(path, vm);
    network_name = network.name;
    r = evaluate(network, o, first_trial, trials);
  }

  if (vm.count("json")) {
    nlohmann::json j;
    j["network"] = network_name;
    j["task"] = task;
    j["mode"] = to_string(o.mode);
    j["seed"] = o.seed;
    j["first_trial"] = r.first_trial;
    j["trials"] = r.trials;
    j["metric_name"] = r.metric_name;
    j["metric"] = r.metric;
    j["loss_per_trial"] = r.score.loss / r.trials;
    if (r.metric_name == "recall_error_rate") {
      j["recalls"] = r.score.recalls;
      j["recall_errors"] = r.score.recall_errors;
    }
    if (fixed) j["saturations"] = saturation_json(r.saturations);
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  fmt::print("eval '{}' on {} ({}, seed {}, {} trials from index {})\n", network_name, task, to_string(o.mode), o.seed,
             r.trials, r.first_trial);
  if (r.metric_name == "recall_error_rate")
    fmt::print("recall_error_rate {:.6g} ({} of {} recalls wrong), loss {:.6g} per trial\n", r.metric,
               r.score.recall_errors, r.score.recalls, r.score.loss / r.trials);
  else
    fmt::print("nmse {:.6g}, loss {:.6g} per trial\n", r.metric, r.score.loss / r.trials);
  if (fixed) fmt::print("saturations: {}\n", r.saturations.total() ? saturation_text(r.saturations) : "none");
  return 0;
}

}  // namespace nchip::runtime
