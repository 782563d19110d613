// nchip train's outputs say what they count (issue #18 row 6): the summary's saturation line
// names the weight clamps of the batch weight update as such, curve.csv's column is
// weight_update_saturations, and "never below 5 %" is null in metrics.json, not 0.
#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "compiler/ir/network_json.hpp"
#include "tests/runtime/train_test_helpers.hpp"
#include "tests/support/cli_runner.hpp"

using nchip::test::run_nchip;
using nchip::test::scratch_dir;
using nchip::test::slurp;

TEST_CASE("nchip train: the saturation line says which saturations happened in weight updates") {
  const std::string dir = scratch_dir("train_labels_saturations");
  const std::string net = dir + "/net.json";
  std::ofstream(net) << nchip::ir::network_to_json(nchip::test::small_pattern_network());
  // 8-bit weights and a large SGD rate: the batch update drives weights into their range's ends.
  const std::string quant = dir + "/q.json";
  std::ofstream(quant) << R"({"formats": {"weight": {"width": 8, "frac": 6}}})";
  const auto r = run_nchip("train --task pattern-generation --net " + net + " --mode fixed --optimizer sgd --lr 0.01 "
                           "--steps 100 --iterations 2 --quant " + quant + " --out " + dir + "/o",
                           dir);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("(weight updates:") == std::string::npos);
  // "saturations: weight W[, other counts]; weights clamped by the batch weight update: U\n"
  // (no std::regex: GCC 12's trips -Werror=maybe-uninitialized in the sanitizer build)
  const std::string head = "saturations: weight ", tail = "; weights clamped by the batch weight update: ";
  const size_t line = r.out.find(head);
  REQUIRE(line != std::string::npos);
  const size_t end = r.out.find('\n', line);
  const size_t at = r.out.find(tail, line);
  REQUIRE(at < end);
  const uint64_t weight_clamps = std::stoull(r.out.substr(line + head.size()));
  const std::string updates_text = r.out.substr(at + tail.size(), end - at - tail.size());
  REQUIRE(updates_text.find_first_not_of("0123456789") == std::string::npos);
  const uint64_t in_updates = std::stoull(updates_text);
  CHECK(in_updates > 0);
  CHECK(in_updates <= weight_clamps);
  const auto metrics = nlohmann::json::parse(slurp(dir + "/o/metrics.json"));
  CHECK(metrics.at("weight_update_saturations") == in_updates);
  CHECK(metrics.at("saturations").at("weight") == weight_clamps);
  const std::string curve = slurp(dir + "/o/curve.csv");
  CHECK(curve.substr(0, curve.find('\n')).find(",weight_update_saturations,") != std::string::npos);
}

TEST_CASE("nchip train: first_iteration_below_5_percent is null when the error never went below 5 %") {
  const std::string dir = scratch_dir("train_labels_below5");
  const auto r = run_nchip("train --task store-recall --mode float --steps 400 --batch 1 --validation-trials 8 "
                           "--iterations 1 --quiet --out " + dir + "/o",
                           dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto metrics = nlohmann::json::parse(slurp(dir + "/o/metrics.json"));
  REQUIRE(metrics.at("final_metric").get<double>() >= 0.05);  // one iteration from scratch: chance
  CHECK(metrics.contains("first_iteration_below_5_percent"));
  CHECK(metrics.at("first_iteration_below_5_percent").is_null());
}
