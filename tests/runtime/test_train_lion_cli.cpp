// nchip train's issue #17 flags end to end: --optimizer lion and --lr-shifts fan-in in float and
// fixed (header lines, metrics.json), and bad values exit 2 with one line.
#include <catch2/catch.hpp>

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
