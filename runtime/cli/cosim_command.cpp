// `nchip cosim`: drive the Verilated eligibility-trace unit (rtl/etu.sv) and hw_model/arith's
// etu_update<FixedOps> with the same stimulus and compare every output field of every update.
// Exit 0 when all match, 1 on the first mismatch (reported with update, cycle, synapse, field,
// both values), 2 on bad input.
#include <boost/program_options.hpp>
#include <fmt/core.h>

#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "compiler/quant_config_json.hpp"
#include "hw_model/error.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/cli/options.hpp"

#if NCHIP_HAVE_RTL
#include "rtl/cosim/etu_cosim.hpp"
#include "rtl/cosim/etu_dut.hpp"
#include "rtl/cosim/etu_stimulus.hpp"
#endif

namespace nchip::runtime {

namespace po = boost::program_options;

#if NCHIP_HAVE_RTL
namespace {

std::string variant_names() {
  std::string names;
  for (const auto& v : rtl::verilated_etu_variants()) names += (names.empty() ? "" : ", ") + v.name;
  return names;
}

double rate(const po::variables_map& vm, const std::string& name) {
  const double r = vm[name].as<double>();
  if (!(r >= 0.0 && r < 1.0)) throw InputError(fmt::format("--{}: expected a rate in [0, 1), got {}", name, r));
  return r;
}

// The configuration the run uses: --quant, else the recorded file's, else the defaults; then
// --rounding. It must be one the RTL was verilated with (the formats are module parameters).
const rtl::VerilatedEtuVariant& choose_variant(const po::variables_map& vm,
                                               const arith::QuantConfig* recorded) {
  if (vm.count("variant")) {
    const std::string name = vm["variant"].as<std::string>();
    if (vm.count("quant") || vm.count("rounding"))
      throw InputError("--variant: fixes formats and rounding; leave out --quant and --rounding");
    for (const auto& v : rtl::verilated_etu_variants())
      if (v.name == name) return v;
    throw InputError(fmt::format("--variant: unknown '{}' (built: {})", name, variant_names()));
  }
  arith::QuantConfig quant;
  std::string origin = "the default formats";
  if (vm.count("quant")) {
    quant = compiler::read_quant_config_file(vm["quant"].as<std::string>());
    origin = vm["quant"].as<std::string>();
  } else if (recorded) {
    quant = *recorded;
    origin = "the record file's header";
  }
  if (vm.count("rounding")) {
    const std::string text = vm["rounding"].as<std::string>();
    if (!arith::rounding_from_string(text, quant.rounding))
      throw InputError(fmt::format("--rounding: expected nearest, truncate or stochastic, got '{}'", text));
  }
  if (const auto* v = rtl::find_verilated_etu(quant)) return *v;
  throw InputError(fmt::format(
      "no verilated ETU has the formats and rounding ({}) of {}; built variants: {} "
      "(add one with its -G parameters in rtl/CMakeLists.txt and cosim/etu_vmodel.cpp)",
      arith::to_string(quant.rounding), origin, variant_names()));
}

}  // namespace
#endif

int cosim_command_main(const std::vector<std::string>& args) {
  po::options_description opts(
      "usage: nchip cosim --stimulus random|corners|recorded [FILE] [options]\n\n"
      "Co-simulates the Verilated eligibility-trace unit (rtl/etu.sv) against hw_model/arith.\n\n"
      "options");
  opts.add_options()
      ("help,h", "show this help")
      ("stimulus", po::value<std::string>()->default_value("random"),
       "random, corners (directed corner cases) or recorded (a file from nchip train --record-etu)")
      ("updates", po::value<int64_t>(),
       "updates to compare (random: default 100000; corners, recorded: at most this many)")
      ("seed", po::value<int64_t>()->default_value(1), "seed of the random stimulus and handshake")
      ("distribution", po::value<std::string>()->default_value("mixed"),
       "random values: uniform (full range), edges (saturation edges), log (log-uniform "
       "magnitudes) or mixed (each field picks one)")
      ("rounding", po::value<std::string>(), "nearest, truncate or stochastic (default: the config's)")
      ("quant", po::value<std::string>(), "QuantConfig JSON; must match a verilated variant")
      ("variant", po::value<std::string>(), "pick a verilated variant by name (see --list-variants)")
      ("list-variants", "list the verilated variants (formats and rounding) and exit")
      ("vcd", po::value<std::string>(),
       "write a VCD of the cycles around the first mismatch (or of the first cycles)")
      ("stall-rate", po::value<double>()->default_value(0.0, "0"),
       "probability that a cycle holds out_ready low (exercises back-pressure)")
      ("bubble-rate", po::value<double>()->default_value(0.0, "0"),
       "probability that a cycle presents no input")
      ("reference-rounding", po::value<std::string>(),
       "testing the harness: make the C++ reference round differently from the RTL, which must "
       "then be reported as a mismatch")
      ("json", "print the result as JSON");
  po::variables_map vm;
  if (!parse_command_line(args, opts, "file", vm)) return 0;
#if !NCHIP_HAVE_RTL
  throw InputError("this nchip was built without the RTL (configure with -DNCHIP_BUILD_RTL=ON)");
#else
  if (vm.count("list-variants")) {
    for (const auto& v : rtl::verilated_etu_variants()) {
      fmt::print("{:<16} rounding {:<10}", v.name, arith::to_string(v.quant.rounding));
      for (arith::Quantity q : {arith::Quantity::voltage, arith::Quantity::decay,
                                arith::Quantity::pseudo_derivative, arith::Quantity::trace,
                                arith::Quantity::eligibility, arith::Quantity::learning_signal,
                                arith::Quantity::update_accumulator})
        fmt::print(" {}={}", arith::to_string(q), v.quant[q].describe());
      fmt::print("\n");
    }
    return 0;
  }
  const std::string stimulus = vm["stimulus"].as<std::string>();
  if (stimulus != "random" && stimulus != "corners" && stimulus != "recorded")
    throw InputError(fmt::format("--stimulus: expected random, corners or recorded, got '{}'", stimulus));
  if (stimulus == "recorded" && !vm.count("file"))
    throw InputError("--stimulus recorded: give the record file (nchip cosim --stimulus recorded FILE)");
  if (stimulus != "recorded" && vm.count("file"))
    throw InputError(fmt::format("unexpected argument '{}' (a file goes with --stimulus recorded)",
                                 vm["file"].as<std::string>()));
  const uint64_t seed = non_negative(vm, "seed");
  const uint64_t limit = vm.count("updates") ? static_cast<uint64_t>(bounded(vm, "updates", 1, INT64_MAX))
                                             : (stimulus == "random" ? 100000 : UINT64_MAX);
  rtl::Distribution distribution;
  if (!rtl::distribution_from_string(vm["distribution"].as<std::string>(), distribution))
    throw InputError(fmt::format("--distribution: expected uniform, edges, log or mixed, got '{}'",
                                 vm["distribution"].as<std::string>()));

  // A record file carries the formats of the run that wrote it; open it now so a bad file fails
  // before any simulation.
  std::optional<arith::QuantConfig> recorded;
  std::string file;
  if (stimulus == "recorded") {
    file = vm["file"].as<std::string>();
    const rtl::EtuRecordReader reader(file);
    // An empty record would compare nothing and report "every field matches" (issue #15 row 14).
    if (reader.count() == 0)
      throw InputError(file + ": the record holds 0 updates, so there is nothing to compare (the training run "
                              "stopped before any eligibility update)");
    recorded = reader.quant();
  }
  const rtl::VerilatedEtuVariant& variant = choose_variant(vm, recorded ? &*recorded : nullptr);
  const arith::QuantConfig quant = variant.quant;
  if (recorded) {
    for (arith::Quantity q : rtl::kEtuPortQuantities)  // the unit has no weight port: 8-bit runs replay
      if (!((*recorded)[q] == quant[q]))
        throw InputError(fmt::format("{}: recorded with {} {} but the RTL variant '{}' has {}", file,
                                     arith::to_string(q), (*recorded)[q].describe(), variant.name,
                                     quant[q].describe()));
  }

  rtl::SourceFactory make_source;
  std::string describe_stimulus;
  if (stimulus == "random") {
    make_source = [&] { return rtl::make_random_source(quant, seed, limit, distribution); };
    describe_stimulus = fmt::format("random ({}, seed {})", rtl::to_string(distribution), seed);
  } else if (stimulus == "corners") {
    auto corners = rtl::corner_records(quant);
    if (corners.size() > limit) corners.resize(limit);
    make_source = [corners] { return rtl::make_vector_source(corners); };
    describe_stimulus = fmt::format("corners ({} directed cases)", corners.size());
  } else {
    make_source = [&] { return rtl::make_recorded_source(file, limit); };
    describe_stimulus = fmt::format("recorded ({})", file);
  }

  rtl::CosimOptions options;
  options.stall_rate = rate(vm, "stall-rate");
  options.bubble_rate = rate(vm, "bubble-rate");
  options.handshake_seed = seed;
  if (vm.count("vcd")) options.vcd_path = vm["vcd"].as<std::string>();
  const bool json = vm.count("json") > 0;
  // Progress on stderr every 5 s, so long runs show they are alive without flooding the log.
  auto last_progress = std::chrono::steady_clock::now();
  if (!json)
    options.progress = [&last_progress, limit](uint64_t compared) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_progress < std::chrono::seconds(5)) return;
      last_progress = now;
      if (limit == UINT64_MAX) fmt::print(stderr, "  ... {} updates compared\n", compared);
      else fmt::print(stderr, "  ... {} of {} updates compared\n", compared, limit);
    };

  arith::QuantConfig reference = quant;
  if (vm.count("reference-rounding")) {
    const std::string text = vm["reference-rounding"].as<std::string>();
    if (!arith::rounding_from_string(text, reference.rounding))
      throw InputError(fmt::format("--reference-rounding: expected nearest, truncate or stochastic, got '{}'", text));
  }

  const rtl::CosimReport r = rtl::run_cosim(variant.make, make_source, reference, options);

  if (json) {
    nlohmann::json out;
    out["stimulus"] = stimulus;
    out["variant"] = variant.name;
    out["rounding"] = arith::to_string(quant.rounding);
    out["seed"] = seed;
    out["updates_compared"] = r.compared;
    out["cycles"] = r.cycles;
    out["seconds"] = r.seconds;
    out["updates_per_second"] = r.updates_per_second();
    out["saturations"] = {{"eligibility", r.saturations_eligibility},
                          {"update_accumulator", r.saturations_accumulator}};
    out["match"] = !r.mismatch.has_value();
    if (r.mismatch) {
      const auto& m = *r.mismatch;
      out["mismatch"] = {{"update", m.update}, {"cycle", m.cycle},       {"synapse", m.synapse},
                         {"field", m.field},   {"expected", m.expected}, {"actual", m.actual}};
    }
    if (!r.vcd_written.empty()) out["vcd"] = r.vcd_written;
    std::cout << out.dump(2) << "\n";
    return r.mismatch ? 1 : 0;
  }
  fmt::print("nchip cosim: stimulus {}, RTL variant '{}' (rounding {}), latency {} cycles\n",
             describe_stimulus, variant.name, arith::to_string(quant.rounding), rtl::kEtuLatency);
  if (r.mismatch) {
    fmt::print("{}\n", rtl::describe(*r.mismatch, quant));
    fmt::print("  {} updates matched before it\n", r.compared);
  } else {
    fmt::print("  {} updates compared, every field matches (state, e, saturation counts)\n", r.compared);
    fmt::print("  {} cycles, {:.3f} s, {:.0f} updates/s (RTL and reference together)\n", r.cycles,
               r.seconds, r.updates_per_second());
    fmt::print("  saturations seen: {} eligibility, {} update_accumulator\n",
               r.saturations_eligibility, r.saturations_accumulator);
  }
  if (!r.vcd_written.empty())
    fmt::print("  VCD of cycles {}..{} written to {} (cycle c at time 10c)\n", r.vcd_first_cycle,
               r.vcd_last_cycle, r.vcd_written);
  return r.mismatch ? 1 : 0;
#endif
}

}  // namespace nchip::runtime
