// nchip train's issue #17 flags end to end: --optimizer lion and --lr-shifts fan-in in float and
// fixed (header lines, metrics.json), and bad values exit 2 with one line.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/support/cli_runner.hpp"

using nchip::test::line_count;
using nchip::test::run_nchip;
using nchip::test::scratch_dir;
using nchip::test::slurp;
using nchip::test::source_path;

namespace {
const std::string kShort = "train --task pattern-generation --net " +
                           source_path("examples/networks/pattern_generation_small.json") +
                           " --steps 100 --iterations 2 --threads 1 ";
}  // namespace

TEST_CASE("nchip train --optimizer lion --lr-shifts fan-in: one header line per projection, m in bits_per_synapse") {
  const std::string dir = scratch_dir("train_lion_cli");
  for (const std::string mode : {"float", "fixed"}) {
    const auto r = run_nchip(kShort + "--mode " + mode + " --optimizer lion --lr-shifts fan-in --out " + dir + "/" + mode,
                             dir);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(r.out.find("lion lr 0.003") != std::string::npos);
    // in->rec fan-in 20 keeps lr; rec->rec (99) and rec->out (100): round(log2 sqrt(5)) = 1.
    CHECK(r.out.find("lr shift: in->rec fan-in 20 exponent") != std::string::npos);
    CHECK(r.out.find("lr shift: rec->rec fan-in 99 exponent") != std::string::npos);
    CHECK(r.out.find(": lr x 2^-1\n") != std::string::npos);
    const auto metrics = nlohmann::json::parse(slurp(dir + "/" + mode + "/metrics.json"));
    CHECK(metrics["optimizer"] == "lion");
    CHECK(metrics["bits_per_synapse"]["lif_target"] == (mode == "float" ? 4 * 64 : 16 + 24 + 32 + 32));
  }
}

TEST_CASE("nchip train: bad --lion-beta*-shift or --lr-shifts values exit 2 with one line") {
  const std::string dir = scratch_dir("train_lion_cli_errors");
  for (const std::string extra : {"--optimizer lion --lion-beta1-shift 0", "--optimizer lion --lion-beta2-shift 17",
                                  "--lr-shifts fanin", "--mode fixed --storage factored --optimizer adam",
                                  "--mode fixed --storage factored --optimizer lion"}) {
    const auto r = run_nchip(kShort + extra + " --out " + dir + "/o", dir);
    INFO(extra << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(line_count(r.err) == 1);
  }
}

TEST_CASE("nchip train --optimizer adam and adafactor in fixed mode: header line and optimizer state bits in metrics.json") {
  const std::string dir = scratch_dir("train_adam_cli");
  const auto adam = run_nchip(kShort + "--mode fixed --optimizer adam --out " + dir + "/adam", dir);
  INFO(adam.err);
  REQUIRE(adam.exit_code == 0);
  CHECK(adam.out.find("chip adam: beta1 1 - 2^-3 beta2 1 - 2^-10") != std::string::npos);
  auto metrics = nlohmann::json::parse(slurp(dir + "/adam/metrics.json"));
  CHECK(metrics["optimizer"] == "adam");
  CHECK(metrics["optimizer_state_bits"]["per_plastic_synapse"] == 63);
  CHECK(metrics["quant"]["formats"]["adam_v"]["width"] == 31);
  for (const std::string mode : {"float", "fixed"}) {
    const auto r = run_nchip(kShort + "--mode " + mode + " --optimizer adafactor --out " + dir + "/af" + mode, dir);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    metrics = nlohmann::json::parse(slurp(dir + "/af" + mode + "/metrics.json"));
    CHECK(metrics["optimizer"] == "adafactor");
    CHECK(metrics["lr"] == 0.003);  // fixed: 0.03 / sqrt(100 LIF); float: the task's rate
    CHECK(metrics["optimizer_state_bits"]["per_plastic_synapse"] == 0);
    CHECK(metrics["optimizer_state_bits"]["per_projection_statistics"].get<uint64_t>() > 0);
  }
  // The paper's 600-LIF network: 0.03 / sqrt(600) (0.003 stalls there, bench/README.md).
  const auto paper = run_nchip("train --task pattern-generation --steps 20 --iterations 1 --threads 1 --mode fixed "
                               "--optimizer adafactor --out " + dir + "/af600", dir);
  INFO(paper.err);
  REQUIRE(paper.exit_code == 0);
  metrics = nlohmann::json::parse(slurp(dir + "/af600/metrics.json"));
  CHECK(metrics["lr"].get<double>() == Approx(0.0012247448713915890).epsilon(1e-15));
  // A v format whose update cannot run exactly: one line, exit 2.
  const std::string q = dir + "/q.json";
  std::ofstream(q) << R"({"formats": {"adam_v": {"width": 16, "frac": 0, "signed": false}}})";
  const auto bad = run_nchip(kShort + "--mode fixed --optimizer adafactor --quant " + q + " --out " + dir + "/bad", dir);
  CHECK(bad.exit_code == 2);
  CHECK(line_count(bad.err) == 1);
  CHECK(bad.err.find("formats.adam_v: frac 0 must lie in [2, 32]") != std::string::npos);
}
