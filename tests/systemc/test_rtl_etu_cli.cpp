// RTL in the loop (issue #6): nchip train --backend systemc --rtl-etu CORE runs that core's
// eligibility-trace updates through the verilated rtl/etu.sv; the learned weights and the curve
// must be byte-identical to the C++ unit's, and misuse is one line with exit code 2.
#include <catch2/catch.hpp>

#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

using namespace nchip::test;

namespace {
const std::string kTrain = "train --task store-recall --mode fixed --iterations 3 --batch 2 --steps 400 "
                           "--validation-trials 1 --quiet --backend systemc --out ";
// The default store-recall network on the default chip: image tiles 0 and 1 hold the spiking
// neurons (plastic input and recurrent synapses), tile 2 only readouts.
constexpr int kPlasticCore = 1, kNoPlasticCore = 2;

}  // namespace

TEST_CASE("RTL in the loop: the RTL unit in a core learns the C++ unit's weights", "[systemc][rtl][cli]") {
  const std::string dir = scratch_dir("systemc_rtl_etu");
  REQUIRE(run_nchip(kTrain + dir + "/c", dir).exit_code == 0);
  const CliResult r = run_nchip(kTrain + dir + "/r --rtl-etu " + std::to_string(kPlasticCore), dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(slurp(dir + "/r/trained.json") == slurp(dir + "/c/trained.json"));
  // Loss, error rates, firing rate, lr and weight saturations per iteration (not the wall times).
  CHECK(curve_without_times(slurp(dir + "/r/curve.csv")) == curve_without_times(slurp(dir + "/c/curve.csv")));
  // The run is marked as RTL-in-the-loop (#18 row 4); the C++ run is not.
  CHECK(nlohmann::json::parse(slurp(dir + "/r/metrics.json"))["rtl_etu_core"] == kPlasticCore);
  CHECK_FALSE(nlohmann::json::parse(slurp(dir + "/c/metrics.json")).contains("rtl_etu_core"));
}

TEST_CASE("RTL in the loop: flag errors are one line with exit code 2", "[systemc][rtl][cli]") {
  const std::string dir = scratch_dir("systemc_rtl_etu_errors");
  const std::string fixed = "train --task store-recall --mode fixed --iterations 1 --batch 1 --steps 400 "
                            "--validation-trials 1 --quiet --out " + dir + "/o ";
  for (const std::string& args :
       {fixed + "--rtl-etu 0",                                                // --backend functional
        fixed + "--backend systemc --rtl-etu " + std::to_string(kNoPlasticCore),  // nothing to learn there
        fixed + "--backend systemc --rtl-etu 0 --storage factored"}) {       // no ETU
    INFO(args);
    const CliResult r = run_nchip(args, dir);
    CHECK(r.exit_code == 2);
    CHECK(line_count(r.err) == 1);
    const bool names_it = r.err.find("rtl-etu") != std::string::npos || r.err.find("plastic") != std::string::npos;
    CHECK(names_it);
  }
}
