#include "runtime/sweep/sweep_spec.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

#include "compiler/quant_config_json.hpp"
#include "hw_model/error.hpp"
#include "hw_model/text_check.hpp"
#include "runtime/io/atomic_file.hpp"

namespace nchip::runtime::sweep {

namespace {

using ojson = nlohmann::ordered_json;
using json = nlohmann::json;

// Spec keys that are not train options, and train options a sweep sets itself.
const std::set<std::string> kSweepOwned = {"help", "out", "threads", "quiet", "record-etu", "record-etu-limit",
                                           "stats", "trace", "trace-tile"};
// Options whose value is a path (resolved against the spec file's folder when relative).
const std::set<std::string> kPathOptions = {"net", "chip", "quant"};

struct Context {
  std::string file;  // spec path, prefix of every message
  std::filesystem::path folder;
  std::function<bool(const std::string&)> is_train_option;
  // Every message of this reader passes here. Keys, paths and values from the spec are quoted in
  // it, so control characters are escaped once, here, to keep the message on one line.
  [[noreturn]] void fail(const std::string& at, const std::string& what) const {
    throw InputError(escaped_text(fmt::format("{}: {}: {}", file, at, what)));
  }
};

bool is_quant_axis(const std::string& name) { return name.rfind("quant.", 0) == 0; }

// Checks an option name (base key, axis or explicit point key) at JSON path `at`.
void check_name(const Context& c, const std::string& name, const std::string& at) {
  if (kSweepOwned.count(name))
    c.fail(at, fmt::format("'{}' is set by nchip sweep for every point (--out DIR/points/ID, --threads 1, "
                           "--quiet); leave it out (parallelism: nchip sweep --jobs N)",
                           name));
  if (is_quant_axis(name)) {
    const std::string rest = name.substr(6);
    if (rest != "rounding" && rest != "update_rounding" && rest.rfind("formats", 0) != 0)
      c.fail(at, fmt::format("unknown quant field '{}' (expected quant.rounding, quant.update_rounding or "
                             "quant.formats.QUANTITY[.width|.frac|.signed])",
                             rest));
    return;
  }
  if (!c.is_train_option(name))
    c.fail(at, fmt::format("unknown option '{}' (keys are nchip train's options without '--', e.g. lr, optimizer, "
                           "storage, seed, or quant.FIELD; see nchip train --help)",
                           name));
}

// An option value as train's command line spells it: strings as they are, numbers as JSON writes
// them (shortest round trip). Other types are refused at `at`.
std::string option_text(const Context& c, const json& value, const std::string& at) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number()) return value.dump();
  c.fail(at, fmt::format("expected a string or a number, got {}", value.dump()));
}

// A quant axis value goes under its path in the quant config JSON (objects created as needed).
void set_quant_field(json& quant, const std::string& name, const json& value) {
  json* node = &quant;
  std::string rest = name.substr(6);
  size_t dot;
  while ((dot = rest.find('.')) != std::string::npos) {
    node = &(*node)[rest.substr(0, dot)];
    if (!node->is_object()) *node = json::object();
    rest = rest.substr(dot + 1);
  }
  (*node)[rest] = value;
}

std::string sanitize(const std::string& text) {
  std::string out;
  for (char ch : text) {
    if (std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '+' || ch == '-')
      out += ch;
    else if (!out.empty() && out.back() != '_')
      out += '_';
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

// A format object as nchip writes formats: "s4.0" (signed, width 4, frac 0), "u12.7"; "w8.4" when
// it does not say whether it is signed; "" when it lacks width or frac.
std::string format_text(const json& value) {
  if (!value.is_object() || !value.contains("width") || !value.contains("frac")) return {};
  const std::string sign = !value.contains("signed") ? "w" : value["signed"] == true ? "s" : "u";
  return sign + value["width"].dump() + "." + value["frac"].dump();
}

// "weight-width8" for quant.formats.weight.width = 8, "weight-s8.4" for a whole format,
// "stochastic" for a string value, "lr0.001".
std::string readable(const std::string& axis, const json& value) {
  if (value.is_null()) return {};
  if (value.is_string()) return sanitize(value.get<std::string>());
  std::string name = axis;
  std::string text = value.dump();
  if (value.is_object()) {  // a format: "s8.4", else "f16w24" (first letters of its keys, sorted, and values)
    text = format_text(value);
    if (text.empty())
      for (auto it = value.begin(); it != value.end(); ++it) text += it.key().substr(0, 1) + it.value().dump();
    name += "-";
  }
  if (name.rfind("quant.formats.", 0) == 0) {
    name = name.substr(14);
    std::replace(name.begin(), name.end(), '.', '-');
  } else if (const size_t dot = name.rfind('.'); dot != std::string::npos) {
    name = name.substr(dot + 1);
  }
  return sanitize(name + text);
}

struct Base {
  json options = json::object();  // train option -> value (as written, "quant" excluded)
  json quant;                     // quant config JSON (object) or null: none given
  bool quant_from_spec = false;
};

// Reads the quant config (a path relative to the spec's folder, or an inline object) as JSON.
json read_base_quant(const Context& c, const json& value) {
  if (value.is_object()) {
    compiler::parse_quant_config_json(value.dump(), c.file + ": quant");  // whole-file checks, here
    return value;
  }
  if (!value.is_string()) c.fail("quant", "expected a quant config file name or an object");
  std::filesystem::path p = value.get<std::string>();
  if (p.is_relative()) p = c.folder / p;
  return json::parse(compiler::quant_config_to_json(compiler::read_quant_config_file(p.string())));
}

// Builds one point from the base and its (axis, value) assignments.
SweepPoint make_point(const Context& c, const Base& base, const std::vector<std::string>& axis_names,
                      const std::vector<json>& values, const std::vector<std::string>& value_paths) {
  SweepPoint p;
  json options = base.options;
  json quant = base.quant.is_null() ? json::object() : base.quant;
  bool quant_set = base.quant_from_spec;
  for (size_t a = 0; a < axis_names.size(); ++a) {
    if (values[a].is_null()) continue;
    if (is_quant_axis(axis_names[a])) {
      set_quant_field(quant, axis_names[a], values[a]);
      quant_set = true;
    } else {
      options[axis_names[a]] = values[a];
    }
  }
  // The float reference has no number formats: its quant settings are dropped (so float points
  // that differ only in quant are one point), and its quant axis values are shown as empty.
  const bool fixed = options.contains("mode") && options["mode"] == "fixed";
  p.axis_values = values;
  for (size_t a = 0; a < axis_names.size(); ++a)
    if (!fixed && is_quant_axis(axis_names[a])) p.axis_values[a] = nullptr;
  if (fixed && quant_set) {
    std::string where = c.file + ": quant";
    for (size_t a = 0; a < axis_names.size(); ++a)
      if (is_quant_axis(axis_names[a]) && !values[a].is_null()) where = c.file + ": " + value_paths[a];
    // Canonical: every field, so the id does not depend on how the config was spelled.
    const auto config = compiler::parse_quant_config_json(quant.dump(), where);
    options["quant"] = json::parse(compiler::quant_config_to_json(config));
  }
  for (auto it = options.begin(); it != options.end(); ++it) {
    const std::string at = it.key();
    p.train_args.push_back("--" + it.key());
    if (it.key() == "quant") {
      p.train_args.push_back(it.value().dump());  // inline JSON
      continue;
    }
    std::string text = option_text(c, it.value(), at);
    if (kPathOptions.count(it.key()) && !text.empty() && std::filesystem::path(text).is_relative())
      text = (c.folder / text).string();
    p.train_args.push_back(text);
  }
  p.settings = options;
  p.task = options.contains("task") && options["task"].is_string() ? options["task"].get<std::string>() : "";
  std::string prefix;
  for (size_t a = 0; a < axis_names.size(); ++a) {
    const std::string part = readable(axis_names[a], p.axis_values[a]);
    if (part.empty()) continue;
    prefix += (prefix.empty() ? "" : "_") + part;
  }
  if (prefix.size() > 48) prefix.resize(48);
  if (prefix.empty()) prefix = "point";
  p.id = prefix + "-" + hash_hex(p.settings.dump()).substr(0, 10);
  return p;
}

}  // namespace

bool SweepSpec::has_seed_axis() const {
  return std::find(axis_names.begin(), axis_names.end(), "seed") != axis_names.end();
}

double default_criterion(const std::string& task) { return task == "store-recall" ? 0.05 : 0.1; }

std::string hash_hex(const std::string& text) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char ch : text) {
    h ^= ch;
    h *= 1099511628211ull;
  }
  return fmt::format("{:016x}", h);
}

std::string describe_axes(const SweepSpec& spec, const SweepPoint& point, const std::string& skip_axis) {
  std::string out;
  for (size_t a = 0; a < spec.axis_names.size(); ++a) {
    if (spec.axis_names[a] == skip_axis || point.axis_values[a].is_null()) continue;
    const json& v = point.axis_values[a];
    std::string name = spec.axis_names[a];
    if (name.rfind("quant.formats.", 0) == 0) name = name.substr(14);
    else if (name.rfind("quant.", 0) == 0) name = name.substr(6);
    const std::string format = format_text(v);
    out += fmt::format("{}{}={}", out.empty() ? "" : " ", name,
                       v.is_string() ? v.get<std::string>() : !format.empty() ? format : v.dump());
  }
  return out;
}

SweepSpec read_sweep_spec(const std::string& path, const std::function<bool(const std::string&)>& is_train_option) {
  Context c{path, std::filesystem::path(path).parent_path(), is_train_option};
  ojson doc;
  try {
    doc = ojson::parse(read_text_file(path));
  } catch (const ojson::exception& e) {  // parse_error, and out_of_range for a number such as 1e999
    throw InputError(fmt::format("{}: not valid JSON: {}", path, e.what()));
  }
  if (!doc.is_object()) c.fail("(top level)", "expected an object of nchip train options plus \"axes\" or \"points\"");

  SweepSpec spec;
  spec.path = path;
  Base base;
  double criterion = 0;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    const std::string& key = it.key();
    const json value = json::parse(it.value().dump());
    if (key == "axes" || key == "points" || key == "description") continue;
    if (key == "reference") {  // checked against the points' tasks below
      if (!(value.is_number() && value.get<double>() >= 0) && !value.is_object())
        c.fail(key, "expected the float reference's metric (a number >= 0) or an object {TASK: number}");
      for (auto r = value.begin(); value.is_object() && r != value.end(); ++r)
        if (!r.value().is_number() || r.value().get<double>() < 0)
          c.fail(key + "." + r.key(), "expected the float reference's metric (a number >= 0)");
      spec.reference = value;
      continue;
    }
    if (key == "criterion") {
      if (!value.is_number() || value.get<double>() <= 0) c.fail(key, "expected a positive number");
      criterion = value.get<double>();
      continue;
    }
    if (key == "quant") {
      base.quant = read_base_quant(c, value);
      base.quant_from_spec = true;
      continue;
    }
    if (is_quant_axis(key)) c.fail(key, "a quant field goes in \"quant\" (base) or in \"axes\"");
    check_name(c, key, key);
    option_text(c, value, key);
    base.options[key] = value;
  }
  const bool has_axes = doc.contains("axes"), has_points = doc.contains("points");
  if (has_axes == has_points) c.fail("(top level)", "expected exactly one of \"axes\" (a product) or \"points\" (a list)");

  std::vector<std::vector<json>> value_lists;  // cartesian
  std::vector<json> explicit_points;
  if (has_axes) {
    const ojson& axes = doc["axes"];
    if (!axes.is_object() || axes.empty()) c.fail("axes", "expected an object mapping each axis to a list of values");
    for (auto it = axes.begin(); it != axes.end(); ++it) {
      const std::string at = "axes." + it.key();
      check_name(c, it.key(), at);
      if (it.key() == "quant") c.fail(at, "sweep a quant field (quant.formats.weight.width, quant.rounding, ...)");
      if (!it.value().is_array() || it.value().empty()) c.fail(at, "expected a non-empty list of values");
      std::vector<json> values;
      for (size_t i = 0; i < it.value().size(); ++i) {
        json v = json::parse(it.value()[i].dump());
        const std::string vat = fmt::format("{}[{}]", at, i);
        if (!is_quant_axis(it.key())) option_text(c, v, vat);
        else if (v.is_null() || v.is_array()) c.fail(vat, "expected a value of the quant field");
        if (std::find(values.begin(), values.end(), v) != values.end()) c.fail(vat, "repeats an earlier value");
        values.push_back(std::move(v));
      }
      spec.axis_names.push_back(it.key());
      value_lists.push_back(std::move(values));
    }
  } else {
    spec.cartesian = false;
    const ojson& points = doc["points"];
    if (!points.is_array() || points.empty()) c.fail("points", "expected a non-empty list of objects");
    for (size_t k = 0; k < points.size(); ++k) {
      if (!points[k].is_object()) c.fail(fmt::format("points[{}]", k), "expected an object of option -> value");
      for (auto it = points[k].begin(); it != points[k].end(); ++it) {
        const std::string at = fmt::format("points[{}].{}", k, it.key());
        check_name(c, it.key(), at);
        if (it.key() == "quant") c.fail(at, "set a quant field (quant.formats.weight.width, quant.rounding, ...)");
        if (!is_quant_axis(it.key())) option_text(c, json::parse(it.value().dump()), at);
        if (std::find(spec.axis_names.begin(), spec.axis_names.end(), it.key()) == spec.axis_names.end())
          spec.axis_names.push_back(it.key());
      }
      explicit_points.push_back(json::parse(points[k].dump()));
    }
  }

  std::vector<SweepPoint> all;
  std::set<std::string> seen;
  const size_t axes_n = spec.axis_names.size();
  auto add = [&](SweepPoint p) {
    if (!seen.insert(p.id).second) return;  // the same settings twice (e.g. float x widths)
    p.index = spec.points.size();
    p.criterion = criterion > 0 ? criterion : default_criterion(p.task);
    spec.points.push_back(std::move(p));
  };
  if (spec.cartesian) {
    size_t total = 1;
    for (const auto& list : value_lists) {
      total *= list.size();
      if (total > 1'000'000) c.fail("axes", "more than 1000000 points");
    }
    std::vector<size_t> idx(axes_n, 0);
    for (size_t n = 0; n < total; ++n) {
      std::vector<json> values(axes_n);
      std::vector<std::string> paths(axes_n);
      for (size_t a = 0; a < axes_n; ++a) {
        values[a] = value_lists[a][idx[a]];
        paths[a] = fmt::format("axes.{}[{}]", spec.axis_names[a], idx[a]);
      }
      SweepPoint p = make_point(c, base, spec.axis_names, values, paths);
      p.axis_index = idx;
      p.origin = "point {" + describe_axes(spec, p) + "}";
      add(std::move(p));
      for (size_t a = axes_n; a-- > 0;) {  // the last axis varies fastest
        if (++idx[a] < value_lists[a].size()) break;
        idx[a] = 0;
      }
    }
  } else {
    for (size_t k = 0; k < explicit_points.size(); ++k) {
      std::vector<json> values(axes_n);
      std::vector<std::string> paths(axes_n);
      for (size_t a = 0; a < axes_n; ++a) {
        paths[a] = fmt::format("points[{}].{}", k, spec.axis_names[a]);
        if (explicit_points[k].contains(spec.axis_names[a])) values[a] = explicit_points[k][spec.axis_names[a]];
      }
      SweepPoint p = make_point(c, base, spec.axis_names, values, paths);
      p.origin = fmt::format("points[{}]", k);
      add(std::move(p));
    }
  }
  for (auto r = spec.reference.begin(); spec.reference.is_object() && r != spec.reference.end(); ++r)
    if (std::none_of(spec.points.begin(), spec.points.end(), [&](const SweepPoint& p) { return p.task == r.key(); }))
      c.fail("reference." + r.key(), "no point of the sweep has this task");
  return spec;
}

}  // namespace nchip::runtime::sweep
