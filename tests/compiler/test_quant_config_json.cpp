// Quant-config files: partial files keep the defaults, the writer round-trips, and mistakes
// (including formats QuantConfig::problem() rejects) name their JSON pointer.
#include <catch2/catch.hpp>

#include "compiler/quant_config_json.hpp"
#include "hw_model/error.hpp"

using namespace nchip;
using arith::Quantity;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

arith::QuantConfig parse(const std::string& text) {
  return compiler::parse_quant_config_json(text, "q.json");
}

std::string error_of(const std::string& text) {
  try {
    parse(text);
  } catch (const InputError& e) {
    const std::string message = e.what();
    CHECK(message.find('\n') == std::string::npos);
    return message;
  }
  return "<no error>";
}

}  // namespace

TEST_CASE("an empty quant config is the default", "[compiler][quant_config]") {
  const arith::QuantConfig config = parse("{}");
  const arith::QuantConfig defaults;
  CHECK(config.formats == defaults.formats);
  CHECK(config.rounding == defaults.rounding);
  CHECK(config.update_rounding == defaults.update_rounding);
  CHECK(config.weight_exponents == defaults.weight_exponents);
  CHECK(config.weight_headroom_bits == defaults.weight_headroom_bits);
}

TEST_CASE("a partial quant config changes only what it names", "[compiler][quant_config]") {
  const arith::QuantConfig config = parse(R"({
    "rounding": "truncate", "update_rounding": "stochastic",
    "formats": {"weight": {"width": 8, "frac": 6, "signed": true},
                "trace": {"width": 20}}})");
  const arith::QuantConfig defaults;
  CHECK(config.rounding == arith::Rounding::truncate);
  CHECK(config.update_rounding == arith::Rounding::stochastic);
  CHECK(config[Quantity::weight] == arith::Format{8, 6, true});
  // Fields a format leaves out keep that quantity's default.
  CHECK(config[Quantity::trace] ==
        arith::Format{20, defaults[Quantity::trace].frac, defaults[Quantity::trace].is_signed});
  for (Quantity q : arith::kAllQuantities)
    if (q != Quantity::weight && q != Quantity::trace) CHECK(config[q] == defaults[q]);
}

TEST_CASE("quant config write -> read round trip and stable bytes", "[compiler][quant_config]") {
  arith::QuantConfig config;
  config.rounding = arith::Rounding::stochastic;
  config.update_rounding = arith::Rounding::truncate;
  config[Quantity::eligibility] = {20, 14, true};
  config[Quantity::decay] = {16, 16, false};
  config.weight_headroom_bits = 3;
  config.weight_exponents = false;
  const std::string text = compiler::quant_config_to_json(config);
  const arith::QuantConfig back = parse(text);
  CHECK(back.formats == config.formats);
  CHECK(back.rounding == config.rounding);
  CHECK(back.update_rounding == config.update_rounding);
  CHECK(back.weight_headroom_bits == 3);
  CHECK(back.weight_exponents == false);
  CHECK(compiler::quant_config_to_json(back) == text);
  CHECK_THAT(text, StartsWith("{\n  \"rounding\": \"stochastic\",\n  \"update_rounding\": "
                              "\"truncate\",\n  \"formats\": {\n    \"weight\": {\n      "
                              "\"width\": 16,\n      \"frac\": 12,\n      \"signed\": true\n"));
  CHECK_THAT(text, Contains("\"eligibility\": {\n      \"width\": 20,\n      \"frac\": 14,"));
  CHECK_THAT(text, Contains("  },\n  \"weight_exponents\": false,\n  \"weight_headroom_bits\": 3\n}"));
}

TEST_CASE("quant config errors name the JSON pointer", "[compiler][quant_config]") {
  CHECK_THAT(error_of("{\"rounding\": }"), StartsWith("q.json: line 1, column "));
  CHECK(error_of("[]") == "q.json: (root): expected an object, got array");
  CHECK(error_of(R"({"rounding": "up"})") ==
        "q.json: /rounding: unknown rounding mode 'up' (expected nearest, truncate or stochastic)");
  CHECK(error_of(R"({"update_rounding": "nearst"})") ==
        "q.json: /update_rounding: unknown rounding mode 'nearst' (expected nearest, truncate or stochastic; "
        "did you mean 'nearest'?)");
  CHECK(error_of(R"({"update_rounding": 1})") ==
        "q.json: /update_rounding: expected a string, got number 1");
  CHECK_THAT(error_of(R"({"roundings": "nearest"})"),
             StartsWith("q.json: /roundings: unknown key 'roundings' (a quant config takes "
                        "rounding, update_rounding, formats, weight_exponents or weight_headroom_bits; did "
                        "you mean 'rounding'?)"));
  CHECK_THAT(error_of(R"({"formats": {"weights": {"width": 8}}})"),
             StartsWith("q.json: /formats/weights: unknown key 'weights' (formats takes weight, "
                        "voltage, "));
  CHECK_THAT(error_of(R"({"formats": {"weights": {"width": 8}}})"),
             Contains("did you mean 'weight'?"));
  CHECK_THAT(error_of(R"({"formats": {"weight": {"bits": 8}}})"),
             StartsWith("q.json: /formats/weight/bits: unknown key 'bits' (a format takes width, "
                        "frac or signed"));
  CHECK(error_of(R"({"formats": {"weight": {"width": 8.5}}})") ==
        "q.json: /formats/weight/width: expected an integer, got number 8.5");
  CHECK(error_of(R"({"formats": {"weight": {"signed": 1}}})") ==
        "q.json: /formats/weight/signed: expected true or false, got number 1");
  CHECK(error_of(R"({"formats": {"weight": {"width": 8}, "weight": {"width": 9}}})") ==
        "q.json: /formats/weight: duplicate key 'weight' (JSON would silently keep only the last "
        "one)");
  CHECK(error_of(R"({"formats": []})") == "q.json: /formats: expected an object, got array");
}

TEST_CASE("formats QuantConfig::problem() rejects are reported at their field",
          "[compiler][quant_config]") {
  CHECK(error_of(R"({"formats": {"weight": {"width": 40}}})") ==
        "q.json: /formats/weight/width: width must be between 2 and 32 bits, got 40");
  CHECK(error_of(R"({"formats": {"trace": {"frac": -1}}})") ==
        "q.json: /formats/trace/frac: frac must be between 0 and 40 bits, got -1");
  CHECK(error_of(R"({"formats": {"decay": {"signed": true}}})") ==
        "q.json: /formats/decay: decay constants lie in [0, 1) and must be unsigned");
  CHECK_THAT(error_of(R"({"formats": {"voltage": {"frac": 4}}})"),
             StartsWith("q.json: /formats/voltage: needs at least as many fraction bits"));
  CHECK(error_of(R"({"weight_headroom_bits": 9})") ==
        "q.json: /weight_headroom_bits: must be between 0 and 8, got 9");
  CHECK(error_of(R"({"weight_headroom_bits": -1})") ==
        "q.json: /weight_headroom_bits: must be between 0 and 8, got -1");
  CHECK(error_of(R"({"weight_headroom_bits": 1.5})") ==
        "q.json: /weight_headroom_bits: expected an integer, got number 1.5");
  CHECK(error_of(R"({"weight_exponents": "yes"})") ==
        "q.json: /weight_exponents: expected true or false, got string 'yes'");
  CHECK(error_of(R"({"formats": {"weight": {"width": 99999999999}}})") ==
        "q.json: /formats/weight/width: must be at most 1048576, got 99999999999");
}

TEST_CASE("a format that cannot hold its quantity's range is refused at load", "[compiler][quant_config]") {
  // compiler/README.md's old example (issue #18): width 12 kept the default frac 16.
  CHECK(error_of(R"({"formats": {"trace": {"width": 12}}})") ==
        "q.json: /formats/trace: u12.16 holds at most 0.062485 (its fraction is wider than its width), but a "
        "presynaptic trace grows by 1 per spike: it must hold at least 1, e.g. frac 11 for width 12 (the file "
        "gives a width but no frac, so the default frac was kept)");
  CHECK(error_of(R"({"formats": {"learning_signal": {"width": 8, "frac": 9}}})") ==
        "q.json: /formats/learning_signal: s8.9 holds at most 0.248047 (its fraction is wider than its width), "
        "but L = B x err with errors of order 1: it must hold at least 0.5, e.g. frac 7 for width 8");
  CHECK_THAT(error_of(R"({"formats": {"update_accumulator": {"width": 16, "frac": 16}}})"),
             StartsWith("q.json: /formats/update_accumulator: s16.16 holds at most 0.499985, but"));
  CHECK_THAT(error_of(R"({"formats": {"voltage": {"width": 12, "frac": 12}}})"),
             StartsWith("q.json: /formats/voltage: s12.12 holds at most"));
  // Within range, including a fraction wider than the width where the quantity is small (h <= 0.3).
  CHECK_NOTHROW(parse(R"({"formats": {"pseudo_derivative": {"width": 15, "frac": 16}}})"));
  CHECK_NOTHROW(parse(R"({"formats": {"trace": {"width": 12, "frac": 7}, "eligibility": {"width": 12, "frac": 8}}})"));
  // Weights are rescaled per projection (exponents), so a narrow weight format is not judged.
  CHECK_NOTHROW(parse(R"({"formats": {"weight": {"width": 4, "frac": 6}}})"));
}

TEST_CASE("quant config files", "[compiler][quant_config]") {
  const std::string missing = std::string(NCHIP_BINARY_DIR) + "/no/such/q.json";
  CHECK_THROWS_WITH(compiler::read_quant_config_file(missing), missing + ": cannot read file");
  CHECK_THROWS_AS(compiler::read_quant_config_file(missing), InputError);
}
