// `nchip run`: simulate a network on given or generated input spikes and summarise what it did.
#include <boost/program_options.hpp>
#include <fmt/core.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "compiler/image_network.hpp"
#include "compiler/ir/network_json.hpp"
#include "compiler/ir/random_init.hpp"
#include "compiler/lower.hpp"
#include "compiler/passes/quantize.hpp"
#include "compiler/quant_config_json.hpp"
#include "hw_model/error.hpp"
#include "hw_model/functional/run.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/cli/nir_options.hpp"
#include "runtime/cli/options.hpp"
#include "runtime/cli/run_plot.hpp"
#include "runtime/cli/run_results.hpp"
#include "runtime/cli/systemc_backend.hpp"
#include "runtime/io/atomic_file.hpp"
#include "runtime/tasks/task.hpp"

namespace nchip::runtime {

namespace po = boost::program_options;

namespace {

// Runs on the functional model, each step into `sink`.
void simulate(const ir::Network& network, const std::string& mode, const arith::QuantConfig& quant,
              const functional::InputSpikes& input, uint32_t steps, uint64_t seed, bool record_voltages,
              model::RecordingSink& sink) {
  if (mode == "float") {
    const arith::FloatOps ops;
    const auto model = compiler::lower(network, ops);
    functional::run_network(model, ops, input, steps, seed, record_voltages, sink);
    return;
  }
  arith::SaturationCounts counts;
  const arith::FixedOps ops(quant, counts);
  const auto model = compiler::lower_for_fixed_point(network, quant);  // compile's checks (issue #15)
  counts = {};  // report what the run saturated; quantization of constants is the compiler's report
  functional::run_network(model, ops, input, steps, seed, record_voltages, sink);
}

}  // namespace

int run_command_main(const std::vector<std::string>& args) {
  po::options_description opts("usage: nchip run NET.json [options]\n\noptions");
  opts.add_options()
      ("help,h", "show this help")
      ("steps", po::value<int64_t>(), "timesteps to simulate (default: the input's length)")
      ("mode", po::value<std::string>()->default_value("fixed"),
       "float (double-precision reference) or fixed (the chip's fixed-point arithmetic)")
      ("quant", po::value<std::string>(), "QuantConfig JSON for fixed mode (default: built-in formats)")
      ("input", po::value<std::string>(), "input spike file (JSON, see runtime/tasks/README.md)")
      ("input-task", po::value<std::string>(),
       "generate the input with a task: pattern-generation, store-recall, evidence-accumulation or poisson "
       "(default: the network's default_input, else poisson)")
      ("data", po::value<std::string>(), "a trial-set file (HDF5, docs/data.md): run its trial --trial")
      ("trial", po::value<int64_t>()->default_value(0), "trial index of the task generator, or of the --data file")
      ("random-weights", "replace every weight by a fresh random initialisation (seeded by --seed)")
      ("seed", po::value<int64_t>()->default_value(1),
       "seed of generated inputs, random weights and stochastic rounding")
      ("out", po::value<std::string>(),
       "write the results JSON to this file (streamed to disk as the run goes, so long runs need no memory per "
       "step; the file appears whole at the end, or not at all)")
      ("record-voltages", "include membrane voltages in the results JSON")
      ("json", "print the summary as JSON instead of text")
      ("plot", po::value<std::string>(), "DIR or PREFIX: draw the spike raster and readout traces (PNG and SVG, "
                                         "gnuplot) as DIR/raster.png, DIR/readouts.png or PREFIX_raster.png, ...");
  add_backend_options(opts);  // --backend functional|systemc and the SystemC flags (issue #5)
  add_nir_import_options(opts);  // NET.nir: a NIR graph, imported on the fly
  po::variables_map vm;
  if (!parse_command_line(args, opts, "network", vm)) return 0;
  if (!vm.count("network")) throw InputError("missing network file (usage: nchip run NET.json ...)");

  const std::string mode = vm["mode"].as<std::string>();
  if (mode != "float" && mode != "fixed")
    throw InputError("--mode: expected float or fixed, got '" + mode + "'");
  const uint64_t seed = non_negative(vm, "seed");
  // A chip image (nchip compile) runs as compiled: fixed point, with the QuantConfig it holds.
  std::optional<image::ChipImage> chip_image;
  const std::string network_path = vm["network"].as<std::string>();
  if (image::file_has_image_magic(network_path)) {
    if (mode != "fixed" || vm.count("quant") || vm.count("random-weights"))
      throw InputError(network_path + ": a chip image runs in fixed mode with the quant config it was "
                       "compiled with; --mode float, --quant and --random-weights need the IR JSON");
    refuse_nir_flags(network_path, vm);
    chip_image = image::read_image_file(network_path);
  }
  ir::Network network = chip_image ? compiler::outline_network(*chip_image) : read_network_any(network_path, vm);
  if (vm.count("random-weights")) ir::randomize_all_weights(network, seed);
  arith::QuantConfig quant;
  if (vm.count("quant")) {
    if (mode != "fixed") throw InputError("--quant: only used with --mode fixed");
    quant = compiler::read_quant_config_file(vm["quant"].as<std::string>());
  }

  if (vm.count("plot")) check_run_plot_target(vm["plot"].as<std::string>());
  const Trial trial = load_input(vm, network, seed);
  uint32_t steps = trial.steps;
  if (vm.count("steps")) steps = static_cast<uint32_t>(bounded(vm, "steps", 1, 100'000'000));
  check_input_width(trial, network, vm.count("input")  ? vm["input"].as<std::string>()
                                    : vm.count("data") ? vm["data"].as<std::string>()
                                                       : "--input-task");
  const bool record_voltages = vm.count("record-voltages") > 0;
  // What stays in memory: the input, and the whole recording only for --plot (which draws from it);
  // --out streams every step to disk as it happens (run_results.hpp).
  check_run_length(network, steps, trial.input_spikes, record_voltages, vm.count("plot") > 0);

  // The sinks each step goes to: counts for the summaries, the --out file, the --plot recording.
  RunCounts counts;
  std::optional<StreamedRunResults> streamed;
  if (vm.count("out")) streamed.emplace(vm["out"].as<std::string>(), network);
  std::optional<model::RecordingCollector> collector;
  if (vm.count("plot")) collector.emplace();
  std::vector<model::RecordingSink*> sinks{&counts};
  if (streamed) sinks.push_back(&*streamed);
  if (collector) sinks.push_back(&*collector);
  model::RecordingTee sink(sinks);

  const auto start = std::chrono::steady_clock::now();
  if (systemc_backend_requested(vm, mode))
    run_on_systemc(vm, network, chip_image, quant, trial.input_spikes, steps, seed, record_voltages,
                   vm.count("json") > 0, sink);
  else if (chip_image)
    functional::run_image(*chip_image, trial.input_spikes, steps, seed, record_voltages, sink);
  else
    simulate(network, mode, quant, trial.input_spikes, steps, seed, record_voltages, sink);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (collector)  // with --json, its line goes to stderr so stdout stays JSON
    plot_run_recording(vm["plot"].as<std::string>(), network, mode, collector->take(),
                       vm.count("json") ? stderr : stdout);

  const double duration_s = steps * network.dt_ms * 1e-3;
  const std::vector<PopulationSummary> summary = summarize(network, steps, counts.spikes_per_neuron);
  if (streamed || vm.count("json")) {
    const nlohmann::json head =
        results_head_json(network, mode, seed, steps, counts.synaptic_events, counts.saturations, summary);
    if (streamed) streamed->commit(head);
    if (vm.count("json")) {
      nlohmann::json brief = head;
      brief["wall_time_s"] = seconds;
      std::cout << brief.dump(2) << "\n";
      return 0;
    }
  }
  uint64_t total = 0;
  for (const auto& s : summary) total += s.spikes;
  fmt::print("network '{}': {} steps ({:.1f} s of network time), mode {}, seed {}\n", network.name,
             steps, duration_s, mode, seed);
  for (const auto& s : summary)
    fmt::print("  {:<12} {:<5} {:>6} neurons {:>9} spikes {:>8.2f} Hz\n", s.name, s.type, s.size,
               s.spikes, s.rate_hz);
  fmt::print("  total {} spikes, {} synaptic events\n", total, counts.synaptic_events);
  if (mode == "fixed")
    fmt::print("  saturations: {}\n", counts.saturations.total() == 0 ? std::string("none")
                                                                       : saturation_text(counts.saturations));
  fmt::print("  wall time {:.3f} s ({:.0f} steps/s)\n", seconds, seconds > 0 ? steps / seconds : 0.0);
  if (vm.count("out")) fmt::print("  results written to {}\n", vm["out"].as<std::string>());
  return 0;
}

}  // namespace nchip::runtime
