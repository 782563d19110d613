// Writer of the spike file (format in spike_file.hpp). Laid out for people: one line per step that
// has spikes, one line per target row, so a diff of two trials points at the steps that differ.
#include <fmt/core.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/tasks/spike_file.hpp"

namespace nchip::runtime {

namespace {

// nlohmann prints a double in its shortest round-trip form, so reading it back gives the same bits.
std::string number(double x) { return nlohmann::json(x).dump(); }

std::string spikes_field(const Trial& t) {
  std::string out = "\"spikes\": [";
  bool first_line = true;
  for (uint32_t s = 0; s < t.steps; ++s) {
    if (t.input_spikes[s].empty()) continue;
    out += first_line ? "\n    " : ",\n    ";
    first_line = false;
    for (size_t k = 0; k < t.input_spikes[s].size(); ++k)
      out += fmt::format("{}[{}, {}]", k ? ", " : "", s, t.input_spikes[s][k]);
  }
  return out + (first_line ? "]" : "\n  ]");
}

std::string target_field(const Trial& t) {
  std::string out = "\"target\": [";
  for (uint32_t s = 0; s < t.steps; ++s) {
    out += s ? ",\n    [" : "\n    [";
    for (uint32_t k = 0; k < t.n_outputs; ++k) out += (k ? ", " : "") + number(t.target_at(s, k));
    out += "]";
  }
  return out + "\n  ]";
}

std::string mask_field(const Trial& t) {
  std::string out = "\"mask\": [";
  for (uint32_t s = 0; s < t.steps; ++s) out += fmt::format("{}{}", s ? ", " : "", t.target_mask[s]);
  return out + "]";
}

std::string labels_field(const Trial& t) {
  std::string out = "\"labels\": [";
  for (size_t k = 0; k < t.labels.size(); ++k)
    out += fmt::format("{}\n    [{}, {}, {}]", k ? "," : "", t.label_windows[k].first,
                       t.label_windows[k].second, t.labels[k]);
  return out + "\n  ]";
}

}  // namespace

std::string spike_file_json(const Trial& t) {
  if (const std::string problem = trial_shape_problem(t); !problem.empty())
    throw std::invalid_argument("spike_file_json: inconsistent trial: " + problem);
  if (t.steps == 0 || t.steps > kSpikeFileMaxSteps || t.n_outputs > kSpikeFileMaxOutputs)
    throw std::invalid_argument("spike_file_json: steps or n_outputs outside the file format's limits");
  for (const double x : t.target)
    if (!std::isfinite(x)) throw std::invalid_argument("spike_file_json: target is not finite");

  std::vector<std::string> fields = {
      fmt::format("\"steps\": {}", t.steps),
      fmt::format("\"n_inputs\": {}", t.n_inputs),
      fmt::format("\"n_outputs\": {}", t.n_outputs),
  };
  // The reader rejects target-related fields without outputs, so they are written only with them.
  if (t.n_outputs > 0) fields.push_back(fmt::format("\"loss\": \"{}\"", loss_name(t.loss)));
  fields.push_back(spikes_field(t));
  if (t.n_outputs > 0) {
    fields.push_back(target_field(t));
    fields.push_back(mask_field(t));
  }
  if (!t.labels.empty()) fields.push_back(labels_field(t));

  std::string out = "{\n";
  for (size_t k = 0; k < fields.size(); ++k) out += "  " + fields[k] + (k + 1 < fields.size() ? ",\n" : "\n");
  return out + "}\n";
}

}  // namespace nchip::runtime
