#include "runtime/data/trial_set_csv.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <map>
#include <vector>

#include "hw_model/error.hpp"

namespace nchip::runtime {

namespace {

constexpr uint64_t kMaxTrials = 100'000'000;

struct Csv {
  std::string path;
  std::vector<std::string> header;
  std::vector<std::pair<size_t, std::vector<std::string>>> rows;  // (line number, cells)
};

std::vector<std::string> split_cells(const std::string& line) {
  std::vector<std::string> cells;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    std::string cell = line.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    while (!cell.empty() && (cell.back() == ' ' || cell.back() == '\r')) cell.pop_back();
    while (!cell.empty() && cell.front() == ' ') cell.erase(cell.begin());
    cells.push_back(cell);
    if (comma == std::string::npos) return cells;
    start = comma + 1;
  }
}

Csv read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path + ": cannot read");
  Csv csv{path, {}, {}};
  std::string line;
  size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.empty() || line == "\r") continue;
    if (csv.header.empty()) csv.header = split_cells(line);
    else csv.rows.emplace_back(number, split_cells(line));
  }
  if (csv.header.empty()) throw InputError(path + ": empty (expected a header line)");
  return csv;
}

void expect_header(const Csv& csv, const std::vector<std::string>& expected) {
  std::string want;
  for (const auto& h : expected) want += (want.empty() ? "" : ",") + h;
  if (csv.header != expected)
    throw InputError(fmt::format("{}:1: header must be '{}'", csv.path, want));
}

uint64_t whole(const Csv& csv, size_t line, const std::string& cell, const char* column, uint64_t limit) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = cell.empty() || cell[0] == '-' ? 0 : std::strtoull(cell.c_str(), &end, 10);
  if (cell.empty() || cell[0] == '-' || !end || *end != '\0' || errno != 0 || v >= limit)
    throw InputError(fmt::format("{}:{}: {} '{}' is not a whole number below {}", csv.path, line, column, cell, limit));
  return v;
}

double real(const Csv& csv, size_t line, const std::string& cell, const std::string& column) {
  char* end = nullptr;
  const double v = std::strtod(cell.c_str(), &end);
  if (cell.empty() || *end != '\0' || !std::isfinite(v))
    throw InputError(fmt::format("{}:{}: {} '{}' is not a finite number", csv.path, line, column, cell));
  return v;
}

void check_cells(const Csv& csv, size_t line, const std::vector<std::string>& cells) {
  if (cells.size() != csv.header.size())
    throw InputError(fmt::format("{}:{}: {} cells, the header has {}", csv.path, line, cells.size(), csv.header.size()));
}

}  // namespace

TrialSet read_trial_set_csv(const std::string& spikes_path, const std::string& labels_path,
                            const std::string& targets_path, const CsvShape& shape) {
  if (labels_path.empty() == targets_path.empty())
    throw InputError("--labels-csv or --targets-csv: give exactly one (classification or regression)");
  if (shape.steps == 0 || shape.n_inputs == 0) throw InputError("--steps and --inputs are required with CSV input");
  TrialSet set;
  set.steps = shape.steps;
  set.n_inputs = shape.n_inputs;
  const bool classification = !labels_path.empty();
  set.loss = classification ? LossKind::cross_entropy : LossKind::mse;

  // Targets or labels first: they say how many trials there are.
  uint64_t n_trials = 0;
  std::map<uint64_t, std::vector<std::pair<size_t, std::vector<std::string>>>> per_trial;
  const Csv target_csv = read_csv(classification ? labels_path : targets_path);
  if (classification) {
    if (shape.n_outputs == 0) throw InputError("--outputs is required with --labels-csv (the number of classes)");
    set.n_outputs = shape.n_outputs;
    expect_header(target_csv, {"trial", "label", "first_step", "last_step"});
  } else {
    if (target_csv.header.size() < 3 || target_csv.header[0] != "trial" || target_csv.header[1] != "step")
      throw InputError(fmt::format("{}:1: header must be 'trial,step,y0,y1,...'", target_csv.path));
    set.n_outputs = static_cast<uint32_t>(target_csv.header.size() - 2);
    if (shape.n_outputs != 0 && shape.n_outputs != set.n_outputs)
      throw InputError(fmt::format("{}:1: {} target columns but --outputs {}", target_csv.path, set.n_outputs,
                                   shape.n_outputs));
  }
  for (const auto& [line, cells] : target_csv.rows) {
    check_cells(target_csv, line, cells);
    const uint64_t trial = whole(target_csv, line, cells[0], "trial", kMaxTrials);
    n_trials = std::max(n_trials, trial + 1);
    per_trial[trial].emplace_back(line, cells);
  }
  if (n_trials == 0) throw InputError(target_csv.path + ": no rows (an empty trial set)");
  set.shape_trials(n_trials);
  for (uint64_t i = 0; i < n_trials; ++i) {
    Trial& t = set.trials[i];
    const auto it = per_trial.find(i);
    if (it == per_trial.end())
      throw InputError(fmt::format("{}: trial {} has no rows (trials are 0..{})", target_csv.path, i, n_trials - 1));
    if (classification) {
      for (const auto& [line, cells] : it->second) {
        const auto label = whole(target_csv, line, cells[1], "label", set.n_outputs);
        const auto first = whole(target_csv, line, cells[2], "first_step", set.steps);
        const auto last = whole(target_csv, line, cells[3], "last_step", uint64_t{set.steps} + 1);
        if (last <= first)
          throw InputError(fmt::format("{}:{}: window [{}, {}) is empty", target_csv.path, line, first, last));
        t.labels.push_back(static_cast<int>(label));
        t.label_windows.emplace_back(static_cast<uint32_t>(first), static_cast<uint32_t>(last));
      }
      fill_classification_target(t);
    } else {
      t.target.assign(static_cast<size_t>(set.steps) * set.n_outputs, 0.0);
      t.target_mask.assign(set.steps, 0);
      for (const auto& [line, cells] : it->second) {
        const auto step = whole(target_csv, line, cells[1], "step", set.steps);
        if (t.target_mask[step])
          throw InputError(fmt::format("{}:{}: a second row for trial {} step {}", target_csv.path, line, i, step));
        t.target_mask[step] = 1;
        for (uint32_t k = 0; k < set.n_outputs; ++k)
          t.target[step * set.n_outputs + k] = real(target_csv, line, cells[2 + k], target_csv.header[2 + k]);
      }
    }
  }

  const Csv spikes = read_csv(spikes_path);
  expect_header(spikes, {"trial", "step", "channel"});
  for (const auto& [line, cells] : spikes.rows) {
    check_cells(spikes, line, cells);
    const auto trial = whole(spikes, line, cells[0], "trial", n_trials);
    const auto step = whole(spikes, line, cells[1], "step", set.steps);
    const auto channel = whole(spikes, line, cells[2], "channel", set.n_inputs);
    auto& row = set.trials[trial].input_spikes[step];
    if (std::find(row.begin(), row.end(), channel) != row.end())
      throw InputError(fmt::format("{}:{}: a second event on channel {} at trial {} step {}", spikes.path, line,
                                   channel, trial, step));
    row.push_back(static_cast<uint32_t>(channel));
  }
  for (auto& t : set.trials)
    for (auto& row : t.input_spikes) std::sort(row.begin(), row.end());
  set.split.assign(set.trials.size(), TrialSplit::training);
  return set;
}

}  // namespace nchip::runtime
