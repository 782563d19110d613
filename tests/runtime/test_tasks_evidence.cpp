// Evidence accumulation (Bellec et al. 2019, Fig. 3; NEST's
// eprop_supervised_classification_evidence-accumulation_bsshslm_2020): the cues are decoded here
// from the spikes alone, and the label, target, mask and window are checked against that decoding.
#include <catch2/catch.hpp>

#include <array>
#include <string>
#include <tuple>
#include <vector>

#include "hw_model/error.hpp"
#include "runtime/tasks/evidence_accumulation.hpp"

using namespace nchip::runtime;

namespace {

// Spikes of population q (0 left, 1 right, 2 recall, 3 noise) over steps [first, last).
size_t population_spikes(const Trial& t, uint32_t q, uint32_t first, uint32_t last) {
  const uint32_t g = t.n_inputs / 4;
  size_t n = 0;
  for (uint32_t s = first; s < last; ++s)
    for (const uint32_t i : t.input_spikes[s]) n += i / g == q;
  return n;
}

std::string message(const TaskOptions& options) {
  try {
    make_task("evidence-accumulation", options);
  } catch (const nchip::InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("evidence-accumulation: NEST's shape by default: 40 inputs, 2 outputs, 2250 steps, recall in the last 150") {
  const auto task = make_task("evidence-accumulation", {});
  CHECK(task->n_inputs() == 40);
  CHECK(task->n_outputs() == 2);
  CHECK(task->loss() == LossKind::cross_entropy);
  CHECK(task->steps() == 2250);
  const Trial t = task->make_trial(1, 0);
  REQUIRE(t.steps == 2250);
  REQUIRE(trial_shape_problem(t).empty());
  REQUIRE(t.label_windows == std::vector<std::pair<uint32_t, uint32_t>>{{2100, 2250}});
  REQUIRE(t.labels.size() == 1);
  for (uint32_t s = 0; s < t.steps; ++s) {
    REQUIRE(t.target_mask[s] == (s >= 2100 ? 1 : 0));
    for (uint32_t k = 0; k < 2; ++k)
      REQUIRE(t.target_at(s, k) == (s >= 2100 && static_cast<int>(k) == t.labels[0] ? 1.0 : 0.0));
  }
  // 7 cues of 100 steps, each after 50 silent steps (NEST: start = c (cue + spacing) + spacing).
  EvidenceAccumulationTask direct;
  for (uint32_t c = 0; c < 7; ++c) CHECK(direct.cue_window(c) == std::pair<uint32_t, uint32_t>{150 * c + 50, 150 * c + 150});
}

TEST_CASE("evidence-accumulation: spikes decode to the schedule and the label is the majority side") {
  const auto task = make_task("evidence-accumulation", {});
  EvidenceAccumulationTask direct;
  size_t minority = 0, cues = 0, right_majority = 0, noise = 0;
  const int trials = 200;
  for (int k = 0; k < trials; ++k) {
    CAPTURE(k);
    const Trial t = task->make_trial(4, static_cast<uint64_t>(k));
    const EvidenceSchedule sched = direct.schedule(4, static_cast<uint64_t>(k));
    REQUIRE(sched.cues.size() == 7);
    int right = 0;
    for (uint32_t c = 0; c < 7; ++c) {
      const auto [first, last] = direct.cue_window(c);
      // 10 neurons x 100 steps at 40 Hz: 40 spikes expected, P(none) = 0.96^1000.
      const size_t left_spikes = population_spikes(t, 0, first, last), right_spikes = population_spikes(t, 1, first, last);
      REQUIRE((left_spikes > 0) != (right_spikes > 0));
      const int side = right_spikes > 0 ? 1 : 0;
      REQUIRE(side == sched.cues[c]);
      right += side;
      REQUIRE(population_spikes(t, 0, first - 50, first) + population_spikes(t, 1, first - 50, first) == 0);
      minority += side != sched.majority;
      ++cues;
    }
    // Cue populations silent through the delay and the recall; recall population only in the recall.
    REQUIRE(population_spikes(t, 0, 1050, 2250) + population_spikes(t, 1, 1050, 2250) == 0);
    REQUIRE(population_spikes(t, 2, 0, 2100) == 0);
    REQUIRE(population_spikes(t, 2, 2100, 2250) > 0);
    const int majority_side = right > 3 ? 1 : 0;  // 7 cues: no ties
    REQUIRE(t.labels == std::vector<int>{majority_side});
    REQUIRE(sched.label == majority_side);
    right_majority += sched.majority;
    noise += population_spikes(t, 3, 0, 2250);
  }
  // Minority-side cues with probability 0.3: 1400 cues, sd of the fraction ~0.012.
  CHECK(double(minority) / cues == Approx(0.3).margin(0.04));
  CHECK(double(right_majority) / trials == Approx(0.5).margin(0.1));
  // Background noise at 10 Hz on 10 neurons for 2.25 s: 225 spikes per trial expected.
  CHECK(double(noise) / trials == Approx(225).margin(8));
}

TEST_CASE("evidence-accumulation: exact schedules for seed 1, trials 0-5") {
  EvidenceAccumulationTask task;
  // Pinned from this implementation (counter RNG streams 0x7A5C0401/02): {majority, cues, label}.
  const std::vector<std::tuple<int, std::vector<int>, int>> expected = {
      {1, {1, 1, 1, 1, 0, 1, 1}, 1},
      {1, {0, 0, 1, 1, 0, 1, 0}, 0},  // the minority side got more cues: the label follows the cues
      {0, {0, 0, 1, 0, 0, 0, 0}, 0},
      {0, {0, 1, 0, 0, 0, 1, 1}, 0},
      {0, {1, 0, 0, 0, 0, 0, 1}, 0},
      {0, {0, 0, 0, 1, 1, 0, 0}, 0},
  };
  for (size_t k = 0; k < expected.size(); ++k) {
    CAPTURE(k);
    const EvidenceSchedule s = task.schedule(1, k);
    CHECK(s.majority == std::get<0>(expected[k]));
    CHECK(s.cues == std::get<1>(expected[k]));
    CHECK(s.label == std::get<2>(expected[k]));
  }
  // And the first spikes of trial 0 (step, input), so a change of the spike draws shows too:
  // noise only (inputs 30-39) until the first cue at step 50.
  const Trial t = task.make_trial(1, 0);
  std::vector<std::pair<uint32_t, uint32_t>> first;
  for (uint32_t s = 0; s < t.steps && first.size() < 6; ++s)
    for (const uint32_t i : t.input_spikes[s])
      if (first.size() < 6) first.emplace_back(s, i);
  CHECK(first == std::vector<std::pair<uint32_t, uint32_t>>{{11, 39}, {17, 32}, {17, 34}, {27, 31}, {40, 30}, {49, 32}});
}

TEST_CASE("evidence-accumulation: shape and timing from options") {
  TaskOptions o;
  o.inputs = 8;
  o.cues = 3;
  o.cue_steps = 20;
  o.cue_spacing_steps = 10;
  o.recall_steps = 30;
  o.steps = 200;  // the delay is what the cues (90) and the recall (30) leave: 80
  o.rate_hz = 200;
  o.noise_rate_hz = 0;
  const auto task = make_task("evidence-accumulation", o);
  CHECK(task->n_inputs() == 8);
  CHECK(task->steps() == 200);
  const auto& direct = dynamic_cast<const EvidenceAccumulationTask&>(*task);
  CHECK(direct.config().delay_steps == 80);
  CHECK(direct.cue_window(2) == std::pair<uint32_t, uint32_t>{70, 90});
  const Trial t = task->make_trial(3, 2);
  REQUIRE(trial_shape_problem(t).empty());
  CHECK(t.label_windows == std::vector<std::pair<uint32_t, uint32_t>>{{170, 200}});
  CHECK(population_spikes(t, 3, 0, 200) == 0);  // --noise-rate 0
  const EvidenceSchedule s = direct.schedule(3, 2);
  for (uint32_t c = 0; c < 3; ++c) {
    const auto [first, last] = direct.cue_window(c);
    CHECK(population_spikes(t, static_cast<uint32_t>(s.cues[c]), first, last) > 0);
    CHECK(population_spikes(t, static_cast<uint32_t>(1 - s.cues[c]), first, last) == 0);
  }
  // --delay-steps alone sets the length.
  TaskOptions d;
  d.delay_steps = 0;
  CHECK(make_task("evidence-accumulation", d)->steps() == 1200);
  // --cue-probability 0: every cue on the majority side.
  TaskOptions p0;
  p0.cue_probability = 0.0;
  EvidenceAccumulationConfig c0;
  c0.cue_probability = 0.0;
  const EvidenceSchedule s0 = EvidenceAccumulationTask(c0).schedule(1, 9);
  CHECK(s0.cues == std::vector<int>(7, s0.majority));
  CHECK(s0.label == s0.majority);
}

TEST_CASE("evidence-accumulation: a shape that cannot work is refused with one line naming the option") {
  const auto with = [](auto set) {
    TaskOptions o;
    set(o);
    return message(o);
  };
  CHECK(with([](TaskOptions& o) { o.inputs = 42; }) ==
        "task 'evidence-accumulation': --inputs 42 is not a positive multiple of 4 (left cue, right cue, recall and "
        "noise populations)");
  CHECK(with([](TaskOptions& o) { o.outputs = 3; }) ==
        "task 'evidence-accumulation': --outputs 3: the task has 2 readouts (one per side)");
  CHECK(with([](TaskOptions& o) { o.cues = 0; }) == "task 'evidence-accumulation': --cues must be at least 1");
  CHECK(with([](TaskOptions& o) { o.cue_probability = 0.7; }) ==
        "task 'evidence-accumulation': --cue-probability 0.7 outside [0, 0.5] (it is the minority side's)");
  CHECK(with([](TaskOptions& o) { o.noise_rate_hz = 2000; }) ==
        "task 'evidence-accumulation': --noise-rate 2000 outside [0, 1000] Hz");
  CHECK(with([](TaskOptions& o) { o.steps = 1000; }) ==
        "task 'evidence-accumulation': --steps 1000 is shorter than the cues (7 x (100 + 50) steps) plus the 150-step "
        "recall (1200 steps)");
  CHECK(with([](TaskOptions& o) {
          o.steps = 2000;
          o.delay_steps = 10;
        }) == "task 'evidence-accumulation': --steps 2000 disagrees with the cues, --delay-steps 10 and the recall "
              "(1210 steps); give one of --steps and --delay-steps");
  CHECK(with([](TaskOptions& o) { o.recall_steps = 0; }) ==
        "task 'evidence-accumulation': --recall-steps must be at least 1 (the error and the decision are there)");
  CHECK(with([](TaskOptions& o) { o.period_steps = 100; }) ==
        "task 'evidence-accumulation': --period-steps does not apply (only store-recall)");
  CHECK(with([](TaskOptions& o) { o.n_inputs = 100; }) ==
        "task 'evidence-accumulation' has 40 inputs but n_inputs = 100 was asked (the network's input population "
        "must have 40 neurons)");
}
