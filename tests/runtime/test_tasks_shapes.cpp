// Task shapes from options (issue #13): pattern generation with any input/readout count and
// NEST's sine-wave configuration (--preset nest-sine), store-recall with other groups and
// periods; a shape that cannot work is one line naming the option.
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "hw_model/error.hpp"
#include "runtime/tasks/pattern_generation.hpp"
#include "runtime/tasks/store_recall.hpp"

using namespace nchip::runtime;

namespace {

constexpr double kPi = 3.14159265358979323846;

std::string message(const std::string& task, const TaskOptions& options) {
  try {
    make_task(task, options);
  } catch (const nchip::InputError& e) {
    return e.what();
  }
  return "no error";
}

TaskOptions nest_sine() {
  TaskOptions o;
  apply_task_preset("pattern-generation", "nest-sine", o);
  return o;
}

}  // namespace

TEST_CASE("pattern-generation: 100 clock inputs and 1 readout from --inputs and --outputs") {
  TaskOptions o;
  o.inputs = 100;
  o.outputs = 1;
  const auto task = make_task("pattern-generation", o);
  REQUIRE(task->n_inputs() == 100);
  REQUIRE(task->n_outputs() == 1);
  const Trial t = task->make_trial(1, 0);
  REQUIRE(trial_shape_problem(t).empty());
  // 5 groups of 20: group i fires together every 10th step of [200 i, 200 i + 200).
  std::set<std::pair<uint32_t, uint32_t>> expected, got;
  for (uint32_t group = 0; group < 5; ++group)
    for (uint32_t step = 200 * group; step < 200 * group + 200; step += 10)
      for (uint32_t input = 20 * group; input < 20 * group + 20; ++input) expected.insert({step, input});
  for (uint32_t s = 0; s < t.steps; ++s)
    for (const uint32_t i : t.input_spikes[s]) got.insert({s, i});
  CHECK(got == expected);
  // The one readout's target is output 0 of the paper's draw (same stream indices).
  const auto paper = PatternGenerationTask::target_components(1);
  for (const uint32_t s : {0u, 333u, 999u})
    CHECK(t.target_at(s, 0) == PatternGenerationTask::target_value(paper[0], s * 1e-3));

  TaskOptions clock;
  clock.groups = 4;
  clock.group_steps = 50;
  const Trial c = make_task("pattern-generation", clock)->make_trial(1, 0);  // 4 groups of 5, 200-step cycle
  CHECK(c.input_spikes[0] == std::vector<uint32_t>{0, 1, 2, 3, 4});
  CHECK(c.input_spikes[60] == std::vector<uint32_t>{5, 6, 7, 8, 9});
  CHECK(c.input_spikes[190] == std::vector<uint32_t>{15, 16, 17, 18, 19});
  CHECK(c.input_spikes[200] == c.input_spikes[0]);
  CHECK(c.input_spikes[61].empty());
}

TEST_CASE("pattern-generation --preset nest-sine is NEST's sine-wave regression") {
  const TaskOptions o = nest_sine();
  const auto task = make_task("pattern-generation", o);
  const auto& pg = dynamic_cast<const PatternGenerationTask&>(*task);
  // NEST eprop_supervised_regression_sine-waves: n_in 100, Poisson 50 Hz, n_out 1, 1000-step
  // sequences, target = sum of sines with periods 1000, 500, 333, 200 ms, A ~ U[0.5, 2], phase ~ U[0, 2 pi).
  CHECK(task->n_inputs() == 100);
  CHECK(task->n_outputs() == 1);
  CHECK(task->steps() == 1000);
  CHECK(pg.config().poisson_inputs);
  CHECK(pg.config().rate_hz == 50.0);
  const auto components = pg.components(7);
  REQUIRE(components.size() == 1);
  REQUIRE(components[0].size() == 4);
  const double periods[4] = {1000, 500, 333, 200};
  for (size_t m = 0; m < 4; ++m) {
    CHECK(components[0][m].freq_hz == 1000.0 / periods[m]);
    CHECK(components[0][m].amplitude >= 0.5);
    CHECK(components[0][m].amplitude <= 2.0);
    CHECK(components[0][m].phase_rad >= 0.0);
    CHECK(components[0][m].phase_rad < 2 * kPi);
  }
  const Trial t = task->make_trial(7, 0);
  REQUIRE(trial_shape_problem(t).empty());
  for (const uint32_t s : {0u, 1u, 250u, 999u}) {
    double y = 0;
    for (const auto& c : components[0]) y += c.amplitude * std::sin(2 * kPi * c.freq_hz * s / 1000.0 + c.phase_rad);
    CHECK(t.target_at(s, 0) == Approx(y).margin(1e-12));
  }
  CHECK(t.target_mask == std::vector<uint8_t>(1000, 1));
  // Frozen across iterations: every trial index is the same trial; another seed another one.
  CHECK(task->make_trial(7, 0) == task->make_trial(7, 31));
  CHECK(task->make_trial(7, 0).input_spikes != task->make_trial(8, 0).input_spikes);
  // 100 inputs x 1000 steps at 50 Hz: 5000 spikes expected (sd 69).
  size_t spikes = 0;
  for (const auto& row : t.input_spikes) spikes += row.size();
  CHECK(double(spikes) == Approx(5000).margin(300));
  // Exact values pinned from this implementation (seed 7): amplitudes and the first spikes.
  CHECK(components[0][0].amplitude == Approx(1.4341016693824282).margin(1e-12));
  CHECK(components[0][3].phase_rad == Approx(6.1333445774394901).margin(1e-12));
  CHECK(t.input_spikes[0] == std::vector<uint32_t>{66, 71, 72, 84, 94, 95});
  CHECK(t.target_at(0, 0) == Approx(2.633444583928767).margin(1e-12));
}

TEST_CASE("store-recall: --inputs and --period-steps and --command-probability shape the task") {
  TaskOptions o;
  o.inputs = 40;
  o.period_steps = 50;
  o.steps = 400;
  o.command_probability = 0.5;
  const auto task = make_task("store-recall", o);
  REQUIRE(task->n_inputs() == 40);
  const auto& sr = dynamic_cast<const StoreRecallTask&>(*task);
  for (uint64_t k = 0; k < 50; ++k) {
    CAPTURE(k);
    const Trial t = task->make_trial(2, k);
    REQUIRE(trial_shape_problem(t).empty());
    const auto schedule = sr.schedule(2, k);
    REQUIRE(schedule.size() == 8);
    for (uint32_t p = 0; p < 8; ++p) {
      std::array<size_t, 4> counts{};
      for (uint32_t s = 50 * p; s < 50 * p + 50; ++s)
        for (const uint32_t i : t.input_spikes[s]) ++counts[i / 10];
      // 10 neurons x 50 steps at 50 Hz: 25 spikes expected; P(none) = 0.95^500.
      REQUIRE((counts[2] > 0) == schedule[p].store);
      REQUIRE((counts[3] > 0) == schedule[p].recall);
      REQUIRE((counts[0] > 0) == (schedule[p].value == 0));
      REQUIRE((counts[1] > 0) == (schedule[p].value == 1));
    }
    for (size_t w = 0; w < t.label_windows.size(); ++w) REQUIRE((t.label_windows[w].second - t.label_windows[w].first) == 50);
  }
  // Exact schedule, pinned from this implementation (seed 2, trial 0): store/recall per period.
  std::string commands;
  for (const auto& p : sr.schedule(2, 0)) commands += p.store ? 'S' : p.recall ? 'R' : '.';
  CHECK(commands == "SR.SR...");
}

TEST_CASE("pattern-generation and store-recall: a shape that cannot work is one line naming the option") {
  const auto pg = [](auto set) {
    TaskOptions o;
    set(o);
    return message("pattern-generation", o);
  };
  CHECK(pg([](TaskOptions& o) { o.inputs = 21; }) ==
        "task 'pattern-generation': --inputs 21 is not a multiple of --groups 5 (each clock group has inputs / groups "
        "neurons)");
  CHECK(pg([](TaskOptions& o) { o.outputs = 0; }) == "task 'pattern-generation': --outputs must be at least 1");
  CHECK(pg([](TaskOptions& o) { o.pattern_input = "noise"; }) ==
        "task 'pattern-generation': --pattern-input: expected clock or poisson, got 'noise'");
  CHECK(pg([](TaskOptions& o) {
          o.pattern_input = "poisson";
          o.groups = 4;
        }) == "task 'pattern-generation': --groups does not apply (only pattern-generation with clock inputs)");
  CHECK(pg([](TaskOptions& o) { o.amplitude_min = 3; }) ==
        "task 'pattern-generation': --amplitude-min 3 and --amplitude-max 2 must satisfy 0 <= min <= max");
  CHECK(pg([](TaskOptions& o) { o.periods_ms = std::vector<double>{}; }) ==
        "task 'pattern-generation': --periods-ms needs at least one period");
  CHECK(pg([](TaskOptions& o) { o.cues = 3; }) ==
        "task 'pattern-generation': --cues does not apply (only evidence-accumulation)");
  CHECK(pg([](TaskOptions& o) {
          o.pattern_input = "poisson";
          o.rate_hz = 1001;
        }) == "task 'pattern-generation': rate_hz = 1001 outside [0, 1000]");
  const auto sr = [](auto set) {
    TaskOptions o;
    set(o);
    return message("store-recall", o);
  };
  CHECK(sr([](TaskOptions& o) { o.inputs = 30; }) ==
        "task 'store-recall': --inputs 30 is not a positive multiple of 4 (value 0, value 1, STORE and RECALL groups)");
  CHECK(sr([](TaskOptions& o) { o.outputs = 1; }) == "task 'store-recall': --outputs 1: the task has 2 readouts (one per bit)");
  CHECK(sr([](TaskOptions& o) { o.command_probability = 0; }) ==
        "task 'store-recall': --command-probability 0 outside (0, 1]");
  CHECK(sr([](TaskOptions& o) { o.period_steps = 350; }) ==
        "task 'store-recall': steps = 2400 must be a multiple of the 350-step command period with at least 2 periods "
        "(one STORE and one RECALL)");
  CHECK(sr([](TaskOptions& o) { o.groups = 2; }) ==
        "task 'store-recall': --groups does not apply (only pattern-generation with clock inputs)");
  CHECK(message("poisson", [] {
          TaskOptions o;
          o.n_inputs = 3;
          o.inputs = 3;
          return o;
        }()) == "task 'poisson': --inputs does not apply (only pattern-generation, store-recall and evidence-accumulation)");
  TaskOptions preset;
  CHECK_THROWS_WITH(apply_task_preset("store-recall", "nest-sine", preset),
                    "--preset: unknown preset 'nest-sine' for task 'store-recall' (expected none: it has no presets)");
  CHECK_THROWS_WITH(apply_task_preset("pattern-generation", "nest", preset),
                    "--preset: unknown preset 'nest' for task 'pattern-generation' (expected nest-sine)");
  // A preset fills only what is unset: --outputs 2 with nest-sine keeps 2 readouts.
  TaskOptions two;
  two.outputs = 2;
  apply_task_preset("pattern-generation", "nest-sine", two);
  CHECK(make_task("pattern-generation", two)->n_outputs() == 2);
}
