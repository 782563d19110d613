// nchip train's progress and failure behaviour (issue #18 row 9 and its note on failed runs): each
// progress line says which iteration of how many and the time left; a run that fails after the
// output directory was created leaves no empty directory behind.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"

using nchip::test::run_nchip;
using nchip::test::scratch_dir;

TEST_CASE("nchip train: progress lines count iterations N/M and give the time left") {
  const std::string dir = scratch_dir("train_progress");
  const auto r = run_nchip("train --task pattern-generation --mode float --iterations 3 --steps 200 --out " + dir + "/o", dir);
  REQUIRE(r.exit_code == 0);
  std::vector<std::string> iters;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);)
    if (line.rfind("iter ", 0) == 0) iters.push_back(line);
  REQUIRE(iters.size() == 3);
  for (size_t i = 0; i < iters.size(); ++i) {
    INFO(iters[i]);
    CHECK(iters[i].find(" " + std::to_string(i + 1) + "/3 ") != std::string::npos);
    CHECK(iters[i].find("  eta ") != std::string::npos);
  }
  CHECK(iters.back().substr(iters.back().size() - 9) == "  eta 0 s");
  CHECK(r.out.find("note: iteration 1 took") == std::string::npos);  // a run of seconds says nothing more
}

TEST_CASE("nchip train: a run longer than a minute says how long after its first iteration") {
  const std::string dir = scratch_dir("train_estimate");
  // 10^6 iterations of a 200-step trial: hours. SIGINT after 3 s stops it (exit 130, files kept).
  const std::string command = "timeout --preserve-status -s INT 3 " + std::string(NCHIP_BINARY_DIR) +
                              "/nchip train --task pattern-generation --mode float --iterations 1000000 --steps 200 "
                              "--threads 1 --out " + dir + "/o >" + dir + "/out.txt 2>" + dir + "/err.txt";
  const int status = std::system(command.c_str());
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 130);
  const std::string out = nchip::test::slurp(dir + "/out.txt");
  INFO(out);
  const size_t note = out.find("\nnote: iteration 1 took ");
  REQUIRE(note != std::string::npos);
  CHECK(out.find("iter     1/1000000") < note);  // right after the first progress line
  CHECK(out.find("iter     2/1000000") > note);
  CHECK(out.find("; the 1000000 iterations will take about ", note) != std::string::npos);
  CHECK(out.find(" h ", note) != std::string::npos);  // hours, in words a person reads
}

TEST_CASE("nchip train: a run that fails after creating --out removes the empty directory, keeps an existing one") {
  const std::string dir = scratch_dir("train_failed_out");
  const std::string fresh = dir + "/fresh";
  const std::string bad = " --mode fixed --iterations 1 --record-etu " + dir + "/no/such/dir/x.etu --out ";
  auto r = run_nchip("train --task pattern-generation" + bad + fresh, dir);
  CHECK(r.exit_code == 2);
  CHECK(nchip::test::line_count(r.err) == 1);
  CHECK(!std::filesystem::exists(fresh));
  const std::string existing = dir + "/existing";
  std::filesystem::create_directories(existing);
  r = run_nchip("train --task pattern-generation" + bad + existing, dir);
  CHECK(r.exit_code == 2);
  CHECK(std::filesystem::exists(existing));
}

TEST_CASE("nchip train: the header notes when the other mode's default optimizer differs, unless --optimizer is given") {
  const std::string dir = scratch_dir("train_optimizer_note");
  const std::string base = "train --task pattern-generation --iterations 1 --steps 200 --mode ";
  auto r = run_nchip(base + "float --out " + dir + "/f", dir);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("note: the float default optimizer is adam, fixed's is sgd; give both runs the same --optimizer") !=
        std::string::npos);
  r = run_nchip(base + "fixed --out " + dir + "/x", dir);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("note: the fixed default optimizer is sgd, float's is adam") != std::string::npos);
  r = run_nchip(base + "float --optimizer sgd --out " + dir + "/s", dir);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("note:") == std::string::npos);
}

TEST_CASE("nchip train: an error found while setting up the run comes without the run's header") {
  const std::string dir = scratch_dir("train_header_after_checks");
  // A 1x1 chip cannot hold the network: the SystemC backend's compile refuses it after the
  // start-up checks. Nothing on stdout, one line on stderr, no --out left behind.
  std::ofstream(dir + "/tiny.json") << R"({"name": "tiny", "mesh_width": 1, "mesh_height": 1})";
  const auto r = run_nchip("train --task pattern-generation --mode fixed --backend systemc --chip " + dir +
                               "/tiny.json --iterations 1 --out " + dir + "/o",
                           dir);
  CHECK(r.exit_code == 2);
  CHECK(nchip::test::line_count(r.err) == 1);
  CHECK(r.err.find("needs") != std::string::npos);
  CHECK(r.out.empty());
  CHECK(!std::filesystem::exists(dir + "/o"));
}
