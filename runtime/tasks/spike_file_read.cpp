// Strict reader of the spike file (format in spike_file.hpp). Each check names the JSON pointer of
// the offending value so a user can find it in a large file.
#include <fmt/core.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <iterator>
#include <optional>
#include <tuple>
#include <system_error>
#include <utility>
#include <vector>

#include "compiler/json_reader.hpp"
#include "hw_model/error.hpp"
#include "runtime/tasks/message_text.hpp"
#include "runtime/tasks/spike_file.hpp"

namespace nchip::runtime {

namespace {

using nlohmann::json;

constexpr const char* kDocument = "(document)";
constexpr std::array<const char*, 8> kFields = {"steps",  "n_inputs", "spikes", "n_outputs",
                                                "loss",   "target",   "mask",   "labels"};
// Rows of a cross-entropy target are softmax targets, so they must sum to 1 up to what a decimal
// round trip of a few values can lose.
constexpr double kProbabilitySumTolerance = 1e-9;

// RFC 6901 escaping of one reference token.
std::string pointer_token(const std::string& key) {
  std::string out;
  for (const char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

std::string at(const std::string& parent, size_t index) { return parent + "/" + std::to_string(index); }
std::string at(const std::string& parent, const std::string& key) { return parent + "/" + pointer_token(key); }

std::string describe(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case json::value_t::string: return "a string";
    case json::value_t::array: return fmt::format("an array of {}", v.size());
    case json::value_t::object: return "an object";
    default: return v.dump();  // numbers: show the value itself
  }
}

class Reader {
 public:
  explicit Reader(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void fail(const std::string& where, const std::string& problem) const {
    throw InputError(detail::printable(fmt::format("{}: {}: {}", path_, where, problem)));
  }

  uint64_t read_uint(const json& v, const std::string& where, const char* what, uint64_t limit) const {
    if (v.is_number_unsigned()) {
      const auto x = v.get<uint64_t>();
      if (x >= limit) fail(where, fmt::format("{} {} out of range [0, {})", what, x, limit));
      return x;
    }
    if (v.is_number_integer()) fail(where, fmt::format("{} must be >= 0, got {}", what, v.dump()));
    fail(where, fmt::format("{} must be an integer, got {}", what, describe(v)));
  }

  const json& array(const json& v, const std::string& where, std::optional<size_t> size = {}) const {
    if (!v.is_array())
      fail(where, size ? fmt::format("expected an array of {}, got {}", *size, describe(v))
                       : fmt::format("expected an array, got {}", describe(v)));
    if (size && v.size() != *size)
      fail(where, fmt::format("expected an array of {}, got {}", *size, describe(v)));
    return v;
  }

  Trial read(const json& doc) const {
    if (!doc.is_object()) fail(kDocument, fmt::format("expected a JSON object, got {}", describe(doc)));
    for (const auto& item : doc.items())
      if (std::find(kFields.begin(), kFields.end(), item.key()) == kFields.end())
        fail(at("", item.key()),
             "unknown field (expected steps, n_inputs, spikes, n_outputs, loss, target, mask, labels)");

    Trial t;
    t.steps = static_cast<uint32_t>(
        read_uint(required(doc, "steps"), "/steps", "steps", uint64_t{kSpikeFileMaxSteps} + 1));
    if (t.steps == 0) fail("/steps", "steps must be at least 1");
    t.n_inputs = static_cast<uint32_t>(read_uint(required(doc, "n_inputs"), "/n_inputs", "n_inputs",
                                                 uint64_t{std::numeric_limits<uint32_t>::max()} + 1));
    if (doc.contains("n_outputs"))
      t.n_outputs = static_cast<uint32_t>(
          read_uint(doc.at("n_outputs"), "/n_outputs", "n_outputs", uint64_t{kSpikeFileMaxOutputs} + 1));
    read_loss(doc, t);
    read_spikes(required(doc, "spikes"), t);
    read_target(doc, t);
    read_mask(doc, t);
    read_labels(doc, t);
    return t;
  }

 private:
  const json& required(const json& doc, const char* key) const {
    if (!doc.contains(key)) fail(at("", key), "missing field");
    return doc.at(key);
  }

  // Fields that only make sense with a target are rejected without one, rather than ignored.
  void require_outputs(const Trial& t, const char* key) const {
    if (t.n_outputs == 0) fail(at("", key), "given but n_outputs is 0 (no target)");
  }

  void read_loss(const json& doc, Trial& t) const {
    if (!doc.contains("loss")) return;
    require_outputs(t, "loss");
    const json& v = doc.at("loss");
    if (v == "mse") t.loss = LossKind::mse;
    else if (v == "cross_entropy") t.loss = LossKind::cross_entropy;
    else fail("/loss", fmt::format("expected \"mse\" or \"cross_entropy\", got {}", v.is_string() ? v.dump() : describe(v)));
  }

  void read_spikes(const json& spikes, Trial& t) const {
    array(spikes, "/spikes");
    // (step, input, position in the file), sorted: one flat list as long as the file's spikes
    // rather than a list per step (10^7 steps of an empty file cost nothing extra); the position
    // names the later copy of a duplicate.
    std::vector<std::tuple<uint32_t, uint32_t, size_t>> entries;
    entries.reserve(spikes.size());
    for (size_t k = 0; k < spikes.size(); ++k) {
      const std::string where = at("/spikes", k);
      const json& pair = spikes[k];
      if (!pair.is_array() || pair.size() != 2)
        fail(where, fmt::format("expected [step, input_index], got {}", describe(pair)));
      const auto step = read_uint(pair[0], at(where, 0), "step", t.steps);
      const auto input = read_uint(pair[1], at(where, 1), "input index", t.n_inputs);
      entries.emplace_back(static_cast<uint32_t>(step), static_cast<uint32_t>(input), k);
    }
    std::sort(entries.begin(), entries.end());
    t.input_spikes.resize(t.steps);
    for (size_t k = 0; k < entries.size(); ++k) {
      const auto [step, input, position] = entries[k];
      if (k > 0 && std::get<0>(entries[k - 1]) == step && std::get<1>(entries[k - 1]) == input)
        fail(at("/spikes", position), fmt::format("duplicate spike (step {}, input {}), first at /spikes/{}", step,
                                                  input, std::get<2>(entries[k - 1])));
      t.input_spikes[step].push_back(input);
    }
  }

  void read_target(const json& doc, Trial& t) const {
    if (t.n_outputs == 0) {
      if (doc.contains("target")) fail("/target", "given but n_outputs is 0 (set n_outputs)");
      return;
    }
    if (!doc.contains("target")) fail("/target", "missing field (required when n_outputs > 0)");
    const json& rows = array(doc.at("target"), "/target", t.steps);
    t.target.reserve(static_cast<size_t>(t.steps) * t.n_outputs);
    for (size_t s = 0; s < rows.size(); ++s) {
      const std::string where = at("/target", s);
      const json& row = array(rows[s], where, t.n_outputs);
      for (size_t k = 0; k < row.size(); ++k) {
        if (!row[k].is_number()) fail(at(where, k), fmt::format("expected a number, got {}", describe(row[k])));
        const double x = row[k].get<double>();
        if (!std::isfinite(x)) fail(at(where, k), "value is not finite");
        t.target.push_back(x);
      }
    }
  }

  void read_mask(const json& doc, Trial& t) const {
    if (!doc.contains("mask")) {
      t.target_mask.assign(t.steps, t.n_outputs > 0 ? 1 : 0);  // a given target counts everywhere
    } else {
      require_outputs(t, "mask");
      const json& mask = array(doc.at("mask"), "/mask", t.steps);
      for (size_t s = 0; s < mask.size(); ++s) {
        if (!(mask[s].is_number_unsigned() && mask[s].get<uint64_t>() <= 1))
          fail(at("/mask", s), fmt::format("expected 0 or 1, got {}", describe(mask[s])));
        t.target_mask.push_back(static_cast<uint8_t>(mask[s].get<uint64_t>()));
      }
    }
    if (t.loss != LossKind::cross_entropy) return;
    for (uint32_t s = 0; s < t.steps; ++s) {
      if (!t.target_mask[s]) continue;
      double sum = 0;
      for (uint32_t k = 0; k < t.n_outputs; ++k) {
        const double p = t.target_at(s, k);
        if (p < 0 || p > 1)
          fail(at(at("/target", s), k), fmt::format("{} is not a probability (loss cross_entropy)", p));
        sum += p;
      }
      if (std::fabs(sum - 1.0) > kProbabilitySumTolerance)
        fail(at("/target", s), fmt::format("row sums to {}, not 1 (loss cross_entropy, mask 1)", sum));
    }
  }

  void read_labels(const json& doc, Trial& t) const {
    if (!doc.contains("labels")) return;
    require_outputs(t, "labels");
    const json& labels = array(doc.at("labels"), "/labels");
    for (size_t k = 0; k < labels.size(); ++k) {
      const std::string where = at("/labels", k);
      const json& entry = labels[k];
      if (!entry.is_array() || entry.size() != 3)
        fail(where, fmt::format("expected [first_step, last_step, label], got {}", describe(entry)));
      const auto first = read_uint(entry[0], at(where, 0), "first_step", t.steps);
      const auto last = read_uint(entry[1], at(where, 1), "last_step", uint64_t{t.steps} + 1);
      if (last <= first) fail(at(where, 1), fmt::format("last_step {} must exceed first_step {}", last, first));
      const auto label = read_uint(entry[2], at(where, 2), "label", t.n_outputs);
      t.labels.push_back(static_cast<int>(label));
      t.label_windows.emplace_back(static_cast<uint32_t>(first), static_cast<uint32_t>(last));
    }
  }

  std::string path_;
};

}  // namespace

Trial parse_spike_file(const std::string& text, const std::string& path) {
  const Reader reader(path);
  // The shared JSON reader turns every parse failure into one InputError line: syntax errors with
  // line and column, a number too large for a double ("1e999") and duplicate keys (which nlohmann
  // would resolve silently, last wins) with their JSON pointer, as for networks and quant configs.
  const json doc = json_reader::Reader(detail::printable(path)).parse(text);
  try {
    return reader.read(doc);
  } catch (const json::exception& e) {
    // The checks above test each value's type before reading it; should one slip through,
    // it is still the file that is wrong.
    reader.fail(kDocument, std::string("unexpected JSON value: ") + e.what());
  }
}

Trial read_spike_file(const std::string& path) {
  const Reader reader(path);
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) reader.fail(kDocument, "cannot open: no such file");
  if (std::filesystem::is_directory(path, ec)) reader.fail(kDocument, "cannot open: is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) reader.fail(kDocument, "cannot open: permission denied or not a regular file");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) reader.fail(kDocument, "cannot read the file");
  return parse_spike_file(text, path);
}

}  // namespace nchip::runtime
