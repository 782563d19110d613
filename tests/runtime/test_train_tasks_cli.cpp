// `nchip train` with task shapes from the command line (issue #13): a user's 100-input / 1-readout
// regression network trains, evidence accumulation and NEST's sine-wave preset run, and a shape
// that cannot work exits 2 with one line naming the option and writes nothing.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "compiler/ir/network_json.hpp"
#include "compiler/ir/random_init.hpp"
#include "tests/support/cli_runner.hpp"

namespace fs = std::filesystem;
using nchip::test::run_nchip;
using nchip::test::scratch_dir;
using nchip::test::source_path;

namespace {

// A user's regression network: 100 inputs, 30 LIF, 1 readout.
std::string write_regression_network(const std::string& dir) {
  nchip::ir::Network net;
  net.name = "user_regression";
  net.seed = 2;
  auto in = nchip::ir::make_population("in", nchip::ir::PopulationType::input, 100);
  auto rec = nchip::ir::make_population("rec", nchip::ir::PopulationType::lif, 30);
  rec.v_th = 0.5;
  auto out = nchip::ir::make_population("out", nchip::ir::PopulationType::readout, 1);
  net.populations = {in, rec, out};
  for (auto [s, t] : {std::pair{"in", "rec"}, {"rec", "rec"}, {"rec", "out"}}) {
    nchip::ir::Projection p;
    p.source = s;
    p.target = t;
    p.random_init = nchip::ir::RandomInit{1.0, 1.0};
    net.projections.push_back(p);
  }
  nchip::ir::materialise_random_init(net);
  const std::string path = dir + "/user.json";
  std::ofstream(path) << nchip::ir::network_to_json(net);
  return path;
}

nlohmann::json metrics(const std::string& out) {
  std::ifstream in(out + "/metrics.json");
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("nchip train: a 100-input / 1-readout regression network trains with --inputs 100 --outputs 1") {
  const std::string dir = scratch_dir("train_tasks_regression");
  const std::string net = write_regression_network(dir);
  // Refused without the shape: the message names the option to set.
  const auto refused = run_nchip("train --task pattern-generation --net " + net + " --out " + dir + "/no", dir);
  CHECK(refused.exit_code == 2);
  CHECK(refused.err == "nchip train: error: network 'user_regression' has 100 inputs but task 'pattern-generation' drives 20 "
                       "(the task's --inputs)\n");
  CHECK_FALSE(fs::exists(dir + "/no"));
  for (const std::string shape : {"--inputs 100 --outputs 1", "--inputs 100 --outputs 1 --pattern-input poisson",
                                  "--preset nest-sine"}) {
    CAPTURE(shape);
    for (const char* mode : {"float", "fixed"}) {
      const std::string out = dir + "/" + mode;
      const auto r = run_nchip("train --task pattern-generation --net " + net + " " + shape + " --steps 200 "
                               "--iterations 2 --quiet --threads 1 --mode " + mode + " --out " + out, dir);
      INFO(r.err);
      REQUIRE(r.exit_code == 0);
      const auto m = metrics(out);
      CHECK(m["metric_name"] == "nmse");
      CHECK(m["iterations_done"] == 2);
    }
  }
}

TEST_CASE("nchip train --task evidence-accumulation trains a small network from the command line") {
  const std::string dir = scratch_dir("train_tasks_evidence");
  const std::string out = dir + "/out";
  const auto r = run_nchip("train --task evidence-accumulation --net " +
                               source_path("examples/networks/evidence_accumulation_tiny.json") +
                               " --inputs 8 --cues 3 --cue-steps 20 --cue-spacing-steps 10 --recall-steps 30 "
                               "--steps 200 --batch 2 --validation-trials 2 --iterations 2 --quiet --threads 1 "
                               "--mode fixed --out " + out,
                           dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto m = metrics(out);
  CHECK(m["task"] == "evidence-accumulation");
  CHECK(m["metric_name"] == "recall_error_rate");
  CHECK(m["optimizer"] == "sign");
  CHECK(m["batch"] == 2);
  CHECK(m.contains("first_iteration_below_5_percent"));
}

TEST_CASE("nchip train: task shape options that cannot work exit 2 with one line and write nothing") {
  const std::string dir = scratch_dir("train_tasks_bad");
  const std::string out = dir + "/out";
  const std::pair<std::string, std::string> cases[] = {
      {"--task store-recall --inputs 30",
       "task 'store-recall': --inputs 30 is not a positive multiple of 4 (value 0, value 1, STORE and RECALL groups)"},
      {"--task store-recall --cues 3", "task 'store-recall': --cues does not apply (only evidence-accumulation)"},
      {"--task evidence-accumulation --outputs 3",
       "task 'evidence-accumulation': --outputs 3: the task has 2 readouts (one per side)"},
      {"--task evidence-accumulation --steps 1000",
       "task 'evidence-accumulation': --steps 1000 is shorter than the cues (7 x (100 + 50) steps) plus the "
       "150-step recall (1200 steps)"},
      {"--task evidence-accumulation --cue-probability 0.8",
       "task 'evidence-accumulation': --cue-probability 0.8 outside [0, 0.5] (it is the minority side's)"},
      {"--task pattern-generation --inputs 21",
       "task 'pattern-generation': --inputs 21 is not a multiple of --groups 5 (each clock group has inputs / "
       "groups neurons)"},
      {"--task pattern-generation --periods-ms 1000,x",
       "--periods-ms: expected positive numbers separated by commas, got '1000,x'"},
      {"--task pattern-generation --input-rate 20",
       "task 'pattern-generation': rate_hz does not apply (its clock inputs fire at a fixed 100 Hz)"},
      {"--task store-recall --preset nest-sine",
       "--preset: unknown preset 'nest-sine' for task 'store-recall' (expected none: it has no presets)"},
      {"--task evidence-accumulation --softmax lut",
       "--softmax lut is the chip's approximation: use it with --mode fixed"},
      {"--task pattern-generation --softmax exact",
       "--softmax: only for classification tasks (store-recall, evidence-accumulation)"},
  };
  for (const auto& [args, line] : cases) {
    const auto r = run_nchip("train " + args + " --out " + out, dir);
    INFO(args);
    CHECK(r.exit_code == 2);
    CHECK(r.err == "nchip train: error: " + line + "\n");
    CHECK_FALSE(fs::exists(out));
  }
}
