// `nchip cosim` end to end: the three stimulus kinds pass, a forced mismatch exits 1 with its
// report and VCD, bad input exits 2 with one line.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include "../support/cli_runner.hpp"
#include "rtl/cosim/etu_record.hpp"

using namespace nchip::test;

TEST_CASE("nchip cosim passes on random, corners and recorded stimulus", "[cli][rtl]") {
  const std::string dir = scratch_dir("cli_cosim_pass");
  auto r = run_nchip("cosim --stimulus corners", dir);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.out.find("every field matches") != std::string::npos);

  r = run_nchip("cosim --stimulus random --updates 20000 --rounding stochastic --seed 4 --json", dir);
  REQUIRE(r.exit_code == 0);
  const auto j = nlohmann::json::parse(r.out);
  REQUIRE(j["match"] == true);
  REQUIRE(j["updates_compared"] == 20000);
  REQUIRE(j["rounding"] == "stochastic");

  // A recorded file, written with the trainer's writer API.
  nchip::arith::QuantConfig q;
  q.rounding = nchip::arith::Rounding::truncate;
  {
    nchip::rtl::EtuRecordWriter w(dir + "/run.etu", q);
    for (int i = 0; i < 500; ++i) {
      nchip::rtl::EtuRecord rec;
      rec.h = 1000 + i;
      rec.zbar = 3 * i;
      rec.eps_a = -7 * i;
      rec.filtered = 11 * i;
      rec.adaptive = i % 3 == 0;
      rec.rho = 16000000;
      rec.kappa = 15000000;
      rec.beta = 1 << 16;
      rec.L = i - 250;
      rec.key = {1, 2, static_cast<uint32_t>(i), 3};
      w.write(rec);
    }
    w.close();
  }
  r = run_nchip("cosim --stimulus recorded " + dir + "/run.etu", dir);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(r.out.find("500 updates compared") != std::string::npos);
  REQUIRE(r.out.find("rounding truncate") != std::string::npos);
}

TEST_CASE("nchip cosim reports a mismatch with exit code 1 and a VCD", "[cli][rtl]") {
  const std::string dir = scratch_dir("cli_cosim_mismatch");
  const auto r = run_nchip("cosim --stimulus random --updates 1000 --reference-rounding truncate --vcd " +
                               dir + "/m.vcd",
                           dir);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 1);
  REQUIRE(r.out.find("MISMATCH at update") != std::string::npos);
  REQUIRE(r.out.find("expected") != std::string::npos);
  REQUIRE(r.out.find("actual") != std::string::npos);
  REQUIRE(r.out.find("cycle") != std::string::npos);
  REQUIRE(r.out.find("synapse") != std::string::npos);
  REQUIRE(slurp(dir + "/m.vcd").find("$enddefinitions") != std::string::npos);
}

TEST_CASE("nchip cosim: bad input gets one line and exit code 2", "[cli][rtl]") {
  const std::string dir = scratch_dir("cli_cosim_errors");
  std::ofstream(dir + "/q.json") << R"({"formats": {"eligibility": {"width": 20, "frac": 12, "signed": true}}})";
  std::ofstream(dir + "/junk.etu") << "junk";
  for (const std::string& args : std::vector<std::string>{"cosim --stimulus sideways", "cosim --stimulus recorded", "cosim --stimulus recorded " + dir + "/none.etu",
        "cosim --stimulus recorded " + dir + "/junk.etu", "cosim --rounding up", "cosim --updates 0",
        "cosim --distribution wide", "cosim --quant " + dir + "/q.json", "cosim --stall-rate 1.5",
        "cosim --variant nope"}) {
    const auto r = run_nchip(args, dir);
    INFO(args << "\n" << r.out << r.err);
    REQUIRE(r.exit_code == 2);
    REQUIRE(line_count(r.err) == 1);
  }
}

TEST_CASE("nchip cosim: a record with 0 updates is an input error, not a pass (issue #15 row 14)", "[cli][rtl]") {
  const std::string dir = scratch_dir("cli_cosim_empty_record");
  {
    nchip::rtl::EtuRecordWriter writer(dir + "/empty.etu", nchip::arith::QuantConfig{});
    writer.close();
  }
  const auto r = run_nchip("cosim --stimulus recorded " + dir + "/empty.etu", dir);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 2);
  CHECK(r.err == "nchip cosim: error: " + dir + "/empty.etu: the record holds 0 updates, so there is nothing to "
                 "compare (the training run stopped before any eligibility update)\n");
}
