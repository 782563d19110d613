// Issue #14 from the command line: a network file with delay_steps runs, compiles (the report and
// `nchip inspect` list each core's delay ring), exports to NIR and imports back with the same
// delays; training it and a bad delay_steps are one line on stderr with exit code 2.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

using nchip::test::run_nchip;
using nchip::test::scratch_dir;
using nchip::test::slurp;
using nchip::test::source_path;

namespace {

const std::string kNet = source_path("examples/networks/delayed_pattern_generation.json");
const std::string kChip = " --chip " + source_path("examples/chips/small.json");

bool one_line(const std::string& s) { return !s.empty() && s.find('\n') == s.size() - 1; }

}  // namespace

TEST_CASE("nchip compile, inspect and run a network with delayed projections", "[cli][delay]") {
  const std::string dir = scratch_dir("delay_cli_compile");
  const auto compiled = run_nchip("compile " + kNet + kChip + " -o " + dir + "/d.nchip", dir);
  REQUIRE(compiled.exit_code == 0);
  CHECK(compiled.out.find("delay buffers: ") != std::string::npos);
  CHECK(compiled.out.find("delay ring 5 steps") != std::string::npos);  // rec's longest delay
  const auto inspected = run_nchip("inspect " + dir + "/d.nchip", dir);
  REQUIRE(inspected.exit_code == 0);
  CHECK(inspected.out.find("delay ring 5 steps") != std::string::npos);
  // The image runs on the functional model exactly as the JSON does in fixed mode.
  const auto from_image = run_nchip("run " + dir + "/d.nchip --steps 200 --json", dir);
  const auto from_json = run_nchip("run " + kNet + " --steps 200 --json --mode fixed", dir);
  REQUIRE(from_image.exit_code == 0);
  REQUIRE(from_json.exit_code == 0);
  const auto a = nlohmann::json::parse(from_image.out), b = nlohmann::json::parse(from_json.out);
  CHECK(a["populations"] == b["populations"]);
  CHECK(a["synaptic_events"] == b["synaptic_events"]);
  CHECK(a["populations"][0]["spikes"] > 0);
}

TEST_CASE("nchip export writes a NIR Delay that nchip import reads back", "[cli][delay][nir]") {
  const std::string dir = scratch_dir("delay_cli_nir");
  REQUIRE(run_nchip("export " + kNet + " -o " + dir + "/d.nir", dir).exit_code == 0);
  const auto imported = run_nchip("import " + dir + "/d.nir -o " + dir + "/back.json --reset subtract", dir);
  REQUIRE(imported.exit_code == 0);
  CHECK(imported.out.find("3-step delay") != std::string::npos);
  CHECK(imported.out.find("5-step delay") != std::string::npos);
  const std::string back = slurp(dir + "/back.json");
  CHECK(back.find("\"delay_steps\": 3") != std::string::npos);
  CHECK(back.find("\"delay_steps\": 5") != std::string::npos);
}

TEST_CASE("training a delayed network and a bad delay_steps are refused in one line", "[cli][delay]") {
  const std::string dir = scratch_dir("delay_cli_errors");
  const auto train = run_nchip("train --task pattern-generation --net " + kNet + " --iterations 1 --out " + dir + "/t", dir);
  CHECK(train.exit_code == 2);
  CHECK(one_line(train.err));
  CHECK(train.err.find("projection 'in' -> 'rec' has delay_steps 3") != std::string::npos);
  CHECK(!std::filesystem::exists(dir + "/t/curve.csv"));
  std::string text = slurp(kNet);
  text.replace(text.find("\"delay_steps\": 3"), 16, "\"delay_steps\": 0");
  std::ofstream(dir + "/bad.json") << text;
  const auto bad = run_nchip("compile " + dir + "/bad.json" + kChip + " -o " + dir + "/bad.nchip", dir);
  CHECK(bad.exit_code == 2);
  CHECK(one_line(bad.err));
  CHECK(bad.err.find("/projections/0/delay_steps: delay_steps must be a whole number of steps in [1, 64], got 0") !=
        std::string::npos);
  CHECK(!std::filesystem::exists(dir + "/bad.nchip"));
}
