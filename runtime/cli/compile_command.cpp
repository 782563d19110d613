// `nchip compile`: map a network onto a chip, write the chip image and print the compile report.
#include <boost/program_options.hpp>
#include <fmt/core.h>

#include <chrono>
#include <utility>
#include <iostream>
#include <optional>

#include "compiler/chip_json.hpp"
#include "compiler/compile.hpp"
#include "compiler/ir/network_json.hpp"
#include "compiler/quant_config_json.hpp"
#include "compiler/report.hpp"
#include "hw_model/error.hpp"
#include "hw_model/learning/batch_update.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/cli/nir_options.hpp"
#include "runtime/cli/options.hpp"
#include "runtime/cli/rates_from_run.hpp"
#include "runtime/io/atomic_file.hpp"

namespace nchip::runtime {

namespace po = boost::program_options;

namespace {

// Where the --rates-from-run input comes from, for check_input_width's message.
std::string input_source(const po::variables_map& vm) {
  if (vm.count("input")) return vm["input"].as<std::string>();
  if (vm.count("data")) return vm["data"].as<std::string>();
  return "--input-task";
}

// The report's words for that input (what load_input chose).
std::string input_description(const po::variables_map& vm, const ir::Network& network, uint64_t seed) {
  const int64_t trial = vm["trial"].as<int64_t>();
  if (vm.count("input")) return "spike file " + vm["input"].as<std::string>();
  if (vm.count("data")) return fmt::format("trial {} of {}", trial, vm["data"].as<std::string>());
  std::string task = vm.count("input-task") ? vm["input-task"].as<std::string>() : network.default_input;
  if (task.empty()) task = "poisson";
  return fmt::format("{} task, trial {}, seed {}", task, trial, seed);
}

}  // namespace

int compile_command_main(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: nchip compile NET.json --chip CHIP.json -o NET.nchip [options]\n\noptions");
  opts.add_options()
      ("help,h", "show this help")
      ("chip", po::value<std::string>(), "chip description JSON (see compiler/README.md)")
      ("quant", po::value<std::string>(), "QuantConfig JSON (default: built-in formats)")
      ("storage", po::value<std::string>()->default_value("full"),
       "on-chip learning state: full (per-synapse eligibility and accumulator) or factored (none per synapse)")
      ("optimizer", po::value<std::string>()->default_value("sgd"),
       "the chip's batch optimizer, whose per-synapse state is reserved in synapse memory (full storage): "
       "sgd or sign (none), lion (m, the update_accumulator width) adam (m and v, the adam_m + adam_v widths) or adafactor (none per synapse: a 48-bit register per projection and target and per projection and source on each core)")
      ("packing", po::value<std::string>()->default_value("auto"),
       "slices per core: none (one population slice per core), greedy (pack several populations' slices "
       "onto a core while neurons, synapse memory, fan-in and trace slots allow) or auto (none when it "
       "fits, since every core then works in parallel; greedy when it does not)")
      ("output,o", po::value<std::string>(), "chip image to write")
      ("threads", po::value<int64_t>()->default_value(0),
       "threads of the quantize pass (lowering, error sums; 0 = every core); the image is the same bytes for every count")
      ("rates-from-run", po::value<int64_t>(),
       "STEPS (1-1000000): compile, run the image on the functional model for STEPS steps with the input "
       "below, count every neuron's spikes, and place again weighing each core-to-core link by the spikes "
       "the run sent over it instead of the flat 10 Hz estimate (the report shows the measured rates and both costs)")
      ("input", po::value<std::string>(), "--rates-from-run: input spike file (JSON, as nchip run --input)")
      ("input-task", po::value<std::string>(),
       "--rates-from-run: generate the input with a task (as nchip run; default: the network's default_input, "
       "else poisson)")
      ("data", po::value<std::string>(), "--rates-from-run: run trial --trial of this trial-set file (HDF5)")
      ("trial", po::value<int64_t>()->default_value(0), "--rates-from-run: trial index of the task or --data file")
      ("seed", po::value<int64_t>()->default_value(1),
       "--rates-from-run: seed of the generated input and of stochastic rounding (as nchip run --seed)")
      ("report", po::value<std::string>(), "also write the compile report as JSON to this file")
      ("json", "print the report as JSON instead of text");
  add_nir_import_options(opts);  // NET.nir: a NIR graph, imported on the fly
  po::variables_map vm;
  if (!parse_command_line(args, opts, "network", vm)) return 0;
  if (!vm.count("network")) throw InputError("missing network file (usage: nchip compile NET.json --chip CHIP.json -o NET.nchip)");
  if (!vm.count("chip")) throw InputError("missing --chip CHIP.json (e.g. examples/chips/small.json)");
  if (!vm.count("output")) throw InputError("missing -o NET.nchip (the chip image to write)");

  compiler::CompileOptions options;
  options.threads = static_cast<unsigned>(bounded(vm, "threads", 0, 1024));
  const std::string storage = vm["storage"].as<std::string>();
  if (!image::storage_scheme_from_string(storage, options.storage))
    throw InputError("--storage: expected full or factored, got '" + storage + "'");
  const std::string packing = vm["packing"].as<std::string>();
  if (!compiler::packing_mode_from_string(packing, options.packing))
    throw InputError("--packing: expected none, greedy or auto, got '" + packing + "'");
  const image::ChipConfig chip = compiler::read_chip_file(vm["chip"].as<std::string>());
  arith::QuantConfig quant;
  if (vm.count("quant")) quant = compiler::read_quant_config_file(vm["quant"].as<std::string>());
  const std::string optimizer = pick<std::string>("optimizer", vm["optimizer"].as<std::string>(),
                                                  {{"sgd", "sgd"}, {"sign", "sign"}, {"lion", "lion"}, {"adam", "adam"}, {"adafactor", "adafactor"}});
  const learning::BatchRule rule = optimizer == "lion"   ? learning::BatchRule::lion
                                   : optimizer == "adam" ? learning::BatchRule::adam
                                   : optimizer == "adafactor" ? learning::BatchRule::adafactor
                                                         : learning::BatchRule::sgd;
  if (rule == learning::BatchRule::adam || rule == learning::BatchRule::adafactor) {  // both use v's format
    const std::string why = arith::adam_format_problem(quant);
    if (!why.empty()) throw InputError("--optimizer " + optimizer + " --quant: " + why);
  }
  options.optimizer_state_bits = learning::optimizer_state_bits(rule, quant);
  options.factor_register_bits = learning::factor_register_bits(rule);
  ir::Network network = read_network_any(vm["network"].as<std::string>(), vm);
  const bool rates_from_run = vm.count("rates-from-run") > 0;
  for (const char* flag : {"input", "input-task", "data", "trial", "seed"})
    if (!rates_from_run && vm.count(flag) && !vm[flag].defaulted())
      throw InputError(std::string("--") + flag + ": only used with --rates-from-run STEPS");
  uint32_t run_steps = 0;
  uint64_t run_seed = 0;
  Trial run_input;
  if (rates_from_run) {  // the input is read and checked before anything is compiled
    run_steps = static_cast<uint32_t>(bounded(vm, "rates-from-run", 1, 1'000'000));
    run_seed = non_negative(vm, "seed");
    run_input = load_input(vm, network, run_seed);
    check_input_width(run_input, network, input_source(vm));
  }

  // Progress on stderr for networks that take more than a moment.
  const auto start = std::chrono::steady_clock::now();
  options.on_pass = [&](const char* pass) {
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (s > 2.0) fmt::print(stderr, "nchip compile: {} ({:.1f} s)\n", pass, s);
  };
  // Handed over (std::move) on the last compile: its synapse lists are released while they are
  // lowered (compile's peak memory). --rates-from-run compiles twice, so the first keeps it.
  std::optional<compiler::RatesFromRun> measured;
  image::ChipImage compiled;
  if (!rates_from_run) {
    compiled = compiler::compile_network(std::move(network), chip, quant, options);
  } else {
    compiled = compiler::compile_network(network, chip, quant, options);
    // Spikes do not depend on placement, so the run of the first image gives the rates for the second.
    options.on_pass("rates-from-run: functional run");
    const compiler::MeasuredActivity activity = measure_activity(compiled, run_input.input_spikes, run_steps, run_seed);
    options.measured = &activity;
    measured.emplace();
    measured->input = input_description(vm, network, run_seed);
    compiled = compiler::compile_network(std::move(network), chip, quant, options, &measured->placement);
    measured->dt_ms = compiled.dt_ms;
    measured->populations = compiler::population_rates(compiled.network, activity, compiled.dt_ms);
  }
  compiler::CompileReport report = compiler::make_report(compiled);
  report.rates_from_run = std::move(measured);

  // The image is written last among the checks so a failing compile leaves no file behind.
  const std::string output = vm["output"].as<std::string>();
  write_file_atomically(output, [&compiled](std::ostream& out) { image::write_image(compiled, out); });
  if (vm.count("report"))
    write_file_atomically(vm["report"].as<std::string>(), compiler::report_json(report).dump(2) + "\n");
  if (vm.count("json")) {
    std::cout << compiler::report_json(report).dump(2) << "\n";
  } else {
    std::cout << compiler::report_text(report);
    fmt::print("image written to {}\n", output);
  }
  return 0;
}

}  // namespace nchip::runtime
