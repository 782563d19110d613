#include "runtime/tasks/store_recall.hpp"

#include <fmt/core.h>

#include "hw_model/error.hpp"
#include "runtime/tasks/trial_random.hpp"

namespace nchip::runtime {

namespace {
StoreRecallConfig config_of(uint32_t steps, double rate_hz) {
  StoreRecallConfig c;
  c.steps = steps;
  c.rate_hz = rate_hz;
  return c;
}
}  // namespace

StoreRecallTask::StoreRecallTask(uint32_t steps, double rate_hz) : StoreRecallTask(config_of(steps, rate_hz)) {}

StoreRecallTask::StoreRecallTask(const StoreRecallConfig& config) : c_(config) {
  if (c_.group_size == 0) throw InputError("task 'store-recall': --inputs must be a positive multiple of 4 (value 0, value 1, STORE and RECALL groups)");
  if (c_.period_steps == 0) throw InputError("task 'store-recall': --period-steps must be at least 1");
  if (!(c_.command_probability > 0 && c_.command_probability <= 1))
    throw InputError(fmt::format("task 'store-recall': --command-probability {} outside (0, 1]", c_.command_probability));
  if (c_.steps % c_.period_steps != 0 || c_.steps < 2 * c_.period_steps)
    throw InputError(fmt::format(
        "task 'store-recall': steps = {} must be a multiple of the {}-step command period with at "
        "least 2 periods (one STORE and one RECALL)",
        c_.steps, c_.period_steps));
  const double p = detail::spike_probability(c_.rate_hz, kTaskDtMs);
  if (!(p >= 0.0 && p <= 1.0))
    throw InputError(fmt::format("task 'store-recall': rate_hz = {} outside [0, {}]", c_.rate_hz,
                                 1000.0 / kTaskDtMs));
}

namespace {

// Commands follow the paper's alternation: "After a STORE, a RECALL instruction was given during
// each subsequent time period of length D with probability p_command ... The next STORE appeared
// in each subsequent period of length D with probability p_command." One draw per period decides
// whether the awaited command (STORE, then RECALL, then STORE, ...) comes in that period.
bool draw_commands(std::vector<StoreRecallPeriod>& periods, uint64_t key, uint64_t draw, double probability) {
  bool awaiting_store = true, any_recall = false;
  for (uint32_t p = 0; p < periods.size(); ++p) {
    periods[p].store = periods[p].recall = false;
    if (detail::uniform01(key, detail::kStreamStoreRecallCommand, p, draw) >= probability)
      continue;
    (awaiting_store ? periods[p].store : periods[p].recall) = true;
    any_recall |= !awaiting_store;
    awaiting_store = !awaiting_store;
  }
  return any_recall;
}

}  // namespace

std::vector<StoreRecallPeriod> StoreRecallTask::schedule(uint64_t seed, uint64_t trial_index) const {
  const uint64_t key = detail::trial_seed(seed, trial_index);
  std::vector<StoreRecallPeriod> periods(c_.steps / c_.period_steps);
  bool has_recall = false;
  for (uint64_t draw = 0; draw < kMaxScheduleDraws && !has_recall; ++draw)
    has_recall = draw_commands(periods, key, draw, c_.command_probability);
  if (!has_recall) {
    for (auto& period : periods) period.store = period.recall = false;
    periods.front().store = true;
    periods.back().recall = true;
  }
  // "a sequence of binary values encoded by alternating activity of two groups of input neurons":
  // a fresh fair bit every period, drawn independently of the commands (so redrawing commands
  // does not bias the bits). Recall periods show no value ("Otherwise input neurons were silent").
  int stored = -1;
  for (uint32_t p = 0; p < periods.size(); ++p) {
    StoreRecallPeriod& period = periods[p];
    period.value = period.recall
                       ? -1
                       : (detail::uniform01(key, detail::kStreamStoreRecallValue, p, 0) < 0.5 ? 0 : 1);
    // "output upon a RECALL command the value that was present in the input at the time of the
    // most recent STORE command".
    if (period.store) stored = period.value;
    period.stored = period.recall ? stored : -1;
  }
  return periods;
}

Trial StoreRecallTask::make_trial(uint64_t seed, uint64_t trial_index) const {
  const uint64_t key = detail::trial_seed(seed, trial_index);
  const auto periods = schedule(seed, trial_index);
  const double p = detail::spike_probability(c_.rate_hz, kTaskDtMs);
  const uint32_t g = c_.group_size, D = c_.period_steps;

  Trial t;
  t.steps = c_.steps;
  t.n_inputs = 4 * g;
  t.n_outputs = kOutputs;
  t.loss = LossKind::cross_entropy;
  t.input_spikes.resize(c_.steps);
  t.target.assign(static_cast<size_t>(c_.steps) * kOutputs, 0.0);
  t.target_mask.assign(c_.steps, 0);
  for (uint32_t k = 0; k < periods.size(); ++k) {
    const StoreRecallPeriod& period = periods[k];
    const uint32_t first = k * D, last = first + D;
    for (uint32_t s = first; s < last; ++s) {
      // "encoded by spiking activity at 50 Hz in the corresponding input channels for a time
      // period of D = 200 ms. STORE and RECALL instructions were analogously encoded"; groups are
      // visited in index order so each step's list stays sorted.
      auto& out = t.input_spikes[s];
      if (period.value == 0)
        detail::append_bernoulli_spikes(out, key, detail::kStreamStoreRecallSpike, 0 * g, g, s, p);
      if (period.value == 1)
        detail::append_bernoulli_spikes(out, key, detail::kStreamStoreRecallSpike, 1 * g, g, s, p);
      if (period.store)
        detail::append_bernoulli_spikes(out, key, detail::kStreamStoreRecallSpike, 2 * g, g, s, p);
      if (period.recall)
        detail::append_bernoulli_spikes(out, key, detail::kStreamStoreRecallSpike, 3 * g, g, s, p);
    }
    if (!period.recall || period.stored < 0) continue;
    // "an error signal is provided only during the duration of a RECALL command": target and mask
    // cover the whole recall period, and that period is the window whose mean readout decides the
    // reported bit ("The readout with highest mean activation ... during the recall period").
    for (uint32_t s = first; s < last; ++s) {
      t.target[static_cast<size_t>(s) * kOutputs + static_cast<uint32_t>(period.stored)] = 1.0;
      t.target_mask[s] = 1;
    }
    t.labels.push_back(period.stored);
    t.label_windows.emplace_back(first, last);
  }
  return t;
}

}  // namespace nchip::runtime
