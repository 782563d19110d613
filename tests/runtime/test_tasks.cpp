// Task registry, determinism of every generator, and the poisson task.
#include <catch2/catch.hpp>

#include <string>

#include "hw_model/error.hpp"
#include "runtime/tasks/task.hpp"

using namespace nchip::runtime;

namespace {

std::unique_ptr<Task> task_by_name(const std::string& name) {
  TaskOptions options;
  if (name == "poisson") options.n_inputs = 30;
  return make_task(name, options);
}

size_t spike_count(const Trial& t) {
  size_t n = 0;
  for (const auto& row : t.input_spikes) n += row.size();
  return n;
}

}  // namespace

TEST_CASE("task_names lists the four tasks and make_task builds each") {
  const auto names = task_names();
  REQUIRE(names == std::vector<std::string>{"pattern-generation", "store-recall", "poisson", "evidence-accumulation"});
  for (const auto& name : names) {
    const auto task = task_by_name(name);
    REQUIRE(task->name() == name);
  }
  CHECK(task_by_name("pattern-generation")->n_inputs() == 20);
  CHECK(task_by_name("pattern-generation")->n_outputs() == 3);
  CHECK(task_by_name("pattern-generation")->loss() == LossKind::mse);
  CHECK(task_by_name("store-recall")->n_inputs() == 100);
  CHECK(task_by_name("store-recall")->n_outputs() == 2);
  CHECK(task_by_name("store-recall")->loss() == LossKind::cross_entropy);
  CHECK(task_by_name("poisson")->n_inputs() == 30);
  CHECK(task_by_name("poisson")->n_outputs() == 0);
}

TEST_CASE("make_task rejects unknown names and inapplicable options with one line") {
  auto message = [](const std::string& name, const TaskOptions& options) {
    try {
      make_task(name, options);
    } catch (const nchip::InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message("xor", {}) == "unknown task 'xor' (expected pattern-generation, store-recall, poisson, evidence-accumulation)");
  CHECK(message("a\nb", {}) == "unknown task 'a\\x0ab' (expected pattern-generation, store-recall, poisson, evidence-accumulation)");
  CHECK(message("poisson", {}) == "task 'poisson': n_inputs is required (the network's input count)");

  TaskOptions wrong_inputs;
  wrong_inputs.n_inputs = 80;
  CHECK(message("store-recall", wrong_inputs) ==
        "task 'store-recall' has 100 inputs but n_inputs = 80 was asked (the network's input "
        "population must have 100 neurons)");
  wrong_inputs.n_inputs = 20;
  CHECK(message("pattern-generation", wrong_inputs) == "no error");

  TaskOptions rate;
  rate.rate_hz = 20;
  CHECK(message("pattern-generation", rate) ==
        "task 'pattern-generation': rate_hz does not apply (its clock inputs fire at a fixed 100 Hz)");
  rate.rate_hz = 1500;
  rate.n_inputs = 4;
  CHECK(message("poisson", rate) == "task 'poisson': rate_hz = 1500 outside [0, 1000]");
  CHECK(message("store-recall", TaskOptions{{}, {}, -1.0}) == "task 'store-recall': rate_hz = -1 outside [0, 1000]");

  TaskOptions steps;
  steps.steps = 2500;
  CHECK(message("store-recall", steps) ==
        "task 'store-recall': steps = 2500 must be a multiple of the 200-step command period with "
        "at least 2 periods (one STORE and one RECALL)");
  steps.steps = 200;
  CHECK(message("store-recall", steps) != "no error");
  steps.steps = 0;
  CHECK(message("pattern-generation", steps) == "task 'pattern-generation': steps must be at least 1");
}

TEST_CASE("every task: same seed and index give the same trial whatever came before") {
  for (const auto& name : task_names()) {
    CAPTURE(name);
    const auto task = task_by_name(name);
    const Trial a = task->make_trial(42, 7);
    // Generate other trials in between: a sequential generator would drift here.
    for (uint64_t k = 0; k < 5; ++k) (void)task->make_trial(k, k);
    const Trial b = task_by_name(name)->make_trial(42, 7);
    REQUIRE(a == b);
    REQUIRE(trial_shape_problem(a).empty());
    CHECK(a.n_inputs == task->n_inputs());
    CHECK(a.n_outputs == task->n_outputs());
    CHECK(a.loss == task->loss());
  }
}

TEST_CASE("store-recall and poisson: another trial index or seed gives another trial") {
  for (const std::string name : {"store-recall", "poisson"}) {
    CAPTURE(name);
    const auto task = task_by_name(name);
    const Trial a = task->make_trial(42, 7);
    CHECK(a.input_spikes != task->make_trial(42, 8).input_spikes);
    CHECK(a.input_spikes != task->make_trial(43, 7).input_spikes);
    // Trial k of seed s must not be trial k+1 of seed s-1 or similar shifted reuse.
    CHECK(a.input_spikes != task->make_trial(41, 8).input_spikes);
  }
}

TEST_CASE("poisson: rate close to the asked one and no target") {
  TaskOptions options;
  options.n_inputs = 200;
  options.steps = 1000;
  const auto task = make_task("poisson", options);
  size_t spikes = 0;
  const int trials = 10;
  for (int k = 0; k < trials; ++k) {
    const Trial t = task->make_trial(5, static_cast<uint64_t>(k));
    spikes += spike_count(t);
    REQUIRE(t.n_outputs == 0);
    REQUIRE(t.target.empty());
    REQUIRE(t.target_mask == std::vector<uint8_t>(1000, 0));
    REQUIRE(t.labels.empty());
  }
  // 10 Hz default: expected 0.01 per input-step; 2e6 input-steps give sd ~ 0.07 Hz.
  const double rate_hz = spikes / (trials * 200.0 * 1000 * 1e-3);
  CHECK(rate_hz == Approx(10.0).margin(0.4));

  options.rate_hz = 0;
  CHECK(spike_count(make_task("poisson", options)->make_trial(1, 1)) == 0);
  options.rate_hz = 1000;
  CHECK(spike_count(make_task("poisson", options)->make_trial(1, 1)) == 200u * 1000u);
}
