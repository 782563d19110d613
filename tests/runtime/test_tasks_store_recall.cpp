// Store-recall (Bellec et al. 2019, task 1.2): what the inputs say is decoded here from the spikes
// alone, and the targets, mask and labels are checked against that decoding.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <utility>
#include <vector>

#include "runtime/tasks/store_recall.hpp"

using namespace nchip::runtime;

namespace {

constexpr uint32_t kPeriod = 200, kGroup = 25;

// Spikes of group g (0 value-0, 1 value-1, 2 STORE, 3 RECALL) in period p.
struct Decoded {
  std::vector<std::array<size_t, 4>> counts;  // [period][group]
};

Decoded decode(const Trial& t) {
  Decoded d;
  d.counts.assign(t.steps / kPeriod, {0, 0, 0, 0});
  for (uint32_t s = 0; s < t.steps; ++s)
    for (const uint32_t i : t.input_spikes[s]) ++d.counts[s / kPeriod][i / kGroup];
  return d;
}

// An active group has 25 * 200 * 0.05 = 250 expected spikes: P(0 spikes) = 0.95^5000, never.
bool active(const Decoded& d, size_t period, size_t group) { return d.counts[period][group] > 0; }

}  // namespace

TEST_CASE("store-recall: labels and targets and mask follow the decoded inputs") {
  const auto task = make_task("store-recall", {});
  StoreRecallTask direct;
  for (uint64_t k = 0; k < 300; ++k) {
    CAPTURE(k);
    const Trial t = task->make_trial(9, k);
    REQUIRE(t.steps == 2400);
    REQUIRE(t.n_inputs == 100);
    REQUIRE(trial_shape_problem(t).empty());
    const Decoded d = decode(t);
    const auto schedule = direct.schedule(9, k);
    REQUIRE(schedule.size() == 12);

    int stored = -1;  // the value shown at the most recent STORE
    size_t recalls = 0;
    bool awaiting_store = true;
    for (size_t p = 0; p < 12; ++p) {
      const bool store = active(d, p, 2), recall = active(d, p, 3);
      const bool v0 = active(d, p, 0), v1 = active(d, p, 1);
      REQUIRE(!(store && recall));
      REQUIRE(store == schedule[p].store);
      REQUIRE(recall == schedule[p].recall);
      // One value group per non-recall period, none during a recall.
      REQUIRE((v0 || v1) == !recall);
      REQUIRE(!(v0 && v1));
      if (!recall) REQUIRE(schedule[p].value == (v1 ? 1 : 0));
      // Commands alternate, starting with STORE.
      if (store) REQUIRE(awaiting_store);
      if (recall) REQUIRE(!awaiting_store);
      if (store || recall) awaiting_store = !awaiting_store;
      if (store) stored = v1 ? 1 : 0;

      for (uint32_t s = p * kPeriod; s < (p + 1) * kPeriod; ++s) {
        REQUIRE(t.target_mask[s] == (recall ? 1 : 0));
        if (recall) {
          REQUIRE(t.target_at(s, static_cast<uint32_t>(stored)) == 1.0);
          REQUIRE(t.target_at(s, static_cast<uint32_t>(1 - stored)) == 0.0);
        }
      }
      if (recall) {
        REQUIRE(recalls < t.labels.size());
        CHECK(t.labels[recalls] == stored);
        CHECK(t.label_windows[recalls] == std::make_pair<uint32_t, uint32_t>(p * kPeriod, (p + 1) * kPeriod));
        CHECK(schedule[p].stored == stored);
        ++recalls;
      }
    }
    REQUIRE(recalls >= 1);  // every trial carries an error somewhere
    REQUIRE(t.labels.size() == recalls);
  }
}

TEST_CASE("store-recall: active channels fire at 50 Hz and the others are silent") {
  const auto task = make_task("store-recall", {});
  size_t active_spikes = 0, active_neuron_steps = 0, silent_spikes = 0;
  for (uint64_t k = 0; k < 100; ++k) {
    const Trial t = task->make_trial(21, k);
    const Decoded d = decode(t);
    for (size_t p = 0; p < d.counts.size(); ++p)
      for (size_t g = 0; g < 4; ++g) {
        if (active(d, p, g)) {
          active_spikes += d.counts[p][g];
          active_neuron_steps += kGroup * kPeriod;
        }
      }
    // Per channel: silent channels of an active period would not show up above, so check that
    // every spike falls into a group the schedule makes active.
    const auto schedule = StoreRecallTask().schedule(21, k);
    for (uint32_t s = 0; s < t.steps; ++s)
      for (const uint32_t i : t.input_spikes[s]) {
        const auto& period = schedule[s / kPeriod];
        const uint32_t g = i / kGroup;
        const bool expected = (g == 0 && period.value == 0) || (g == 1 && period.value == 1) ||
                              (g == 2 && period.store) || (g == 3 && period.recall);
        if (!expected) ++silent_spikes;
      }
  }
  CHECK(silent_spikes == 0);
  // ~1.3e6 active neuron-steps: sd of the rate estimate ~0.2 Hz.
  const double rate_hz = active_spikes / (active_neuron_steps * 1e-3);
  CHECK(rate_hz == Approx(50.0).margin(1.5));

  TaskOptions slower;
  slower.rate_hz = 20;
  const Trial t = make_task("store-recall", slower)->make_trial(21, 0);
  const Decoded d = decode(t);
  size_t spikes = 0, neuron_steps = 0;
  for (size_t p = 0; p < d.counts.size(); ++p)
    for (size_t g = 0; g < 4; ++g)
      if (active(d, p, g)) {
        spikes += d.counts[p][g];
        neuron_steps += kGroup * kPeriod;
      }
  CHECK(spikes / (neuron_steps * 1e-3) == Approx(20.0).margin(3.0));
}

TEST_CASE("store-recall: commands come with p = 1/6 per period and bits are fair") {
  // Each of the 12 periods carries the awaited command with probability 1/6, so the number of
  // commands N ~ Binomial(12, 1/6); trials are kept when they have a recall, i.e. N >= 2.
  const double p = 1.0 / 6.0;
  double p0 = std::pow(1 - p, 12), p1 = 12 * p * std::pow(1 - p, 11);
  const double expected_commands = (12 * p - p1) / (1 - p0 - p1);  // E[N | N >= 2] ~ 2.80

  StoreRecallTask task;
  const int trials = 4000;
  double commands = 0, ones = 0, labels = 0, delay_periods = 0, recalls = 0;
  for (int k = 0; k < trials; ++k) {
    const auto schedule = task.schedule(77, static_cast<uint64_t>(k));
    int last_store = -1;
    for (int q = 0; q < 12; ++q) {
      commands += schedule[q].store + schedule[q].recall;
      if (schedule[q].store) last_store = q;
      if (schedule[q].recall) {
        delay_periods += q - last_store;
        ++recalls;
        ones += schedule[q].stored;
        ++labels;
      }
    }
  }
  CHECK(commands / trials == Approx(expected_commands).margin(0.06));  // sd ~0.015
  CHECK(ones / labels == Approx(0.5).margin(0.03));
  // Store-to-recall delay: geometric with mean 1/p = 6 periods ("expected delay of D/p = 1.2 s"),
  // shortened here by the 12-period trial; it must still be several periods.
  CHECK(delay_periods / recalls > 2.5);
  CHECK(delay_periods / recalls < 6.0);
}

TEST_CASE("store-recall: longer trials and the minimal 2-period trial") {
  TaskOptions options;
  options.steps = 400;
  const auto task = make_task("store-recall", options);
  for (uint64_t k = 0; k < 20; ++k) {
    const Trial t = task->make_trial(1, k);
    // With two periods the only valid schedule is STORE then RECALL.
    REQUIRE(t.labels.size() == 1);
    REQUIRE(t.label_windows[0] == std::make_pair<uint32_t, uint32_t>(200, 400));
  }
  options.steps = 6000;
  const Trial t = make_task("store-recall", options)->make_trial(1, 0);
  CHECK(t.steps == 6000);
  CHECK(trial_shape_problem(t).empty());
}
