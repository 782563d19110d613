// The e-prop engine's ETU observer (what `nchip train --record-etu` hangs its writer on): it sees
// every eligibility-trace-unit update with the exact arguments of arith::etu_update, the state
// before the update, and does not change what the engine computes.
#include <catch2/catch.hpp>

#include <map>
#include <utility>
#include <vector>

#include "compiler/lower.hpp"
#include "hw_model/error.hpp"
#include "hw_model/functional/simulator.hpp"
#include "hw_model/learning/eprop_engine.hpp"
#include "tests/functional/eprop_test_networks.hpp"

using namespace nchip;
using arith::FixedOps;
using learning::EpropConfig;
using learning::EpropEngine;
using learning::SynapseSet;

namespace {

constexpr uint32_t kInputs = 4, kOutputs = 2, kSteps = 120;

struct Call {
  SynapseSet set;
  uint32_t synapse;
  arith::EtuNeuronInput<FixedOps> neuron;
  arith::Fx<arith::Quantity::trace> zbar;
  arith::EtuSynapseState<FixedOps> state;
  arith::DrawKey key;
};

class Collect final : public learning::EtuObserver<FixedOps> {
 public:
  void on_etu_update(SynapseSet set, uint32_t synapse, const arith::EtuNeuronInput<FixedOps>& neuron,
                     const arith::Fx<arith::Quantity::trace>& zbar,
                     const arith::EtuSynapseState<FixedOps>& state, const arith::DrawKey& key) override {
    calls.push_back({set, synapse, neuron, zbar, state, key});
  }
  std::vector<Call> calls;
};

struct Run {
  std::vector<int64_t> input, recurrent;  // accumulators after the trial
  arith::SaturationCounts counts;
};

Run run(const ir::Network& net, const arith::QuantConfig& quant, learning::EtuObserver<FixedOps>* observer) {
  Run r;
  const FixedOps ops(quant, r.counts);
  auto model = compiler::lower(net, ops);
  r.counts = {};
  functional::Simulator<FixedOps> sim(model, ops, 0);
  EpropConfig config;
  config.seed = 5;
  EpropEngine<FixedOps> engine(model, ops, config);
  engine.set_etu_observer(observer);
  const auto x = test::random_inputs(3, kInputs, kSteps, 0.3);
  const auto target_real = test::random_targets(3, kOutputs, kSteps);
  std::vector<arith::Fx<arith::Quantity::voltage>> target;
  for (double t : target_real) target.push_back(arith::from_real<arith::Quantity::voltage>(ops, t));
  engine.begin_trial();
  for (uint32_t t = 0; t < kSteps; ++t) engine.step(sim, x[t], &target[size_t{t} * kOutputs], true);
  for (size_t s = 0; s < model.input_synapses.size(); ++s)
    r.input.push_back(engine.gradient(SynapseSet::input, s).raw);
  for (size_t s = 0; s < model.recurrent_synapses.size(); ++s)
    r.recurrent.push_back(engine.gradient(SynapseSet::recurrent, s).raw);
  return r;
}

}  // namespace

TEST_CASE("the ETU observer sees every update's inputs and leaves the engine's results unchanged") {
  const ir::Network net = test::small_network(11, kInputs, 3, 3, kOutputs);
  arith::QuantConfig quant;
  quant[arith::Quantity::update_accumulator] = {32, 16, true};
  const Run plain = run(net, quant, nullptr);
  Collect seen;
  const Run observed = run(net, quant, &seen);
  CHECK(observed.input == plain.input);
  CHECK(observed.recurrent == plain.recurrent);
  CHECK(observed.counts.total() == plain.counts.total());

  // Every plastic input and recurrent synapse, once per step (the dense test network: all plastic).
  const size_t per_step = plain.input.size() + plain.recurrent.size();
  REQUIRE(seen.calls.size() == per_step * kSteps);

  // Replaying each call through etu_update gives the state the next call of that synapse sees,
  // and the last one gives the engine's final accumulator: the observer gets the state before
  // the update and the exact key.
  arith::SaturationCounts counts;
  const FixedOps ops(quant, counts);
  std::map<std::pair<int, uint32_t>, arith::EtuSynapseState<FixedOps>> after;
  uint64_t chained = 0, adaptive = 0, nonzero = 0;
  for (size_t c = 0; c < seen.calls.size(); ++c) {
    const Call& call = seen.calls[c];
    CHECK(call.key.step == c / per_step);
    CHECK(call.key.index == call.synapse);
    CHECK(call.key.stream == 0);
    const auto id = std::make_pair(static_cast<int>(call.set), call.synapse);
    const auto it = after.find(id);
    if (it != after.end()) {
      CHECK(call.state.eps_a.raw == it->second.eps_a.raw);
      CHECK(call.state.filtered.raw == it->second.filtered.raw);
      CHECK(call.state.accumulator.raw == it->second.accumulator.raw);
      ++chained;
    }
    auto state = call.state;
    arith::etu_update(ops, call.neuron, call.zbar, state, call.key);
    after[id] = state;
    adaptive += call.neuron.adaptive;
    nonzero += call.neuron.h.raw != 0 && call.zbar.raw != 0 && call.neuron.L.raw != 0;
  }
  CHECK(chained == per_step * (kSteps - 1));
  CHECK(adaptive > 0);
  CHECK(nonzero > 100);  // the stream exercises the datapath, not just zeros
  for (size_t s = 0; s < plain.input.size(); ++s)
    CHECK(after.at({static_cast<int>(SynapseSet::input), static_cast<uint32_t>(s)}).accumulator.raw == plain.input[s]);
  for (size_t s = 0; s < plain.recurrent.size(); ++s)
    CHECK(after.at({static_cast<int>(SynapseSet::recurrent), static_cast<uint32_t>(s)}).accumulator.raw ==
          plain.recurrent[s]);
}

TEST_CASE("the factored storage scheme has no ETU to observe") {
  const ir::Network net = test::small_network(11, kInputs, 2, 2, kOutputs);
  arith::QuantConfig quant;
  arith::SaturationCounts counts;
  const FixedOps ops(quant, counts);
  auto model = compiler::lower(net, ops);
  EpropConfig config;
  config.storage = learning::StorageScheme::factored;
  EpropEngine<FixedOps> engine(model, ops, config);
  Collect seen;
  CHECK_THROWS_AS(engine.set_etu_observer(&seen), InputError);
  CHECK_NOTHROW(engine.set_etu_observer(nullptr));
}
