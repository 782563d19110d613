// nchip train refuses, before writing anything, a quant config and learning rate with which the
// on-chip batch update rounds every step to 0 LSB (issue #18 row 1), and reports in metrics.json
// and its summary how many plastic weights ended different from their initial value.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "compiler/ir/network_json.hpp"
#include "tests/runtime/train_test_helpers.hpp"
#include "tests/support/cli_runner.hpp"

namespace fs = std::filesystem;
using nchip::test::line_count;
using nchip::test::run_nchip;
using nchip::test::scratch_dir;
using nchip::test::slurp;

namespace {

std::string write(const std::string& path, const std::string& text) {
  std::ofstream(path) << text;
  return path;
}

// The issue's 8-bit config: weights s8.6, everything else default (nearest update rounding).
constexpr const char* kW8 = R"({"formats": {"weight": {"width": 8, "frac": 6, "signed": true}}})";
// A short store-recall run on the default network (the sign update, lr 0.003, on chip).
constexpr const char* kShortStoreRecall =
    "train --task store-recall --mode fixed --steps 400 --batch 1 --validation-trials 1 --iterations 1 --quiet";

}  // namespace

TEST_CASE("nchip train refuses 8-bit weights whose sign step rounds to 0 LSB, before writing anything") {
  const std::string dir = scratch_dir("train_reach_sign");
  const std::string quant = write(dir + "/q8.json", kW8);
  for (const char* rounding : {"nearest", "truncate"}) {
    const std::string q = write(dir + "/q8_" + rounding + ".json",
                                std::string(R"({"update_rounding": ")") + rounding +
                                    R"(", "formats": {"weight": {"width": 8, "frac": 6}}})");
    const std::string out = dir + "/out_" + rounding;
    const auto r = run_nchip(std::string(kShortStoreRecall) + " --quant " + q + " --out " + out, dir);
    INFO(r.err);
    CHECK(r.exit_code == 2);
    CHECK(line_count(r.err) == 1);
    CHECK(r.err.find("no weight can ever change") != std::string::npos);
    CHECK(r.err.find("sign update's step (lr 0.003)") != std::string::npos);
    CHECK(r.err.find("weight s8.6") != std::string::npos);
    CHECK(r.err.find(std::string("update_rounding ") + rounding + " rounds to 0") != std::string::npos);
    CHECK(r.err.find("use update_rounding stochastic or --lr > ") != std::string::npos);
    CHECK(!fs::exists(out));  // nothing written, not even the directory
  }
  // The step in LSBs is lr / 2^(e - 6) with the projection's exponent e: 0.19 at e = 0 (the issue's
  // figure), 0.38 at e = -1; the message names the largest. Every projection moves once lr exceeds
  // half an LSB of the coarsest one (e = 0: 2^-7).
  const auto r = run_nchip(std::string(kShortStoreRecall) + " --quant " + quant + " --out " + dir + "/o", dir);
  CHECK(r.err.find("at most 0.38 weight LSB") != std::string::npos);
  CHECK(r.err.find("--lr > 0.00782\n") != std::string::npos);

  // Between the two projections' half LSBs (2^-8 at e = -1, 2^-7 at e = 0) only some can move: a
  // one-line warning naming the frozen ones, and training goes ahead.
  const auto partial = run_nchip(std::string(kShortStoreRecall) + " --quant " + quant + " --lr 0.005 --out " +
                                     dir + "/partial",
                                 dir);
  INFO(partial.err);
  CHECK(partial.exit_code == 0);
  CHECK(line_count(partial.err) == 1);
  CHECK(partial.err.rfind("nchip train: warning: 6 of 8 plastic projections can never change (lif->lif, lif->alif, "
                          "alif->lif, alif->alif, lif->out, alif->out): the sign update's step (lr 0.005) is at most "
                          "0.32 weight LSB (weight s8.6)",
                          0) == 0);
  const auto partial_metrics = nlohmann::json::parse(slurp(dir + "/partial/metrics.json"));
  CHECK(partial_metrics.at("weights_changed").get<uint64_t>() > 0);
  CHECK(partial_metrics.at("weights_changed").get<uint64_t>() <= 2000);  // input synapses only

  // The fix it names works: stochastic update rounding learns (the bench's q_w8_stochastic).
  const std::string stochastic = write(
      dir + "/q8s.json", R"({"update_rounding": "stochastic", "formats": {"weight": {"width": 8, "frac": 6}}})");
  const std::string out = dir + "/stochastic";
  const auto ok = run_nchip(std::string(kShortStoreRecall) + " --quant " + stochastic + " --out " + out, dir);
  INFO(ok.err);
  REQUIRE(ok.exit_code == 0);
  const auto metrics = nlohmann::json::parse(slurp(out + "/metrics.json"));
  CHECK(metrics.at("plastic_synapses") == 2420);  // the default store-recall network
  CHECK(metrics.at("weights_changed").get<uint64_t>() > 0);
  CHECK(metrics.at("weights_changed").get<uint64_t>() < 2420);
}

TEST_CASE("nchip train refuses an SGD rate whose largest step is below half an LSB") {
  const std::string dir = scratch_dir("train_reach_sgd");
  const std::string net = write(dir + "/net.json", nchip::ir::network_to_json(nchip::test::small_pattern_network()));
  const std::string base = "train --task pattern-generation --net " + net + " --steps 50 --iterations 1 --mode fixed --quiet";
  // With the default accumulator s32.16 (+-32768) even the smallest rate (2^-24) moves a weight;
  // an accumulator s16.14 (+-2) and 8-bit weights do not: lr 0.001 x 2 is at most 0.26 LSB.
  const std::string narrow =
      R"("formats": {"weight": {"width": 8, "frac": 6}, "update_accumulator": {"width": 16, "frac": 14}})";
  const std::string nearest = write(dir + "/qn.json", "{" + narrow + "}");
  const auto r = run_nchip(base + " --lr 1e-3 --quant " + nearest + " --out " + dir + "/o", dir);
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(line_count(r.err) == 1);
  CHECK(r.err.find("the SGD step (lr 0.001 x the largest accumulator 2) is at most 0.26 weight LSB (weight s8.6, "
                   "update_accumulator s16.14)") != std::string::npos);
  CHECK(r.err.find("use update_rounding stochastic or --lr > 0.00391\n") != std::string::npos);
  CHECK(!fs::exists(dir + "/o"));
  // The rate it names is accepted.
  const auto above = run_nchip(base + " --lr 0.004 --quant " + nearest + " --out " + dir + "/a", dir);
  INFO(above.err);
  CHECK(above.exit_code == 0);
  CHECK(above.err.empty());
  // With truncate update rounding a negative product still moves a weight by one LSB: accepted.
  const std::string truncate = write(dir + "/qt.json", R"({"update_rounding": "truncate", )" + narrow + "}");
  const auto t = run_nchip(base + " --lr 1e-3 --quant " + truncate + " --out " + dir + "/t", dir);
  INFO(t.err);
  CHECK(t.exit_code == 0);
}

TEST_CASE("nchip train reports how many plastic weights changed, in metrics.json and its summary") {
  const std::string dir = scratch_dir("train_reach_changed");
  const std::string net = write(dir + "/net.json", nchip::ir::network_to_json(nchip::test::small_pattern_network()));
  for (const char* mode : {"float", "fixed"}) {
    const std::string out = dir + "/" + mode;
    const auto r = run_nchip("train --task pattern-generation --net " + net + " --steps 100 --iterations 2 --mode " +
                                 mode + " --out " + out,
                             dir);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto metrics = nlohmann::json::parse(slurp(out + "/metrics.json"));
    const uint64_t plastic = metrics.at("plastic_synapses");
    const uint64_t changed = metrics.at("weights_changed");
    CHECK(plastic > 0);
    CHECK(changed > 0);
    CHECK(changed <= plastic);
    CHECK(r.out.find("weights changed: " + std::to_string(changed) + " of " + std::to_string(plastic) +
                     " plastic synapses\n") != std::string::npos);
  }
}

TEST_CASE("nchip train warns when training ended with no weight changed (4-bit weights, nearest update rounding)") {
  const std::string dir = scratch_dir("train_reach_none_changed");
  // Passes the start-up check (the largest possible SGD step of two projections reaches half an
  // LSB) but no real step does.
  const std::string q = write(dir + "/q.json", R"({"formats": {"weight": {"width": 4, "frac": 2, "signed": true}}})");
  const auto r = run_nchip("train --task pattern-generation --mode fixed --steps 200 --iterations 2 --quiet --quant " +
                               q + " --out " + dir + "/o",
                           dir);
  REQUIRE(r.exit_code == 0);
  CHECK(nlohmann::json::parse(slurp(dir + "/o/metrics.json")).at("weights_changed") == 0);
  CHECK(r.err.find("nchip train: warning: no plastic weight changed in 2 iterations: every update rounded to 0 LSB "
                   "(weight s4.2, update_rounding nearest); use update_rounding stochastic") != std::string::npos);
  // With stochastic update rounding weights move, and nothing is said.
  const std::string qs = write(dir + "/qs.json", R"({"update_rounding": "stochastic",
      "formats": {"weight": {"width": 4, "frac": 2, "signed": true}}})");
  const auto s = run_nchip("train --task pattern-generation --mode fixed --steps 200 --iterations 2 --quiet --quant " +
                               qs + " --out " + dir + "/s",
                           dir);
  REQUIRE(s.exit_code == 0);
  CHECK(nlohmann::json::parse(slurp(dir + "/s/metrics.json")).at("weights_changed") > 0);
  CHECK(s.err.find("no plastic weight changed") == std::string::npos);
}
