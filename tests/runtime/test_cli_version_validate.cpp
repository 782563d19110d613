// `nchip --version` (version, git commit, build type) and `nchip validate NET.json` (the network
// reader's checks without compiling; issue #18 row 7).
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "support/cli_runner.hpp"

using nchip::test::line_count;
using nchip::test::run_nchip;
using nchip::test::scratch_dir;
using nchip::test::slurp;
using nchip::test::source_path;

TEST_CASE("nchip --version prints the project version, git commit, build type and the ETU kernel's instruction set") {
  const std::string dir = scratch_dir("cli_version");
  // (no std::regex: GCC 12's trips -Werror=maybe-uninitialized in the sanitizer build)
  const std::string cmake = slurp(source_path("CMakeLists.txt")), key = "project(nchip VERSION ";
  const size_t at = cmake.find(key);
  REQUIRE(at != std::string::npos);
  const std::string version = cmake.substr(at + key.size(), cmake.find_first_not_of("0123456789.", at + key.size()) -
                                                                (at + key.size()));
  const auto r = run_nchip("--version", dir);
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(line_count(r.out) == 1);
  // "nchip 0.1.0 (git 0123456789ab, Release build; ETU kernel AVX3)"
  const std::string head = "nchip " + version + " (git ";
  REQUIRE(r.out.rfind(head, 0) == 0);
  const std::string hash = r.out.substr(head.size(), r.out.find(',') - head.size());
  CHECK((hash == "unknown" || (hash.size() == 12 && hash.find_first_not_of("0123456789abcdef") == std::string::npos)));
  const std::string rest = r.out.substr(head.size() + hash.size());
  CHECK(rest.rfind(", ", 0) == 0);
  const std::string kernel = "; ETU kernel ";
  const size_t k = rest.find(kernel);
  REQUIRE(k != std::string::npos);
  CHECK(rest.substr(k - 6, 6) == " build");
  const std::string isa = rest.substr(k + kernel.size(), rest.size() - (k + kernel.size()) - 2);
  CHECK((isa == "AVX3" || isa == "AVX2" || isa == "SSE4" || isa == "SCALAR" || isa == "EMU128"));
  CHECK(rest.substr(rest.size() - 2) == ")\n");
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
