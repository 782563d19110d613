#include "compiler/quant_config_json.hpp"

#include <optional>
#include <vector>

#include "compiler/json_reader.hpp"

namespace nchip::compiler {

namespace {

using json_reader::child;
using json_reader::in_quotes;
using json_reader::json;
using json_reader::Reader;

std::optional<arith::Quantity> quantity_from_string(const std::string& text) {
  for (arith::Quantity q : arith::kAllQuantities)
    if (text == arith::to_string(q)) return q;
  return std::nullopt;
}

std::vector<std::string> quantity_names() {
  std::vector<std::string> names;
  for (arith::Quantity q : arith::kAllQuantities) names.emplace_back(arith::to_string(q));
  return names;
}

arith::Rounding read_rounding(const Reader& r, const json& value, const std::string& at) {
  const std::string text = r.string(value, at);
  arith::Rounding rounding{};
  if (!arith::rounding_from_string(text, rounding)) {
    const auto near = json_reader::closest_name(text, {"nearest", "truncate", "stochastic"});
    r.fail(at, "unknown rounding mode " + in_quotes(text) + " (expected nearest, truncate or stochastic" +
                   (near ? "; did you mean " + in_quotes(*near) + "?" : std::string()) + ")");
  }
  return rounding;
}

// Fields left out keep the quantity's default, so {"width": 8} narrows a format and nothing else.
// Returns true when the object gives "width" but not "frac" (the default frac is kept).
bool read_format(const Reader& r, const json& j, const std::string& at, arith::Format& format) {
  r.expect_object(j, at);
  r.reject_unknown_keys(j, at, {"width", "frac", "signed"}, "a format");
  // Bounds here only keep the int conversion exact; Format::problem() judges the real range.
  constexpr int64_t kLimit = 1 << 20;
  if (const json* v = Reader::optional(j, "width"))
    format.width = static_cast<int>(r.integer(*v, child(at, "width"), -kLimit, kLimit));
  if (const json* v = Reader::optional(j, "frac"))
    format.frac = static_cast<int>(r.integer(*v, child(at, "frac"), -kLimit, kLimit));
  if (const json* v = Reader::optional(j, "signed"))
    format.is_signed = r.boolean(*v, child(at, "signed"));
  return Reader::optional(j, "width") && !Reader::optional(j, "frac");
}

// QuantConfig::problem() says "formats.NAME: why" or "weight_headroom_bits: why"; turn that into
// a pointer (down to the field when the reason names it) so the message has the same shape as
// every other one.
[[noreturn]] void fail_with_problem(const Reader& r, const std::string& problem) {
  const std::string prefix = "formats.", headroom = "weight_headroom_bits: ";
  const size_t colon = problem.find(": ");
  if (problem.compare(0, headroom.size(), headroom) == 0)
    r.fail("/weight_headroom_bits", problem.substr(headroom.size()));
  if (problem.compare(0, prefix.size(), prefix) != 0 || colon == std::string::npos)
    r.fail("", problem);
  std::string at = child("/formats", problem.substr(prefix.size(), colon - prefix.size()));
  const std::string why = problem.substr(colon + 2);
  for (const char* field : {"width", "frac"})
    if (why.compare(0, std::char_traits<char>::length(field) + 1, std::string(field) + " ") == 0)
      at = child(at, field);
  r.fail(at, why);
}

}  // namespace

arith::QuantConfig parse_quant_config_json(const std::string& text,
                                           const std::string& source_name) {
  const Reader r(source_name);
  const json doc = r.parse(text);
  r.expect_object(doc, "");
  r.reject_unknown_keys(doc, "", {"rounding", "update_rounding", "formats", "weight_exponents", "weight_headroom_bits"},
                        "a quant config");
  arith::QuantConfig config;
  if (const json* v = Reader::optional(doc, "rounding"))
    config.rounding = read_rounding(r, *v, "/rounding");
  if (const json* v = Reader::optional(doc, "update_rounding"))
    config.update_rounding = read_rounding(r, *v, "/update_rounding");
  if (const json* v = Reader::optional(doc, "weight_exponents"))
    config.weight_exponents = r.boolean(*v, "/weight_exponents");
  // Bounds here keep the int conversion exact; QuantConfig::problem() says 0..8 (named below).
  if (const json* v = Reader::optional(doc, "weight_headroom_bits"))
    config.weight_headroom_bits = static_cast<int>(r.integer(*v, "/weight_headroom_bits", -1024, 1024));
  std::vector<std::string> default_frac;  // "formats.NAME" of formats given a width but no frac
  if (const json* formats = Reader::optional(doc, "formats")) {
    r.expect_object(*formats, "/formats");
    r.reject_unknown_keys(*formats, "/formats", quantity_names(), "formats");
    for (const auto& item : formats->items()) {
      const arith::Quantity q = *quantity_from_string(item.key());
      if (read_format(r, item.value(), child("/formats", item.key()), config[q]))
        default_frac.push_back("formats." + item.key() + ":");
    }
  }
  const std::string problem = config.problem();
  if (!problem.empty()) fail_with_problem(r, problem);
  std::string range = config.range_problem();
  if (!range.empty()) {
    for (const std::string& name : default_frac)
      if (range.compare(0, name.size(), name) == 0)
        range += " (the file gives a width but no frac, so the default frac was kept)";
    fail_with_problem(r, range);
  }
  return config;
}

arith::QuantConfig read_quant_config_file(const std::string& path) {
  return parse_quant_config_json(json_reader::read_text_file(path), path);
}

std::string quant_config_to_json(const arith::QuantConfig& config) {
  nlohmann::ordered_json doc;
  doc["rounding"] = arith::to_string(config.rounding);
  doc["update_rounding"] = arith::to_string(config.update_rounding);
  nlohmann::ordered_json formats = nlohmann::ordered_json::object();
  for (arith::Quantity q : arith::kAllQuantities) {
    const arith::Format& f = config[q];
    formats[arith::to_string(q)] = {{"width", f.width}, {"frac", f.frac}, {"signed", f.is_signed}};
  }
  doc["formats"] = std::move(formats);
  doc["weight_exponents"] = config.weight_exponents;
  doc["weight_headroom_bits"] = config.weight_headroom_bits;
  return doc.dump(2) + '\n';
}

}  // namespace nchip::compiler
