// A NIR tree (compiler/nir/nir_tree.hpp) in memory, decoded from a small text format, so the NIR
// flattening and import can be fuzzed in-process without libhdf5 (fuzz_nir_graph) and a finding
// can be written down as a readable regression input. One entry per line, tokens separated by
// spaces or tabs:
//
//   group PATH
//   number PATH SHAPE VALUE...     e.g. `number /node/nodes/lif/tau 2 0.01 0.02`
//   string PATH SHAPE VALUE...     e.g. `string /node/edges 1x2 input lif`
//   option KEY VALUE               import options as the CLI sets them: dt_ms (a number or `none`),
//                                  discretization (euler|exact), reset (zero|subtract), time_unit
//                                  (s|ms), drop_self (0|1)
//
// SHAPE is `-` for a scalar (one value) or dimensions joined by `x` (`0`, `3`, `2x2`); the number of
// values must be their product. Names and string values are percent-encoded (%20 is a space, %0a a
// newline, %ff a raw byte), so any byte string can be written. Parent groups exist implicitly. A line
// that does not parse is skipped, so nearly every input decodes to some tree: the fuzzer spends its
// time in nchip's code, not in this decoder. tests/fuzz/nir_to_tree_text.py writes a .nir file in
// this format (the seed corpus).
#pragma once

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/nir/nir_import.hpp"
#include "compiler/nir/nir_tree.hpp"
#include "hw_model/error.hpp"
#include "hw_model/text_check.hpp"

namespace nchip::fuzz {

class MemoryNirTree final : public nir::NirTree {
 public:
  struct Dataset {
    bool is_string = false;
    std::vector<uint64_t> shape;
    nir::NumericArray numbers;
    std::vector<std::string> strings;
  };

  explicit MemoryNirTree(std::string file_name) : file_name_(std::move(file_name)) { groups_.insert({"/", true}); }

  // False (and nothing added) when the path is malformed or collides with a dataset.
  bool add_group(const std::string& path) {
    if (!valid_path(path) || datasets_.count(path) || !add_parents(path)) return false;
    groups_[path] = true;
    return true;
  }
  bool add_dataset(const std::string& path, Dataset dataset) {
    if (!valid_path(path) || path == "/" || groups_.count(path) || datasets_.count(path) || !add_parents(path))
      return false;
    datasets_[path] = std::move(dataset);
    return true;
  }

  const std::string& file_name() const override { return file_name_; }
  bool exists(const std::string& path) const override { return groups_.count(path) || datasets_.count(path); }
  bool is_group(const std::string& path) const override { return groups_.count(path) > 0; }
  bool is_string(const std::string& path) const override {
    auto it = datasets_.find(path);
    return it != datasets_.end() && it->second.is_string;
  }
  std::vector<std::string> children(const std::string& group_path) const override {
    if (!is_group(group_path)) fail(group_path, "missing group");
    const std::string prefix = group_path == "/" ? "/" : group_path + "/";
    std::vector<std::string> names;
    auto add_direct = [&](const std::string& path) {
      if (path.size() > prefix.size() && path.compare(0, prefix.size(), prefix) == 0 &&
          path.find('/', prefix.size()) == std::string::npos)
        names.push_back(path.substr(prefix.size()));
    };
    for (const auto& g : groups_) add_direct(g.first);
    for (const auto& d : datasets_) add_direct(d.first);
    std::sort(names.begin(), names.end());
    return names;
  }
  nir::NumericArray read_numeric(const std::string& path) const override {
    const Dataset& d = dataset(path);
    if (d.is_string) fail(path, "expected a number or an array of numbers (integer or float dataset)");
    return d.numbers;
  }
  std::string read_string(const std::string& path) const override {
    std::vector<uint64_t> shape;
    const std::vector<std::string> all = read_strings(path, &shape);
    if (all.size() != 1) fail(path, "expected one string, got " + std::to_string(all.size()));
    return all[0];
  }
  std::vector<std::string> read_strings(const std::string& path, std::vector<uint64_t>* shape) const override {
    const Dataset& d = dataset(path);
    if (!d.is_string) fail(path, "expected a string dataset");
    if (shape) *shape = d.shape;
    return d.strings;
  }

 private:
  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw InputError(escaped_text(file_name_ + ": " + path + ": " + what));  // as Hdf5Reader's
  }
  const Dataset& dataset(const std::string& path) const {
    if (!exists(path)) fail(path, "missing");
    auto it = datasets_.find(path);
    if (it == datasets_.end()) fail(path, "not a dataset");
    return it->second;
  }
  static bool valid_path(const std::string& path) {
    if (path.empty() || path[0] != '/') return false;
    if (path == "/") return true;
    if (path.back() == '/' || path.find("//") != std::string::npos) return false;
    return path.find("/./") == std::string::npos && path.find("/../") == std::string::npos;
  }
  bool add_parents(const std::string& path) {
    for (size_t slash = path.find('/', 1); slash != std::string::npos; slash = path.find('/', slash + 1)) {
      const std::string parent = path.substr(0, slash);
      if (datasets_.count(parent)) return false;
      groups_[parent] = true;
    }
    return true;
  }

  std::string file_name_;
  std::map<std::string, bool> groups_;
  std::map<std::string, Dataset> datasets_;
};

// A tree and the import options its `option` lines set (defaults: the CLI's --dt-ms 1 --reset subtract,
// without which most graphs stop at the first LIF node).
struct DecodedNirInput {
  MemoryNirTree tree;
  nir::ImportOptions options;
};

namespace detail {

inline std::string percent_decoded(const std::string& token) {
  std::string out;
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '%' && i + 2 < token.size() && std::isxdigit(static_cast<unsigned char>(token[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(token[i + 2]))) {
      out += static_cast<char>(std::stoi(token.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += token[i];
    }
  }
  return out;
}

// `-` -> scalar; "2x3" -> {2, 3}; nullopt when malformed or above `max_elements` in all.
inline std::optional<std::vector<uint64_t>> parse_shape(const std::string& text, uint64_t max_elements) {
  if (text == "-") return std::vector<uint64_t>{};
  std::vector<uint64_t> dims;
  uint64_t product = 1;
  std::stringstream parts(text);
  std::string part;
  while (std::getline(parts, part, 'x')) {
    if (part.empty() || part.size() > 9 || part.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    dims.push_back(std::stoull(part));
    product *= dims.back();
    if (product > max_elements) return std::nullopt;
  }
  if (dims.empty() || dims.size() > 8) return std::nullopt;
  return dims;
}

inline uint64_t element_count(const std::vector<uint64_t>& shape) {
  uint64_t n = 1;
  for (uint64_t d : shape) n *= d;
  return n;
}

inline void apply_option(const std::string& key, const std::string& value, nir::ImportOptions& options) {
  char* end = nullptr;
  const double number = std::strtod(value.c_str(), &end);
  const bool is_number = !value.empty() && end == value.c_str() + value.size();
  if (key == "dt_ms") {
    if (value == "none") options.dt_ms.reset();
    else if (is_number) options.dt_ms = number;
  } else if (key == "time_unit") {  // the CLI's --time-unit s|ms
    options.time_unit_ms = value == "ms" ? 1.0 : 1000.0;
  } else if (key == "discretization") {
    options.discretization = value == "exact" ? nir::Discretization::exact : nir::Discretization::euler;
  } else if (key == "reset") {
    options.reset = value == "zero" ? nir::ResetMode::zero : nir::ResetMode::subtract;
  } else if (key == "drop_self") {
    options.drop_self_connections = value == "1";
  }
}

}  // namespace detail

// `file_name` is what messages and the imported network's name are made from.
inline DecodedNirInput decode_nir_tree_text(const std::string& text, const std::string& file_name = "fuzz.nir") {
  DecodedNirInput in{MemoryNirTree(file_name), {}};
  in.options.dt_ms = 1.0;
  in.options.reset = nir::ResetMode::subtract;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string kind, path;
    if (!(words >> kind >> path)) continue;
    if (kind == "option") {
      std::string value;
      if (words >> value) detail::apply_option(path, value, in.options);
      continue;
    }
    path = detail::percent_decoded(path);
    if (kind == "group") {
      in.tree.add_group(path);
      continue;
    }
    if (kind != "number" && kind != "string") continue;
    std::string shape_text;
    if (!(words >> shape_text)) continue;
    const auto shape = detail::parse_shape(shape_text, text.size() + 1);
    if (!shape) continue;
    MemoryNirTree::Dataset d;
    d.is_string = kind == "string";
    d.shape = *shape;
    d.numbers.shape = *shape;
    std::string token;
    while (words >> token) {
      if (d.is_string) {
        d.strings.push_back(detail::percent_decoded(token));
      } else {
        char* end = nullptr;
        const double v = std::strtod(token.c_str(), &end);
        if (end != token.c_str() + token.size()) break;
        d.numbers.values.push_back(v);
      }
    }
    const size_t count = d.is_string ? d.strings.size() : d.numbers.values.size();
    if (count != detail::element_count(*shape)) continue;
    in.tree.add_dataset(path, std::move(d));
  }
  return in;
}

}  // namespace nchip::fuzz
