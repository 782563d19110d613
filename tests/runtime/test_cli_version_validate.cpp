// `nchip --version` (version, git commit, build type) and `nchip validate NET.json` (the network
// reader's checks without compiling; issue #18 row 7).
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <string>

#include "support/cli_runner.hpp"

using nchip::test::line_count;
using nchip::test::run_nchip;
using nchip::test::scratch_dir;
using nchip::test::slurp;
using nchip::test::source_path;

TEST_CASE("nchip --version prints the project version, git commit and build type") {
  const std::string dir = scratch_dir("cli_version");
  std::smatch project;
  const std::string cmake = slurp(source_path("CMakeLists.txt"));
  REQUIRE(std::regex_search(cmake, project, std::regex(R"(project\(nchip VERSION ([0-9.]+))")));
  const auto r = run_nchip("--version", dir);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(line_count(r.out) == 1);
  std::smatch m;
  REQUIRE(std::regex_match(r.out, m, std::regex(R"(nchip ([0-9.]+) \(git ([0-9a-f]{12}|unknown), (\S+) build\)\n)")));
  CHECK(m[1] == project[1].str());
}

TEST_CASE("nchip validate summarizes a valid network in one line") {
  const std::string dir = scratch_dir("cli_validate_ok");
  const std::string net = source_path("examples/networks/store_recall.json");
  const auto r = run_nchip("validate " + net, dir);
  INFO(r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out == net + ": valid network 'store_recall': 4 populations (100 input, 10 lif, 10 alif, 2 readout), "
                       "8 projections, 2420 synapses (2420 plastic)\n");
}

TEST_CASE("nchip validate: a bad network file exits 2 with the reader's one line") {
  const std::string dir = scratch_dir("cli_validate_bad");
  const std::string bad = dir + "/bad.json";
  std::ofstream(bad) << R"({"populations": [{"name": "in", "type": "input", "size": 2},
    {"name": "rec", "type": "lif", "size": 3, "tau_m": 20}]})";
  const auto r = run_nchip("validate " + bad, dir);
  CHECK(r.exit_code == 2);
  CHECK(line_count(r.err) == 1);
  CHECK(r.out.empty());
  CHECK_THAT(r.err, Catch::StartsWith("nchip validate: error: " + bad + ": /populations/1/tau_m: unknown key"));
  for (const std::string& args : {std::string("validate"), "validate " + dir + "/missing.json",
                                  "validate " + bad + " --no-such-flag"}) {
    const auto e = run_nchip(args, dir);
    INFO(args << ": " << e.err);
    CHECK(e.exit_code == 2);
    CHECK(line_count(e.err) == 1);
  }
}
