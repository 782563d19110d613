// `nchip compile`: map a network onto a chip, write the chip image and print the compile report.
#include <boost/program_options.hpp>
#include <fmt/core.h>

#include <chrono>
#include <utility>
#include <iostream>

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
#include "runtime/io/atomic_file.hpp"

namespace nchip::runtime {

namespace po = boost::program_options;

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

  // Progress on stderr for networks that take more than a moment.
  const auto start = std::chrono::steady_clock::now();
  options.on_pass = [&](const char* pass) {
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (s > 2.0) fmt::print(stderr, "nchip compile: {} ({:.1f} s)\n", pass, s);
  };
  // Handed over: its synapse lists are released while they are lowered (compile's peak memory).
  const image::ChipImage compiled = compiler::compile_network(std::move(network), chip, quant, options);
  const compiler::CompileReport report = compiler::make_report(compiled);

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
