// `nchip run` end to end: results, determinism, and one clear line + exit 2 for bad input.
#include <catch2/catch.hpp>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

using namespace nchip::test;

namespace {
const std::string kStoreRecall = source_path("examples/networks/store_recall.json");
}

TEST_CASE("nchip run writes consistent results and is byte-reproducible", "[cli]") {
  const std::string dir = scratch_dir("cli_run_repro");
  for (const char* mode : {"fixed", "float"}) {
    const std::string a = dir + "/a_" + mode + ".json", b = dir + "/b_" + mode + ".json";
    const auto ra = run_nchip("run " + kStoreRecall + " --mode " + mode + " --seed 5 --out " + a, dir);
    const auto rb = run_nchip("run " + kStoreRecall + " --mode " + mode + " --seed 5 --out " + b, dir);
    REQUIRE(ra.exit_code == 0);
    REQUIRE(rb.exit_code == 0);
    REQUIRE(slurp(a) == slurp(b));
    const auto j = nlohmann::json::parse(slurp(a));
    REQUIRE(j["steps"] == 2400);
    REQUIRE(j["readouts"]["out"].size() == 2400);
    // The per-population counts in the summary equal the spikes listed.
    for (const auto& pop : j["populations"]) {
      const std::string name = pop["name"];
      REQUIRE(pop["spikes"].get<size_t>() == j["spikes"][name].size());
      REQUIRE(pop["spikes"].get<size_t>() > 0);
    }
    REQUIRE(ra.out.find("lif") != std::string::npos);
  }
}

TEST_CASE("nchip run: the seed and --random-weights change the run", "[cli]") {
  const std::string dir = scratch_dir("cli_run_seed");
  run_nchip("run " + kStoreRecall + " --seed 1 --out " + dir + "/s1.json", dir);
  run_nchip("run " + kStoreRecall + " --seed 2 --out " + dir + "/s2.json", dir);
  run_nchip("run " + kStoreRecall + " --seed 1 --random-weights --out " + dir + "/rw.json", dir);
  const auto s1 = nlohmann::json::parse(slurp(dir + "/s1.json"));
  const auto s2 = nlohmann::json::parse(slurp(dir + "/s2.json"));
  const auto rw = nlohmann::json::parse(slurp(dir + "/rw.json"));
  REQUIRE(s1["spikes"] != s2["spikes"]);  // another input trial
  REQUIRE(s1["spikes"] != rw["spikes"]);  // other weights, same input
}

TEST_CASE("nchip run reads a spike file", "[cli]") {
  const std::string dir = scratch_dir("cli_run_spikes");
  std::ofstream(dir + "/in.json") << R"({"steps": 30, "n_inputs": 100, "spikes": [[0, 1], [3, 50], [29, 99]]})";
  const auto r = run_nchip("run " + kStoreRecall + " --input " + dir + "/in.json --out " + dir + "/r.json", dir);
  REQUIRE(r.exit_code == 0);
  REQUIRE(nlohmann::json::parse(slurp(dir + "/r.json"))["steps"] == 30);
}

TEST_CASE("nchip run: bad input gets one line, exit code 2 and no output file", "[cli]") {
  const std::string dir = scratch_dir("cli_run_errors");
  std::ofstream(dir + "/bad.json") << R"({"populations": [{"name": "a", "type": "lifx", "size": 2}]})";
  std::ofstream(dir + "/narrow.json") << R"({"steps": 3, "n_inputs": 7, "spikes": []})";
  struct Case {
    std::string args;
    std::string expect;  // a piece of the error line
  };
  const Case cases[] = {
      {"run " + dir + "/missing.json", "missing.json: cannot read"},
      {"run " + dir + "/bad.json", "/populations/0/type"},
      {"run " + kStoreRecall + " --steps 0", "--steps"},
      {"run " + kStoreRecall + " --mode double", "--mode"},
      {"run " + kStoreRecall + " --no-such-flag", "no-such-flag"},
      {"run " + kStoreRecall + " --input-task nope", "unknown task 'nope'"},
      {"run " + kStoreRecall + " --input " + dir + "/narrow.json", "7 channels"},
      {"run " + kStoreRecall + " --mode float --quant " + dir + "/bad.json", "--quant"},
      {"run", "missing network"},
      {"frobnicate", "unknown command"},
  };
  for (const auto& c : cases) {
    INFO(c.args);
    const std::string out = dir + "/out.json";
    const auto r = run_nchip(c.args + " --out " + out, dir);
    REQUIRE(r.exit_code == 2);
    REQUIRE(line_count(r.err) == 1);
    REQUIRE(r.err.find(c.expect) != std::string::npos);
    REQUIRE_FALSE(std::filesystem::exists(out));
  }
}

TEST_CASE("nchip --help and nchip run --help describe the options", "[cli]") {
  const std::string dir = scratch_dir("cli_help");
  const auto top = run_nchip("--help", dir);
  REQUIRE(top.exit_code == 0);
  REQUIRE(top.out.find("run") != std::string::npos);
  const auto run = run_nchip("run --help", dir);
  REQUIRE(run.exit_code == 0);
  for (const char* flag : {"--steps", "--mode", "--quant", "--input", "--seed", "--out"})
    REQUIRE(run.out.find(flag) != std::string::npos);
}
