// nchip sweep's spec expansion (runtime/sweep/sweep_spec): cartesian order, explicit points,
// stable ids from canonical settings, float points without quant settings.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>
#include <string>

#include "hw_model/error.hpp"
#include "runtime/sweep/sweep_spec.hpp"
#include "support/cli_runner.hpp"

using nchip::runtime::sweep::read_sweep_spec;
using nchip::runtime::sweep::SweepSpec;

namespace {

bool is_option(const std::string& name) {
  static const std::set<std::string> options = {"task", "mode", "iterations", "steps", "lr", "optimizer", "seed",
                                                "storage", "net"};
  return options.count(name) > 0;
}

SweepSpec read(const std::string& dir, const std::string& text) {
  const std::string path = dir + "/spec.json";
  std::ofstream(path) << text;
  return read_sweep_spec(path, is_option);
}

std::string hash_part(const std::string& id) { return id.substr(id.rfind('-') + 1); }

// The InputError message of reading `text`, or "(no error)".
std::string error_of(const std::string& dir, const std::string& text) {
  try {
    read(dir, text);
  } catch (const nchip::InputError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("sweep spec: the cartesian product in spec order, the last axis fastest") {
  const std::string dir = nchip::test::scratch_dir("sweep_spec_cartesian");
  const SweepSpec spec = read(dir, R"({"task": "pattern-generation", "mode": "fixed", "iterations": 3,
      "axes": {"quant.update_rounding": ["nearest", "stochastic"], "lr": [0.001, 0.002, 0.004]}})");
  REQUIRE(spec.points.size() == 6);
  REQUIRE(spec.axis_names == std::vector<std::string>{"quant.update_rounding", "lr"});
  CHECK(spec.points[0].axis_values[0] == "nearest");
  CHECK(spec.points[0].axis_values[1] == 0.001);
  CHECK(spec.points[1].axis_values[1] == 0.002);
  CHECK(spec.points[3].axis_values[0] == "stochastic");
  CHECK(spec.points[3].axis_values[1] == 0.001);
  std::set<std::string> ids;
  for (const auto& p : spec.points) ids.insert(p.id);
  CHECK(ids.size() == 6);
  CHECK(spec.points[4].id.rfind("stochastic_lr0.002-", 0) == 0);
  // train's arguments: the options and the point's full quant config inline.
  const auto& args = spec.points[4].train_args;
  const auto lr = std::find(args.begin(), args.end(), "--lr");
  REQUIRE(lr != args.end());
  CHECK(*(lr + 1) == "0.002");
  const auto quant = std::find(args.begin(), args.end(), "--quant");
  REQUIRE(quant != args.end());
  CHECK((quant + 1)->find("\"update_rounding\":\"stochastic\"") != std::string::npos);
  CHECK(spec.points[4].settings["quant"]["formats"]["weight"]["width"] == 16);  // the default kept
  CHECK(spec.points[4].criterion == 0.1);
}

TEST_CASE("sweep spec: ids are stable and depend only on the canonical settings") {
  const std::string dir = nchip::test::scratch_dir("sweep_spec_ids");
  const std::string text = R"({"task": "pattern-generation", "mode": "fixed", "iterations": 3,
      "axes": {"quant.formats.weight.width": [8, 12], "seed": [1, 2]}})";
  const SweepSpec a = read(dir, text), b = read(dir, text);
  for (size_t i = 0; i < a.points.size(); ++i) CHECK(a.points[i].id == b.points[i].id);
  CHECK(a.points[0].id.rfind("weight-width8_seed1-", 0) == 0);
  CHECK(a.points[0].id.size() == std::string("weight-width8_seed1-").size() + 10);
  // The same config spelled another way (a format object, the key order) hashes the same.
  const SweepSpec c = read(dir, R"({"iterations": 3, "mode": "fixed", "task": "pattern-generation",
      "axes": {"quant.formats.weight": [{"width": 8}], "seed": [1]}})");
  CHECK(hash_part(c.points[0].id) == hash_part(a.points[0].id));
  // Any other base option changes every id.
  const SweepSpec d = read(dir, R"({"task": "pattern-generation", "mode": "fixed", "iterations": 4,
      "axes": {"quant.formats.weight.width": [8, 12], "seed": [1, 2]}})");
  CHECK(hash_part(d.points[0].id) != hash_part(a.points[0].id));
}

TEST_CASE("sweep spec: explicit points and one float reference for all widths") {
  const std::string dir = nchip::test::scratch_dir("sweep_spec_points");
  const SweepSpec spec = read(dir, R"({"task": "pattern-generation", "iterations": 3,
      "points": [{"mode": "float"}, {"mode": "fixed", "quant.formats.weight.width": 8}, {"mode": "fixed", "lr": 0.01}]})");
  REQUIRE(spec.points.size() == 3);
  CHECK_FALSE(spec.cartesian);
  CHECK(spec.axis_names == std::vector<std::string>{"mode", "quant.formats.weight.width", "lr"});
  CHECK(spec.points[0].axis_values[1].is_null());
  CHECK(spec.points[2].axis_values[1].is_null());
  CHECK(spec.points[2].origin == "points[2]");

  const SweepSpec mixed = read(dir, R"({"task": "pattern-generation", "iterations": 3,
      "axes": {"mode": ["float", "fixed"], "quant.formats.weight.width": [8, 12, 16]}})");
  REQUIRE(mixed.points.size() == 4);  // float once, fixed x 3
  CHECK(mixed.points[0].axis_values[1].is_null());
  CHECK_FALSE(mixed.points[0].settings.contains("quant"));
  CHECK(mixed.points[1].axis_values[1] == 8);
}

TEST_CASE("sweep spec: structural errors name the JSON path") {
  const std::string dir = nchip::test::scratch_dir("sweep_spec_errors");
  const auto error_of = [&](const std::string& text) { return ::error_of(dir, text); };
  CHECK_THAT(error_of(R"({"task": "pattern-generation", "axes": {"lrr": [1]}})"),
             Catch::Contains("axes.lrr: unknown option 'lrr'"));
  CHECK_THAT(error_of(R"({"task": "pattern-generation", "mode": "fixed", "axes": {"quant.formats.weight.width": [8, 40]}})"),
             Catch::Contains("axes.quant.formats.weight.width[1]") && Catch::Contains("width must be between 2 and 32"));
  CHECK_THAT(error_of(R"({"task": "pattern-generation", "axes": {"lr": [0.1, true]}})"),
             Catch::Contains("axes.lr[1]: expected a string or a number"));
  CHECK_THAT(error_of(R"({"task": "pattern-generation", "out": "x", "axes": {"lr": [0.1]}})"),
             Catch::Contains("out: 'out' is set by nchip sweep"));
  CHECK_THAT(error_of(R"({"task": "pattern-generation"})"), Catch::Contains("exactly one of \"axes\""));
}

// Found by tests/fuzz/fuzz_sweep_spec: a key with a newline ("itera\nons") was echoed raw, so the
// error took two lines.
TEST_CASE("sweep spec: a key with control characters is escaped in a one-line error") {
  const std::string dir = nchip::test::scratch_dir("sweep_spec_control_key");
  const std::string newline = error_of(dir, R"({"task": "pattern-generation", "itera\nons": 5, "axes": {"lr": [0.1]}})");
  CHECK(newline.find('\n') == std::string::npos);
  CHECK_THAT(newline, Catch::Contains("itera\\x0aons: unknown option 'itera\\x0aons'"));
  CHECK_THAT(error_of(dir, R"({"task": "pattern-generation", "axes": {"l\u0001r": [0.1]}})"),
             Catch::Contains("axes.l\\x01r: unknown option"));
}
