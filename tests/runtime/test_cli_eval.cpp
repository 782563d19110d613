// `nchip eval NET --task ...` (issue #18 row 7): the task's metric on fresh trials, scored exactly
// as nchip train scores its validation trials, so a trained network evaluated on the validation
// trials of the last iteration reproduces the metric train reported for it.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"

using nchip::test::run_nchip;
using nchip::test::scratch_dir;
using nchip::test::slurp;
using nchip::test::source_path;

namespace {

// The metric column of the last row of a train run's curve.csv.
double last_metric(const std::string& curve_csv) {
  std::istringstream in(curve_csv);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  const size_t a = last.find(',') + 1, b = last.find(',', a) + 1, c = last.find(',', b);
  return std::stod(last.substr(b, c - b));
}

void check_eval_reproduces_validation(const std::string& mode, const std::string& dir) {
  const std::string common = " --task store-recall --mode " + mode + " --seed 3 --steps 1200";
  const auto t = run_nchip("train" + common + " --iterations 3 --batch 4 --validation-trials 24 --quiet --out " +
                               dir + "/run", dir);
  INFO(t.err);
  REQUIRE(t.exit_code == 0);
  const double trained_metric = last_metric(slurp(dir + "/run/curve.csv"));
  const auto e = run_nchip("eval " + dir + "/run/trained.json" + common + " --trials 24 --trainer-validation 3 --json",
                           dir);
  INFO(e.err);
  REQUIRE(e.exit_code == 0);
  const auto j = nlohmann::json::parse(e.out);
  CHECK(j["metric_name"] == "recall_error_rate");
  CHECK(j["trials"] == 24);
  CHECK(j["first_trial"] == (uint64_t{1} << 40) + 2 * 24);
  CHECK(j["metric"].get<double>() == trained_metric);
  CHECK(j["recall_errors"].get<double>() / j["recalls"].get<double>() == trained_metric);
  CHECK(j["recalls"].get<int>() > 0);

  // Other trials score differently in general: the trials really are chosen by index. Scoring the
  // same trials twice gives the same bytes.
  const auto again = run_nchip("eval " + dir + "/run/trained.json" + common + " --trials 24 --trainer-validation 3 --json",
                               dir);
  CHECK(again.out == e.out);
}

}  // namespace

TEST_CASE("nchip eval on a trained store-recall network gives the trainer's validation error (float)") {
  check_eval_reproduces_validation("float", scratch_dir("cli_eval_float"));
}

TEST_CASE("nchip eval on a trained store-recall network gives the trainer's validation error (fixed point)") {
  check_eval_reproduces_validation("fixed", scratch_dir("cli_eval_fixed"));
}

TEST_CASE("nchip eval prints the metric in one line per quantity and checks its arguments") {
  const std::string dir = scratch_dir("cli_eval_text");
  const std::string net = source_path("examples/networks/pattern_generation.json");
  const auto r = run_nchip("eval " + net + " --task pattern-generation --trials 2", dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.rfind("eval 'pattern_generation' on pattern-generation (float, seed 1, 2 trials from index 1099511627776)\nnmse ",
                    0) == 0);

  struct Bad {
    std::string args, message;
  };
  for (const Bad& bad : std::vector<Bad>{
           {"eval " + net, "nchip eval: error: --task is required"},
           {"eval --task store-recall", "nchip eval: error: missing network file"},
           {"eval " + net + " --task store-recal", "did you mean 'store-recall'?"},
           {"eval " + net + " --task store-recall", "has 20 inputs but task 'store-recall' drives 100"},
           {"eval " + net + " --task pattern-generation --trials 0", "--trials"},
           {"eval " + net + " --task pattern-generation --first-trial 5 --trainer-validation 2",
            "--first-trial and --trainer-validation both choose the trials"},
           {"eval " + net + " --task pattern-generation --quant x.json", "--quant: only used with --mode fixed"},
       }) {
    const auto e = run_nchip(bad.args, dir);
    INFO(bad.args << "\n" << e.err);
    CHECK(e.exit_code == 2);
    CHECK(e.err.find(bad.message) != std::string::npos);
    CHECK(e.out.empty());
  }
}

TEST_CASE("nchip eval takes a NIR file: the same metric as the network it was exported from") {
  const std::string dir = scratch_dir("cli_eval_nir");
  const std::string net = source_path("examples/networks/pattern_generation_small.json");
  REQUIRE(run_nchip("export " + net + " -o " + dir + "/net.nir", dir).exit_code == 0);
  const std::string task = " --task pattern-generation --trials 2 --json";
  const auto json = run_nchip("eval " + net + task, dir);
  const auto nir = run_nchip("eval " + dir + "/net.nir --reset subtract" + task, dir);
  INFO(nir.err);
  REQUIRE(json.exit_code == 0);
  REQUIRE(nir.exit_code == 0);
  CHECK(nlohmann::json::parse(nir.out)["metric"] == nlohmann::json::parse(json.out)["metric"]);
  // NIR flags for a JSON network are refused.
  const auto bad = run_nchip("eval " + net + " --dt-ms 1" + task, dir);
  CHECK(bad.exit_code == 2);
  CHECK(bad.err.find("--dt-ms: only for a .nir network") != std::string::npos);
}
