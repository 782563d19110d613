// The checkpoint file and the state vectors it carries (runtime/train/checkpoint_file.hpp,
// hw_model/learning/state_vectors.hpp): every value comes back exactly (NaN and -0.0 doubles,
// negative raw words), every damaged file is refused with one line, and an optimizer restored
// from its state continues exactly as the one that was never stopped.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <string>

#include "hw_model/error.hpp"
#include "hw_model/learning/batch_update.hpp"
#include "runtime/train/checkpoint_file.hpp"
#include "runtime/train/optimizer.hpp"

using namespace nchip;
using runtime::Checkpoint;

namespace {

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

Checkpoint sample() {
  Checkpoint c;
  c.nchip_version = "0.1.0";
  c.args = {"--task", "store-recall", "--quant", "{\"rounding\": \"stochastic\"}", ""};
  c.working_dir = "/tmp/some where";
  c.inputs_hash = 0x0123456789abcdefull;
  c.finished = false;
  c.state.iterations_done = 2;
  for (uint32_t i = 1; i <= 2; ++i) {
    runtime::IterationRecord r;
    r.iteration = i;
    r.loss = i == 1 ? std::numeric_limits<double>::quiet_NaN() : -0.0;
    r.metric = 0.1 + i;
    r.lr = 1e-300;
    r.seconds = 0.25;
    r.weight_update_saturations = 7;
    r.online_updates = ~uint64_t{0};
    c.state.curve.push_back(r);
  }
  c.state.saturations.add(arith::Quantity::weight, 5);
  c.state.weight_update_saturations = 3;
  c.state.vectors.push_back(learning::state_vector("weights.input", std::vector<double>{1.5, -2.25, 1e-310}));
  arith::Fx<arith::Quantity::weight> w;
  w.raw = -32768;
  c.state.vectors.push_back(learning::state_vector("weights.readout", std::vector<arith::Fx<arith::Quantity::weight>>{w}));
  c.state.vectors.push_back(learning::state_vector("empty", std::vector<double>{}));
  return c;
}

}  // namespace

TEST_CASE("a checkpoint reads back exactly what was written") {
  const Checkpoint c = sample();
  const std::string bytes = runtime::checkpoint_bytes(c);
  const Checkpoint back = runtime::parse_checkpoint(bytes, "ck");
  CHECK(back.nchip_version == c.nchip_version);
  CHECK(back.args == c.args);
  CHECK(back.working_dir == c.working_dir);
  CHECK(back.inputs_hash == c.inputs_hash);
  CHECK(back.finished == c.finished);
  REQUIRE(back.state.curve.size() == 2);
  CHECK(std::isnan(back.state.curve[0].loss));
  CHECK(same_bits(back.state.curve[1].loss, -0.0));
  CHECK(back.state.curve[1].metric == 2.1);
  CHECK(back.state.curve[1].lr == 1e-300);
  CHECK(back.state.curve[1].online_updates == ~uint64_t{0});
  CHECK(back.state.saturations[arith::Quantity::weight] == 5);
  CHECK(back.state.weight_update_saturations == 3);
  std::vector<double> input;
  learning::restore_vector(back.state.vectors, "weights.input", input, 3);
  CHECK(same_bits(input[2], 1e-310));
  std::vector<arith::Fx<arith::Quantity::weight>> readout;
  learning::restore_vector(back.state.vectors, "weights.readout", readout);
  CHECK(readout.at(0).raw == -32768);
  CHECK(runtime::checkpoint_bytes(back) == bytes);  // and writes the same bytes again
  CHECK_THROWS_WITH(learning::restore_vector(back.state.vectors, "weights.input", input, 4),
                    "checkpoint: state 'weights.input' has 3 values, this run has 4");
  CHECK_THROWS_WITH(learning::restore_scalar(back.state.vectors, "adam.m"),
                    "checkpoint: no state 'adam.m' (written by another configuration)");
}

TEST_CASE("a damaged checkpoint is refused with one line whatever byte is changed or cut") {
  const std::string bytes = runtime::checkpoint_bytes(sample());
  for (size_t at = 0; at < bytes.size(); at += 7) {
    std::string flipped = bytes;
    flipped[at] = static_cast<char>(flipped[at] ^ 0x01);
    INFO("byte " << at);
    try {
      runtime::parse_checkpoint(flipped, "ck");
      FAIL("accepted");
    } catch (const InputError& e) {
      CHECK(std::string(e.what()).find('\n') == std::string::npos);
      CHECK(std::string(e.what()).rfind("ck: ", 0) == 0);
    }
    CHECK_THROWS_AS(runtime::parse_checkpoint(bytes.substr(0, at), "ck"), InputError);
  }
}

TEST_CASE("an optimizer restored from its state continues exactly as the one never stopped") {
  const std::vector<double> grad1{0.5, -1.0, 0.0}, grad2{-1e-3, 2.0, 1e-3};
  for (const std::string kind : {"adam", "lion"}) {
    INFO(kind);
    const auto make = [&]() -> std::unique_ptr<runtime::Optimizer> {
      if (kind == "adam") return std::make_unique<runtime::AdamOptimizer>(3, 0.9, 0.999, 1e-8);
      return std::make_unique<runtime::LionOptimizer>(3);
    };
    auto whole = make(), first = make(), second = make(), lost = make();
    std::vector<double> a{1, 2, 3}, b{1, 2, 3};
    whole->update(a, grad1, 0.01);
    first->update(b, grad1, 0.01);
    std::vector<double> c = b;
    second->restore(first->state());
    whole->update(a, grad2, 0.01);
    second->update(b, grad2, 0.01);
    for (size_t i = 0; i < 3; ++i) CHECK(same_bits(a[i], b[i]));
    // Without its state (a restart from the weights alone) the step differs: the test can tell.
    lost->update(c, grad2, 0.01);
    CHECK(c != a);
  }
}

TEST_CASE("the chip's Lion momentum state reads back into an empty unit") {
  learning::BatchOptimizerState state;
  state.momentum[1].resize(2);
  state.momentum[1][1].raw = -77;
  learning::BatchOptimizerState back;
  back.restore(state.state());
  CHECK(back.momentum[0].empty());
  REQUIRE(back.momentum[1].size() == 2);
  CHECK(back.momentum[1][1].raw == -77);
}
