// `nchip train --net NET.nchip`: a chip image trains in fixed mode from its own raw weights and
// constants, bit-identical to training the IR it was compiled from with the image's QuantConfig
// (the image's model is lower<FixedOps>(ir, quant)): same learning columns of curve.csv, same
// learned weights in trained.json, which `nchip run` replays. Float mode, --quant and a --storage
// other than the image's exit 2 with one line.
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "compiler/image_network.hpp"
#include "compiler/ir/network_json.hpp"
#include "compiler/ir/random_init.hpp"
#include "compiler/lower.hpp"
#include "compiler/quant_config_json.hpp"
#include "hw_model/image/chip_image.hpp"
#include "runtime/train/train_options.hpp"
#include "tests/support/cli_runner.hpp"

using nchip::test::run_nchip;
using nchip::test::scratch_dir;
using nchip::test::slurp;
using nchip::test::source_path;

namespace {

// In 20 (sparse onto rec), rec 24 LIF + 12 ALIF, out 3 with biases: dense, sparse and
// self-projections, both neuron types.
nchip::ir::Network test_network() {
  using namespace nchip::ir;
  Network net;
  net.name = "img_small";
  net.seed = 5;
  net.default_input = "pattern-generation";
  const auto population = [](const char* name, PopulationType type, uint32_t size) {
    Population p;
    p.name = name;
    p.type = type;
    p.size = size;
    return p;
  };
  Population in = population("in", PopulationType::input, 20);
  Population lif = population("lif", PopulationType::lif, 24);
  lif.tau_m_ms = 20;
  lif.v_th = 0.61;
  lif.t_ref_ms = 2;
  Population alif = population("alif", PopulationType::alif, 12);
  alif.tau_m_ms = 25;
  alif.v_th = 0.5;
  alif.tau_a_ms = 300;
  alif.beta = 0.07;
  Population out = population("out", PopulationType::readout, 3);
  out.tau_out_ms = 20;
  out.bias = {0.1, 0.0, -0.05};
  net.populations = {in, lif, alif, out};
  const struct {
    const char *s, *t;
    double p;
  } projections[] = {{"in", "lif", 0.5}, {"in", "alif", 1.0}, {"lif", "lif", 1.0}, {"alif", "lif", 0.6},
                     {"lif", "alif", 1.0}, {"alif", "alif", 0.5}, {"lif", "out", 1.0}, {"alif", "out", 1.0}};
  for (const auto& p : projections) {
    Projection proj;
    proj.source = p.s;
    proj.target = p.t;
    proj.random_init = RandomInit{1.0, p.p};
    net.projections.push_back(proj);
  }
  materialise_random_init(net);
  return net;
}

std::string write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  return path;
}

// curve.csv without the wall-time columns (seconds and its breakdown, columns 6-11).
std::string learning_columns(const std::string& csv) {
  std::istringstream in(csv);
  std::string line, out;
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ls(line);
    for (std::string c; std::getline(ls, c, ',');) cols.push_back(c);
    REQUIRE(cols.size() == 14);
    for (size_t i = 0; i < cols.size(); ++i)
      if (i < 6 || i > 11) out += cols[i] + ",";
    out += "\n";
  }
  return out;
}

// Learned weights of every projection, as (pre, post, weight) triples, for either layout.
std::vector<std::vector<nchip::ir::Synapse>> weights_of(const nchip::ir::Network& n) {
  std::vector<std::vector<nchip::ir::Synapse>> out;
  for (const auto& p : n.projections) {
    std::vector<nchip::ir::Synapse> w;
    if (p.dense) {
      const uint32_t S = n.populations[n.index_of(p.source)].size;
      for (uint32_t i = 0; i < p.weights.size(); ++i)
        if (p.weights[i] != 0.0) w.push_back({i % S, i / S, p.weights[i]});
    } else {
      for (const auto& s : p.synapses)
        if (s.weight != 0.0) w.push_back(s);
    }
    out.push_back(w);
  }
  return out;
}

bool same_weights(const nchip::ir::Network& a, const nchip::ir::Network& b) {
  const auto wa = weights_of(a), wb = weights_of(b);
  if (wa.size() != wb.size()) return false;
  for (size_t p = 0; p < wa.size(); ++p) {
    if (wa[p].size() != wb[p].size()) return false;
    for (size_t i = 0; i < wa[p].size(); ++i)
      if (!(wa[p][i] == wb[p][i])) return false;
  }
  return true;
}

struct Setup {
  std::string dir, json, image, quant;
};

Setup compile(const std::string& name, const std::string& json_text, const std::string& compile_flags) {
  Setup s;
  s.dir = scratch_dir(name);
  s.json = write(s.dir + "/net.json", json_text);
  s.quant = write(s.dir + "/quant.json", nchip::compiler::quant_config_to_json(nchip::arith::QuantConfig{}));
  s.image = s.dir + "/net.nchip";
  const auto r = run_nchip("compile " + s.json + " --chip " + source_path("examples/chips/small.json") + " --quant " +
                               s.quant + " -o " + s.image + " " + compile_flags,
                           s.dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return s;
}

// Trains the IR and the image with the same flags; both must learn identically.
void check_same_training(const Setup& s, const std::string& flags, const std::string& storage_flag) {
  const std::string from_json = s.dir + "/from_json", from_image = s.dir + "/from_image";
  const auto a = run_nchip("train --net " + s.json + " --mode fixed --quant " + s.quant + " " + storage_flag + " " +
                               flags + " --quiet --out " + from_json,
                           s.dir);
  INFO(a.err);
  REQUIRE(a.exit_code == 0);
  const auto b = run_nchip("train --net " + s.image + " --mode fixed " + flags + " --quiet --out " + from_image, s.dir);
  INFO(b.err);
  REQUIRE(b.exit_code == 0);
  const std::string curve_a = slurp(from_json + "/curve.csv"), curve_b = slurp(from_image + "/curve.csv");
  CHECK(nchip::test::line_count(curve_b) > 1);
  CHECK(learning_columns(curve_a) == learning_columns(curve_b));
  const auto trained_a = nchip::ir::read_network_file(from_json + "/trained.json");
  const auto trained_b = nchip::ir::read_network_file(from_image + "/trained.json");
  CHECK(same_weights(trained_a, trained_b));
  // Learning changed something (else the comparison says little).
  CHECK_FALSE(same_weights(trained_b, nchip::ir::read_network_file(s.json)));
  const auto replay = run_nchip("run " + from_image + "/trained.json --mode fixed --steps 50", s.dir);
  INFO(replay.err);
  CHECK(replay.exit_code == 0);
}

}  // namespace

TEST_CASE("training_network rebuilds the IR the image came from") {
  using namespace nchip;
  const ir::Network net = test_network();
  const arith::QuantConfig quant;
  const Setup s = compile("train_image_rebuild", ir::network_to_json(net), "");
  const image::ChipImage im = image::read_image_file(s.image);
  const compiler::ImageTrainingNetwork rebuilt = compiler::training_network(im);
  REQUIRE(rebuilt.network.projections.size() == net.projections.size());
  for (size_t p = 0; p < net.projections.size(); ++p) {
    CHECK(rebuilt.network.projections[p].source == net.projections[p].source);
    CHECK(rebuilt.network.projections[p].target == net.projections[p].target);
    CHECK(rebuilt.network.projections[p].dense == net.projections[p].dense);
  }
  // Re-quantizing the rebuilt IR gives back the image's model (constants and weights).
  arith::SaturationCounts counts;
  const arith::FixedOps ops(quant, counts);
  const auto again = compiler::lower(rebuilt.network, ops);
  REQUIRE(again.neurons.size() == im.network.neurons.size());
  for (size_t i = 0; i < again.neurons.size(); ++i) {
    CHECK(again.neurons[i].alpha.raw == im.network.neurons[i].alpha.raw);
    CHECK(again.neurons[i].rho.raw == im.network.neurons[i].rho.raw);
    CHECK(again.neurons[i].beta.raw == im.network.neurons[i].beta.raw);
    CHECK(again.neurons[i].v_th.raw == im.network.neurons[i].v_th.raw);
    CHECK(again.neurons[i].refractory_steps == im.network.neurons[i].refractory_steps);
  }
  for (size_t k = 0; k < again.readouts.size(); ++k) {
    CHECK(again.readouts[k].kappa.raw == im.network.readouts[k].kappa.raw);
    CHECK(again.readouts[k].bias.raw == im.network.readouts[k].bias.raw);
  }
  CHECK(again.recurrent_synapses.target == im.network.recurrent_synapses.target);
  CHECK(again.input_synapses.target == im.network.input_synapses.target);
  bool weights_equal = true;
  for (size_t i = 0; i < again.recurrent_synapses.size(); ++i)
    weights_equal = weights_equal && again.recurrent_synapses.weight[i].raw == im.network.recurrent_synapses.weight[i].raw;
  CHECK(weights_equal);
}

TEST_CASE("nchip train --net NET.nchip learns exactly as the IR it was compiled from (functional)") {
  const Setup s = compile("train_image_pg", nchip::ir::network_to_json(test_network()), "");
  check_same_training(s, "--task pattern-generation --steps 200 --iterations 3 --seed 7", "");
}

TEST_CASE("nchip train --net NET.nchip: store-recall, factored storage taken from the image") {
  const Setup s = compile("train_image_sr", slurp(source_path("examples/networks/store_recall.json")),
                          "--storage factored");
  check_same_training(s, "--task store-recall --batch 2 --iterations 2 --validation-trials 2 --seed 3",
                      "--storage factored");
}

TEST_CASE("nchip train --net NET.nchip --backend systemc learns exactly as the IR") {
  const Setup s = compile("train_image_sc", nchip::ir::network_to_json(test_network()), "");
  const std::string flags = "--task pattern-generation --steps 100 --iterations 2 --seed 7";
  const auto a = run_nchip("train --net " + s.image + " --mode fixed " + flags + " --quiet --out " + s.dir + "/func",
                           s.dir);
  INFO(a.err);
  REQUIRE(a.exit_code == 0);
  const auto b = run_nchip("train --net " + s.image + " --mode fixed --backend systemc " + flags + " --quiet --out " +
                               s.dir + "/sc",
                           s.dir);
  INFO(b.err);
  REQUIRE(b.exit_code == 0);
  CHECK(learning_columns(slurp(s.dir + "/func/curve.csv")) == learning_columns(slurp(s.dir + "/sc/curve.csv")));
  CHECK(slurp(s.dir + "/func/trained.json") == slurp(s.dir + "/sc/trained.json"));
}

TEST_CASE("nchip train --net NET.nchip: float mode, --quant, another --storage or --chip exit 2 with one line") {
  const Setup s = compile("train_image_errors", nchip::ir::network_to_json(test_network()), "");
  const std::string base = "train --task pattern-generation --steps 20 --iterations 1 --net " + s.image + " --out " +
                           s.dir + "/o ";
  for (const std::string& extra :
       {std::string(""), std::string("--mode float"), "--mode fixed --quant " + s.quant,
        std::string("--mode fixed --storage factored"),
        "--mode fixed --backend systemc --chip " + source_path("examples/chips/small.json")}) {
    const auto r = run_nchip(base + extra, s.dir);
    INFO(extra << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(nchip::test::line_count(r.err) == 1);
  }
}

TEST_CASE("compile and train use one set of default formats: an image compiled without --quant trains as its IR") {
  // Issue #18: compile's defaults had update_accumulator s32.24 and train's s32.16, so the image
  // of a network saturated where the IR JSON did not.
  const std::string dir = scratch_dir("train_image_defaults");
  const std::string json = dir + "/net.json";
  std::ofstream(json) << nchip::ir::network_to_json(test_network());
  const std::string image = dir + "/net.nchip";
  const auto c = run_nchip("compile " + json + " --chip " + source_path("examples/chips/small.json") + " -o " + image,
                           dir);
  INFO(c.err);
  REQUIRE(c.exit_code == 0);
  const nchip::arith::QuantConfig defaults;
  CHECK(nchip::compiler::quant_config_to_json(nchip::image::read_image_file(image).quant) ==
        nchip::compiler::quant_config_to_json(defaults));
  CHECK(defaults[nchip::arith::Quantity::update_accumulator] == nchip::arith::Format{32, 16, true});

  const std::string flags = " --mode fixed --task pattern-generation --steps 100 --iterations 2 --seed 7 --out ";
  const auto a = run_nchip("train --net " + json + flags + dir + "/json", dir);
  const auto b = run_nchip("train --net " + image + flags + dir + "/image", dir);
  INFO(a.err << b.err);
  REQUIRE(a.exit_code == 0);
  REQUIRE(b.exit_code == 0);
  CHECK(learning_columns(slurp(dir + "/json/curve.csv")) == learning_columns(slurp(dir + "/image/curve.csv")));
  CHECK(same_weights(nchip::ir::read_network_file(dir + "/json/trained.json"),
                     nchip::ir::read_network_file(dir + "/image/trained.json")));
  const auto ma = nlohmann::json::parse(slurp(dir + "/json/metrics.json"));
  const auto mb = nlohmann::json::parse(slurp(dir + "/image/metrics.json"));
  CHECK(ma.at("quant") == mb.at("quant"));
  CHECK(ma.at("saturations") == mb.at("saturations"));
  CHECK(ma.at("quant").at("formats").at("update_accumulator") ==
        nlohmann::json({{"width", 32}, {"frac", 16}, {"signed", true}}));
  // The header names the effective format of every quantity.
  const std::string header =
      "formats: weight s16.12, voltage s24.16, adaptation u24.16, decay u24.24, gain u24.16, pseudo_derivative u16.16, "
      "trace u24.16, eligibility s24.16, learning_signal s16.12, update_accumulator s32.16, synaptic_current s24.16; "
      "rounding nearest, "
      "update_rounding nearest\n";
  CHECK(a.out.find(header) != std::string::npos);
  CHECK(b.out.find(header) != std::string::npos);
}

namespace {

// An image compiled without the optimizer's state reserved: `train --optimizer X` refuses it in
// one line naming the compile flag that reserves it.
void check_refused_without_state(const Setup& plain, const std::string& flags, const std::string& optimizer) {
  const auto refused = run_nchip("train --net " + plain.image + " --mode fixed " + flags + " --quiet --out " +
                                     plain.dir + "/o",
                                 plain.dir);
  CHECK(refused.exit_code == 2);
  CHECK(nchip::test::line_count(refused.err) == 1);
  CHECK(refused.err.find("nchip compile --optimizer " + optimizer) != std::string::npos);
}

// The SystemC chip trains the image to the weights the functional chip reached (check_same_training's
// from_image run).
void check_systemc_trains_alike(const Setup& s, const std::string& flags) {
  const auto sc = run_nchip("train --net " + s.image + " --mode fixed --backend systemc " + flags + " --quiet --out " +
                                s.dir + "/sc",
                            s.dir);
  INFO(sc.err);
  REQUIRE(sc.exit_code == 0);
  CHECK(slurp(s.dir + "/from_image/trained.json") == slurp(s.dir + "/sc/trained.json"));
}

}  // namespace

// Issue #17: Lion's m must be reserved in the image (nchip compile --optimizer lion); an image
// compiled without it refuses --optimizer lion with one line, one compiled with it trains as its
// IR on both chip models, and metrics.json counts m in bits_per_synapse.
TEST_CASE("nchip train --net NET.nchip --optimizer lion needs an image compiled with --optimizer lion") {
  const Setup plain = compile("train_image_lion_plain", nchip::ir::network_to_json(test_network()), "");
  const std::string flags = "--task pattern-generation --steps 100 --iterations 2 --seed 7 --optimizer lion";
  check_refused_without_state(plain, flags, "lion");

  const Setup s = compile("train_image_lion", nchip::ir::network_to_json(test_network()), "--optimizer lion");
  check_same_training(s, flags, "");
  check_systemc_trains_alike(s, flags);
  const auto metrics = nlohmann::json::parse(slurp(s.dir + "/from_image/metrics.json"));
  // s16 weight + s24 eligibility + s32 accumulator (+ s24 eps_a onto ALIF) + s32 m.
  CHECK(metrics["bits_per_synapse"]["lif_target"] == 16 + 24 + 32 + 32);
  CHECK(metrics["bits_per_synapse"]["alif_target"] == 16 + 24 + 32 + 24 + 32);
}

// Issue #17: on-chip Adam's m and v (adam_m s32.16 + adam_v u31.6 = 63 bits) reserved by
// nchip compile --optimizer adam; the image trains as its IR on both chip models, and
// metrics.json gives the optimizer's bits per plastic synapse and in all.
TEST_CASE("nchip train --net NET.nchip --optimizer adam needs an image compiled with --optimizer adam and trains alike on both chip models") {
  const Setup plain = compile("train_image_adam_plain", nchip::ir::network_to_json(test_network()), "--optimizer lion");
  const std::string flags = "--task pattern-generation --steps 100 --iterations 2 --seed 7 --optimizer adam";
  check_refused_without_state(plain, flags, "adam");

  const Setup s = compile("train_image_adam", nchip::ir::network_to_json(test_network()), "--optimizer adam");
  const auto again = run_nchip("compile " + s.json + " --chip " + source_path("examples/chips/small.json") +
                                   " --optimizer adam -o " + s.dir + "/again.nchip --report " + s.dir + "/report.json",
                               s.dir);
  REQUIRE(again.exit_code == 0);
  CHECK(slurp(s.dir + "/again.nchip") == slurp(s.image));  // the quant file holds the defaults
  const auto report = nlohmann::json::parse(slurp(s.dir + "/report.json"));
  CHECK(report["optimizer_state_bits_per_plastic_synapse"] == 63);
  check_same_training(s, flags, "");
  check_systemc_trains_alike(s, flags);
  const auto metrics = nlohmann::json::parse(slurp(s.dir + "/from_image/metrics.json"));
  CHECK(metrics["bits_per_synapse"]["lif_target"] == 16 + 24 + 32 + 63);
  CHECK(metrics["optimizer_state_bits"]["per_plastic_synapse"] == 63);
  CHECK(metrics["optimizer_state_bits"]["total"] == 63 * metrics["plastic_synapses"].get<uint64_t>());
  CHECK(report["optimizer_state_bits"] == metrics["optimizer_state_bits"]["total"]);
}

// Issue #17: Adafactor's row and column registers must be reserved in the image (nchip compile
// --optimizer adafactor, format version 5); an image without them refuses --optimizer adafactor
// with one line, one with them trains as its IR on both chip models and reserves no per-synapse
// state.
TEST_CASE("nchip train --net NET.nchip --optimizer adafactor needs an image compiled with --optimizer adafactor") {
  const Setup plain = compile("train_image_adafactor_plain", nchip::ir::network_to_json(test_network()), "--optimizer adam");
  const std::string flags = "--task pattern-generation --steps 100 --iterations 2 --seed 7 --optimizer adafactor";
  check_refused_without_state(plain, flags, "adafactor");

  const std::string report_path = scratch_dir("train_image_adafactor_report") + "/report.json";
  const Setup s = compile("train_image_adafactor", nchip::ir::network_to_json(test_network()),
                          "--optimizer adafactor --report " + report_path);
  const auto report = nlohmann::json::parse(slurp(report_path));
  CHECK(report["optimizer_state_bits_per_plastic_synapse"] == 0);
  CHECK(report["optimizer_factor_register_bits"] == 48);
  uint64_t per_core = 0;
  for (const auto& c : report["cores"]) per_core += c["optimizer_factor_bits"].get<uint64_t>();
  CHECK(per_core == report["optimizer_factor_bits"].get<uint64_t>());
  CHECK(per_core > 0);
  CHECK(per_core % 48 == 0);
  check_same_training(s, flags, "");
  check_systemc_trains_alike(s, flags);
  const auto metrics = nlohmann::json::parse(slurp(s.dir + "/from_image/metrics.json"));
  CHECK(metrics["bits_per_synapse"]["lif_target"] == 16 + 24 + 32);
}
