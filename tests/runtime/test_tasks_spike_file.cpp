// Spike file: round trip of generated trials, and one check per class of malformed file.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "hw_model/error.hpp"
#include "runtime/tasks/spike_file.hpp"
#include "runtime/tasks/task.hpp"

using namespace nchip::runtime;

namespace {

std::string temp_path(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(NCHIP_BINARY_DIR) / "test_tasks_tmp";
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string parse_error(const std::string& text) {
  try {
    parse_spike_file(text, "in.json");
  } catch (const nchip::InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("spike file: generated trials survive a round trip through a file") {
  TaskOptions poisson;
  poisson.n_inputs = 12;
  poisson.steps = 50;
  const std::vector<Trial> trials = {make_task("pattern-generation", {})->make_trial(3, 0),
                                     make_task("store-recall", {})->make_trial(3, 4),
                                     make_task("poisson", poisson)->make_trial(3, 1)};
  for (size_t k = 0; k < trials.size(); ++k) {
    CAPTURE(k);
    const std::string path = temp_path("round_trip_" + std::to_string(k) + ".json");
    const std::string text = spike_file_json(trials[k]);
    write_text(path, text);
    const Trial back = read_spike_file(path);
    CHECK(back == trials[k]);  // bit-exact targets included
    CHECK(spike_file_json(back) == text);
  }
}

TEST_CASE("spike file: minimal file gets documented defaults") {
  const Trial t = parse_spike_file(R"({"steps": 3, "n_inputs": 4, "spikes": [[2, 3], [0, 1], [2, 0]]})", "x");
  CHECK(t.steps == 3);
  CHECK(t.n_inputs == 4);
  CHECK(t.n_outputs == 0);
  CHECK(t.input_spikes == std::vector<std::vector<uint32_t>>{{1}, {}, {0, 3}});  // sorted per step
  CHECK(t.target.empty());
  CHECK(t.target_mask == std::vector<uint8_t>{0, 0, 0});
  CHECK(t.loss == LossKind::mse);

  const Trial r = parse_spike_file(
      R"({"steps": 2, "n_inputs": 1, "spikes": [], "n_outputs": 2, "target": [[0.5, -1], [2, 3e-3]]})", "x");
  CHECK(r.target == std::vector<double>{0.5, -1, 2, 3e-3});
  CHECK(r.target_mask == std::vector<uint8_t>{1, 1});  // a target given counts everywhere
}

TEST_CASE("spike file: each malformed file is one line naming the path and JSON pointer") {
  const std::string base = R"("steps": 3, "n_inputs": 2)";
  const std::string with_target = base + R"(, "spikes": [], "n_outputs": 2)";
  struct Case {
    std::string text, message;
  };
  const std::vector<Case> cases = {
      // bad JSON
      // (nlohmann's wording after the position may change between versions: "..." matches a prefix)
      {"{\"steps\": 3,", "in.json: line 1, column 13: ..."},
      {"{\"steps\": 3,\n \"n_inputs\": x}", "in.json: line 2, column 14: ..."},
      {"", "in.json: line 1, column 1: ..."},
      // issue #15 row 5: every JSON failure is an input error (these were exit 1 or silently last-wins)
      {R"({"steps": 1e999, "n_inputs": 2, "spikes": []})",
       "in.json: /steps: expected a finite number, got 1e999 (too large for a double)"},
      {R"({"steps": 3, "n_inputs": 2, "spikes": [[0, 1], [1e999, 0]]})",
       "in.json: /spikes/1/0: expected a finite number, got 1e999 (too large for a double)"},
      {R"([1e999])", "in.json: /0: expected a finite number, got 1e999 (too large for a double)"},
      {R"({"steps": 3, "n_inputs": 2, "steps": 2, "spikes": []})",
       "in.json: /steps: duplicate key 'steps' (JSON would silently keep only the last one)"},
      {"[1, 2]", "in.json: (document): expected a JSON object, got an array of 2"},
      // missing and unknown fields
      {R"({"n_inputs": 2, "spikes": []})", "in.json: /steps: missing field"},
      {R"({"steps": 3, "spikes": []})", "in.json: /n_inputs: missing field"},
      {"{" + base + "}", "in.json: /spikes: missing field"},
      {"{" + base + R"(, "spikes": [], "spike": []})",
       "in.json: /spike: unknown field (expected steps, n_inputs, spikes, n_outputs, loss, target, mask, labels)"},
      {"{" + base + R"(, "spikes": [], "a/b~\n": 1})",
       "in.json: /a~1b~0\\x0a: unknown field (expected steps, n_inputs, spikes, n_outputs, loss, target, mask, labels)"},
      // wrong types and ranges of counts
      {R"({"steps": 0, "n_inputs": 2, "spikes": []})", "in.json: /steps: steps must be at least 1"},
      {R"({"steps": -3, "n_inputs": 2, "spikes": []})", "in.json: /steps: steps must be >= 0, got -3"},
      {R"({"steps": 2.5, "n_inputs": 2, "spikes": []})", "in.json: /steps: steps must be an integer, got 2.5"},
      {R"({"steps": "3", "n_inputs": 2, "spikes": []})", "in.json: /steps: steps must be an integer, got a string"},
      {R"({"steps": 10000001, "n_inputs": 2, "spikes": []})",
       "in.json: /steps: steps 10000001 out of range [0, 10000001)"},
      // spikes: shape, step and index range, duplicates
      {"{" + base + R"(, "spikes": {}})", "in.json: /spikes: expected an array, got an object"},
      {"{" + base + R"(, "spikes": [[0, 1], [1]]})", "in.json: /spikes/1: expected [step, input_index], got an array of 1"},
      {"{" + base + R"(, "spikes": [[0, 1], 7]})", "in.json: /spikes/1: expected [step, input_index], got 7"},
      {"{" + base + R"(, "spikes": [[0, 1], [3, 0]]})", "in.json: /spikes/1/0: step 3 out of range [0, 3)"},
      {"{" + base + R"(, "spikes": [[0, 2]]})", "in.json: /spikes/0/1: input index 2 out of range [0, 2)"},
      {"{" + base + R"(, "spikes": [[0, -1]]})", "in.json: /spikes/0/1: input index must be >= 0, got -1"},
      {"{" + base + R"(, "spikes": [[1, 1], [0, 0], [1, 1]]})",
       "in.json: /spikes/2: duplicate spike (step 1, input 1), first at /spikes/0"},
      // target shape and values
      {"{" + base + R"(, "spikes": [], "target": [[1], [1], [1]]})", "in.json: /target: given but n_outputs is 0 (set n_outputs)"},
      {"{" + with_target + "}", "in.json: /target: missing field (required when n_outputs > 0)"},
      {"{" + with_target + R"(, "target": [[1, 2], [1, 2]]})", "in.json: /target: expected an array of 3, got an array of 2"},
      {"{" + with_target + R"(, "target": [[1, 2], [1], [1, 2]]})", "in.json: /target/1: expected an array of 2, got an array of 1"},
      {"{" + with_target + R"(, "target": [[1, 2], [1, "x"], [1, 2]]})", "in.json: /target/1/1: expected a number, got a string"},
      // mask
      {"{" + base + R"(, "spikes": [], "mask": [0, 0, 0]})", "in.json: /mask: given but n_outputs is 0 (no target)"},
      {"{" + with_target + R"(, "target": [[1, 2], [1, 2], [1, 2]], "mask": [1, 0]})",
       "in.json: /mask: expected an array of 3, got an array of 2"},
      {"{" + with_target + R"(, "target": [[1, 2], [1, 2], [1, 2]], "mask": [1, 0, 2]})", "in.json: /mask/2: expected 0 or 1, got 2"},
      {"{" + with_target + R"(, "target": [[1, 2], [1, 2], [1, 2]], "mask": [1, 0, true]})",
       "in.json: /mask/2: expected 0 or 1, got true"},
      // loss and classification targets
      {"{" + with_target + R"(, "target": [[1, 2], [1, 2], [1, 2]], "loss": "hinge"})",
       "in.json: /loss: expected \"mse\" or \"cross_entropy\", got \"hinge\""},
      {"{" + with_target + R"(, "target": [[1, 0], [0.5, 0.25], [0, 1]], "loss": "cross_entropy"})",
       "in.json: /target/1: row sums to 0.75, not 1 (loss cross_entropy, mask 1)"},
      {"{" + with_target + R"(, "target": [[1, 0], [2, -1], [0, 1]], "loss": "cross_entropy", "mask": [1, 1, 0]})",
       "in.json: /target/1/0: 2 is not a probability (loss cross_entropy)"},
      // labels
      {"{" + with_target + R"(, "target": [[1, 0], [1, 0], [1, 0]], "labels": [[0, 3, 2]]})",
       "in.json: /labels/0/2: label 2 out of range [0, 2)"},
      {"{" + with_target + R"(, "target": [[1, 0], [1, 0], [1, 0]], "labels": [[2, 2, 0]]})",
       "in.json: /labels/0/1: last_step 2 must exceed first_step 2"},
      {"{" + with_target + R"(, "target": [[1, 0], [1, 0], [1, 0]], "labels": [[0, 4, 0]]})",
       "in.json: /labels/0/1: last_step 4 out of range [0, 4)"},
      {"{" + with_target + R"(, "target": [[1, 0], [1, 0], [1, 0]], "labels": [[0, 1]]})",
       "in.json: /labels/0: expected [first_step, last_step, label], got an array of 2"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    const std::string message = parse_error(c.text);
    const auto dots = c.message.rfind("...");
    if (dots != std::string::npos && dots + 3 == c.message.size())
      CHECK(message.rfind(c.message.substr(0, dots), 0) == 0);
    else
      CHECK(message == c.message);
    CHECK(message.find('\n') == std::string::npos);
  }
}

TEST_CASE("spike file: file-level problems name the path") {
  const std::string missing = temp_path("does_not_exist.json");
  std::filesystem::remove(missing);
  auto message = [](const std::string& path) {
    try {
      read_spike_file(path);
    } catch (const nchip::InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message(missing) == missing + ": (document): cannot open: no such file");
  const std::string dir = temp_path("a_directory");
  std::filesystem::create_directories(dir);
  CHECK(message(dir) == dir + ": (document): cannot open: is a directory");
  const std::string bad = temp_path("bad_step.json");
  write_text(bad, R"({"steps": 2, "n_inputs": 1, "spikes": [[5, 0]]})");
  CHECK(message(bad) == bad + ": /spikes/0/0: step 5 out of range [0, 2)");
}

TEST_CASE("spike file: writer refuses inconsistent trials") {
  Trial t;
  t.steps = 2;
  t.n_inputs = 1;
  t.input_spikes = {{0}, {1}};  // input 1 does not exist
  t.target_mask = {0, 0};
  CHECK_THROWS_AS(spike_file_json(t), std::invalid_argument);
  t.input_spikes = {{0}, {}};
  CHECK_NOTHROW(spike_file_json(t));
  t.n_outputs = 1;
  t.target = {0.0, std::nan("")};
  t.target_mask = {1, 1};
  CHECK_THROWS_AS(spike_file_json(t), std::invalid_argument);
}
