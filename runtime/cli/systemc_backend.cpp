#include "runtime/cli/systemc_backend.hpp"

#include <fmt/core.h>

#include "compiler/chip_json.hpp"
#include "compiler/compile.hpp"
#include "hw_model/error.hpp"
#include "hw_model/systemc/timed_chip.hpp"
#include "runtime/cli/noc_stats.hpp"
#include "runtime/cli/systemc_stats.hpp"
#include "runtime/io/atomic_file.hpp"
#include "runtime/train/train_options.hpp"

namespace nchip::runtime {

namespace po = boost::program_options;

void add_backend_options(po::options_description& opts) {
  opts.add_options()
      ("backend", po::value<std::string>()->default_value("functional"),
       "functional (fast golden model) or systemc (cycle-approximate chip: same results, plus timing)")
      ("chip", po::value<std::string>(), "systemc: chip description JSON the network is compiled for "
                                         "(default: the built-in 4x4 chip)")
      ("stats", po::value<std::string>(), "systemc: write cycles, traffic and energy statistics (JSON)")
      ("trace", po::value<std::string>(), "systemc: write a VCD of one tile's activity (FILE.vcd)")
      ("trace-tile", po::value<int64_t>()->default_value(0), "systemc: tile traced by --trace (y * width + x)")
      ("noc-stats", po::value<std::string>(), "systemc: write DIR/links.csv, cores.csv, routers.csv, "
                                              "critical_path.json and the link-utilisation and core-load heat maps "
                                              "(PNG, SVG; gnuplot)")
      ("noc-model", po::value<std::string>()->default_value("events"),
       "systemc: events (one event run per spike phase in SystemC's process order), threads (one SystemC "
       "thread per router port: the reference, same timing, slower; --trace uses it) or fast (the same NoC, "
       "same-cycle ties served first come first served: same results, faster)");
}

namespace {

// --noc-model, --trace FILE.vcd / --trace-tile N, checked against the mesh of `chip`.
systemc::SystemcParams trace_params(const po::variables_map& vm, const image::ChipConfig& chip) {
  systemc::SystemcParams params;
  const std::string model = vm["noc-model"].as<std::string>();
  if (model != "events" && model != "threads" && model != "fast")
    throw InputError("--noc-model: expected events, threads or fast, got '" + model + "'");
  params.noc_model = model == "threads" ? systemc::NocModel::threads
                     : model == "fast"  ? systemc::NocModel::fast
                                        : systemc::NocModel::events;
  if (!vm.count("trace")) return params;
  std::string path = vm["trace"].as<std::string>();
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".vcd") == 0) path.resize(path.size() - 4);
  params.trace_path = path;  // SystemC appends ".vcd"
  const int64_t tile = vm["trace-tile"].as<int64_t>();
  if (tile < 0 || tile >= int64_t{chip.tiles()})
    throw InputError(fmt::format("--trace-tile: {} is not a tile of the {}x{} mesh", tile, chip.mesh_width,
                                 chip.mesh_height));
  params.trace_tile = static_cast<int32_t>(tile);
  return params;
}

}  // namespace

bool systemc_backend_requested(const po::variables_map& vm, const std::string& mode) {
  const std::string backend = vm["backend"].as<std::string>();
  if (backend != "functional" && backend != "systemc")
    throw InputError("--backend: expected functional or systemc, got '" + backend + "'");
  const bool systemc = backend == "systemc";
  if (!systemc) {
    for (const char* flag : {"chip", "stats", "trace", "noc-stats"})
      if (vm.count(flag)) throw InputError(std::string("--") + flag + ": only used with --backend systemc");
    if (!vm["noc-model"].defaulted()) throw InputError("--noc-model: only used with --backend systemc");
    return false;
  }
  if (mode != "fixed") throw InputError("--backend systemc: the chip computes in fixed point; use --mode fixed");
  return true;
}

void run_on_systemc(const po::variables_map& vm, const ir::Network& network,
                    const std::optional<image::ChipImage>& given, const arith::QuantConfig& quant,
                    const functional::InputSpikes& inputs, uint32_t steps, uint64_t seed, bool record_voltages,
                    bool quiet, model::RecordingSink& sink) {
  image::ChipImage compiled;
  if (!given) {
    const image::ChipConfig chip =
        vm.count("chip") ? compiler::read_chip_file(vm["chip"].as<std::string>()) : image::ChipConfig{};
    compiled = compiler::compile_network(network, chip, quant);
  } else if (vm.count("chip")) {
    throw InputError("--chip: a chip image was compiled for its chip already");
  }
  const image::ChipImage& img = given ? *given : compiled;

  const systemc::SystemcParams params = trace_params(vm, img.chip);
  auto& chip = systemc::TimedChip::instance(img.chip.mesh_width, img.chip.mesh_height, params);
  arith::SaturationCounts counts;
  systemc::run_network_timed(chip, img, img.network, arith::FixedOps(img.quant, counts), inputs, steps, seed,
                             record_voltages, sink);
  report_systemc(vm, quiet, img.dt_ms);
}

void configure_systemc_training(const po::variables_map& vm, const std::string& mode, TrainOptions& o,
                                const image::ChipConfig* image_chip) {
  o.systemc_backend = systemc_backend_requested(vm, mode);
  if (!o.systemc_backend) return;
  if (image_chip && vm.count("chip")) throw InputError("--chip: a chip image was compiled for its chip already");
  if (image_chip) o.chip = *image_chip;
  else if (vm.count("chip")) o.chip = compiler::read_chip_file(vm["chip"].as<std::string>());
  o.systemc = trace_params(vm, o.chip);
}

void report_systemc(const po::variables_map& vm, bool quiet, double dt_ms) {
  systemc::TimedChip* chip = systemc::TimedChip::existing();
  if (!chip) return;
  chip->close_trace();
  const systemc::ChipStats& stats = chip->stats();
  if (vm.count("stats"))
    write_file_atomically(vm["stats"].as<std::string>(), systemc_stats_json(stats, dt_ms).dump(1) + "\n");
  if (!quiet) fmt::print("{}", systemc_stats_summary(stats, dt_ms));
  if (vm.count("noc-stats"))
    write_noc_stats(stats, vm["noc-stats"].as<std::string>(),
                    fmt::format("{}x{} mesh, {} steps", stats.mesh_width, stats.mesh_height, stats.steps),
                    quiet ? nullptr : stdout);
}

}  // namespace nchip::runtime
