// Command-line typos get a "did you mean" (issue #18 row 8), as the JSON readers already give:
// unknown options (every command) and unknown values of enumerated options; --help prints
// defaults as written (0.9, not 0.90000000000000002).
#include <catch2/catch.hpp>

#include <string>

#include "support/cli_runner.hpp"

using nchip::test::run_nchip;
using nchip::test::scratch_dir;

TEST_CASE("nchip: a misspelt option is one line naming the nearest option, exit code 2") {
  const std::string dir = scratch_dir("cli_suggest_option");
  const auto train = run_nchip("train --task pattern-generation --stpes 3 --out " + dir + "/o", dir);
  CHECK(train.exit_code == 2);
  CHECK(nchip::test::line_count(train.err) == 1);
  CHECK(train.err.find("unrecognised option '--stpes'; did you mean '--steps'?") != std::string::npos);
  const auto run = run_nchip("run --mdoe fixed x.json", dir);
  CHECK(run.exit_code == 2);
  CHECK(run.err.find("did you mean '--mode'?") != std::string::npos);
  // Nothing close: no suggestion.
  const auto far = run_nchip("train --task pattern-generation --zzzzzzzz 1 --out " + dir + "/o", dir);
  CHECK(far.exit_code == 2);
  CHECK(far.err.find("did you mean") == std::string::npos);
}

TEST_CASE("nchip train: a misspelt value of an enumerated option names the nearest value") {
  const std::string dir = scratch_dir("cli_suggest_value");
  const auto r = run_nchip("train --task pattern-generation --mode fixd --out " + dir + "/o", dir);
  CHECK(r.exit_code == 2);
  CHECK(nchip::test::line_count(r.err) == 1);
  CHECK(r.err.find("got 'fixd'; did you mean 'fixed'?") != std::string::npos);
}

TEST_CASE("nchip train --help prints defaults as written") {
  const auto r = run_nchip("train --help", scratch_dir("cli_help_defaults"));
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("(=0.9)") != std::string::npos);
  CHECK(r.out.find("0.90000000000000002") == std::string::npos);
  CHECK(r.out.find("(=1e-8)") != std::string::npos);
}
