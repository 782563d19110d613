// nchip sweep --report (runtime/sweep/sweep_report): on a synthetic results directory, the
// smallest width per axis and setting whose mean final metric is within 10 % of the float
// reference (the sweep's float points, or the spec's "reference"), every wider width too.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "hw_model/error.hpp"
#include "runtime/sweep/sweep_report.hpp"
#include "support/cli_runner.hpp"

using json = nlohmann::json;
using nchip::runtime::sweep::sweep_report;
using nchip::runtime::sweep::sweep_report_of_dir;

namespace {

// A sweep.json row as write_tables writes it (what the report reads).
json row(const std::string& task, const std::string& mode, const json& width, const std::string& rounding, int seed,
         double final_metric) {
  const bool fixed = mode == "fixed";
  json settings = {{"task", task}, {"seed", seed}};
  if (fixed) settings["mode"] = "fixed";  // a float point may leave mode out (train's default)
  return {{"axes",
           {{"task", task},
            {"mode", mode},
            {"quant.formats.weight.width", fixed ? width : json()},
            {"quant.update_rounding", fixed ? json(rounding) : json()},
            {"seed", seed}}},
          {"settings", settings},
          {"metric", task == "store-recall" ? "recall_error_rate" : "nmse"},
          {"final_metric", final_metric}};
}

// Pattern generation: float seeds 0.40 and 0.44 (reference 0.42, limit 0.462). Store-recall: its
// reference 0.02 from the spec (limit 0.022), its float points (0.001) ignored.
json synthetic_sweep() {
  json points = json::array();
  auto add_pair = [&](const std::string& task, const std::string& mode, int width, const std::string& rounding,
                      double a, double b) {
    points.push_back(row(task, mode, width, rounding, 1, a));
    points.push_back(row(task, mode, width, rounding, 2, b));
  };
  add_pair("pattern-generation", "float", 0, "", 0.40, 0.44);
  // nearest: 12 and 16 within (12: mean 0.45).
  add_pair("pattern-generation", "fixed", 4, "nearest", 1.1, 1.3);
  add_pair("pattern-generation", "fixed", 8, "nearest", 0.49, 0.51);
  add_pair("pattern-generation", "fixed", 12, "nearest", 0.44, 0.46);
  add_pair("pattern-generation", "fixed", 16, "nearest", 0.42, 0.44);
  // stochastic: 8 within (0.45) but 12 is not (0.47): the answer is 16, not 8.
  add_pair("pattern-generation", "fixed", 4, "stochastic", 0.6, 0.6);
  add_pair("pattern-generation", "fixed", 8, "stochastic", 0.44, 0.46);
  add_pair("pattern-generation", "fixed", 12, "stochastic", 0.46, 0.48);
  add_pair("pattern-generation", "fixed", 16, "stochastic", 0.40, 0.42);
  add_pair("store-recall", "float", 0, "", 0.001, 0.001);
  add_pair("store-recall", "fixed", 8, "nearest", 0.05, 0.05);
  add_pair("store-recall", "fixed", 12, "nearest", 0.021, 0.021);
  add_pair("store-recall", "fixed", 16, "nearest", 0.02, 0.02);
  return {{"axes", {"task", "mode", "quant.formats.weight.width", "quant.update_rounding", "seed"}},
          {"points", points},
          {"missing", json::array()},
          {"reference", {{"store-recall", 0.02}}}};
}

}  // namespace

TEST_CASE("sweep report: smallest width within 10 % of float per setting, float from the sweep or the spec") {
  const std::string text = sweep_report(synthetic_sweep(), "synthetic");
  INFO(text);
  CHECK_THAT(text, Catch::StartsWith("nchip sweep report: synthetic (26 points)\n"));
  CHECK_THAT(text, Catch::Contains("task pattern-generation (final nmse):\n"
                                   "  float reference 0.42 (mode float, 2 points); "
                                   "within 10 %: nmse <= 0.462\n"
                                   "  weight.width:\n"
                                   "    update_rounding=nearest: 12  "
                                   "[4: 1.2, 8: 0.5, 12: 0.45, 16: 0.43]\n"
                                   "    update_rounding=stochastic: 16  "
                                   "[4: 0.6, 8: 0.45, 12: 0.47, 16: 0.41]\n"
                                   "    smallest: 12 (update_rounding=nearest)\n"));
  CHECK_THAT(text, Catch::Contains("task store-recall (final recall_error_rate):\n"
                                   "  float reference 0.02 (the spec's \"reference\".store-recall); "
                                   "within 10 %: recall_error_rate <= 0.022\n"
                                   "  weight.width:\n"
                                   "    all: 12  "
                                   "[8: 0.05, 12: 0.021, 16: 0.02]\n"));
}

TEST_CASE("sweep report: no float reference, nothing within 10 %, format-object axes by width") {
  json doc = synthetic_sweep();
  doc.erase("reference");
  json kept = json::array();
  for (const auto& r : doc["points"])
    if (r["settings"]["task"] == "store-recall" && r["settings"].contains("mode")) kept.push_back(r);
  doc["points"] = kept;
  CHECK_THAT(sweep_report(doc, "x"), Catch::Contains("no float reference: add"));
  doc["reference"] = 0.001;  // a number: every task's reference
  CHECK_THAT(sweep_report(doc, "x"),
             Catch::Contains("    all: none within 10 %  [8: 0.05, 12: 0.021, 16: 0.02]\n"));

  // A whole-format axis (quant.formats.trace) is reported by width, its value with its fraction.
  json fmt_doc = {{"axes", {"quant.formats.trace"}}, {"reference", 1.0}, {"points", json::array()}};
  for (const auto& [w, f, v] : {std::tuple{12, 7, 1.05}, std::tuple{16, 11, 1.2}, std::tuple{24, 16, 1.0}})
    fmt_doc["points"].push_back({{"axes", {{"quant.formats.trace", {{"width", w}, {"frac", f}}}}},
                                 {"settings", {{"task", "pattern-generation"}, {"mode", "fixed"}}},
                                 {"metric", "nmse"},
                                 {"final_metric", v}});
  CHECK_THAT(sweep_report(fmt_doc, "x"),
             Catch::Contains("  trace:\n    all: 24 (frac 16)  [12 (frac 7): 1.05, 16 (frac 11): 1.2, 24 (frac 16): 1]\n"));
}

TEST_CASE("nchip sweep --report DIR prints the report of DIR/sweep.json, a missing table is one line with exit 2") {
  const std::string dir = nchip::test::scratch_dir("sweep_report_cli");
  std::ofstream(dir + "/sweep.json") << synthetic_sweep().dump(2);
  const auto r = nchip::test::run_nchip("sweep --report " + dir, dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == sweep_report_of_dir(dir));
  CHECK_THAT(r.out, Catch::Contains("update_rounding=stochastic: 16  [4: 0.6, 8: 0.45, 12: 0.47, 16: 0.41]"));
  const auto missing = nchip::test::run_nchip("sweep --report " + dir + "/nothing", dir);
  CHECK(missing.exit_code == 2);
  CHECK(nchip::test::line_count(missing.err) == 1);
  CHECK_THAT(missing.err, Catch::Contains("nothing/sweep.json"));
  std::ofstream(dir + "/bad.json") << "{}";
  std::filesystem::create_directories(dir + "/bad");
  std::ofstream(dir + "/bad/sweep.json") << R"({"axes": []})";
  const auto bad = nchip::test::run_nchip("sweep --report " + dir + "/bad", dir);
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("not a sweep.json of nchip sweep"));
}
