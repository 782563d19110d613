// The e-prop engine runs the full scheme's ETU a window of steps at a time, block by block of
// synapses (network_datapath.hpp, "Windowed ETU"); with an ETU observer attached it runs step by step
// in the order the observer has always seen. Both orders must give the same bits: every gradient
// (input, recurrent, output) and every saturation count, in float and in fixed point with
// stochastic rounding, over trials that are not multiples of the window, gradients read with and
// without end_trial, a clear_gradients in the middle of a trial, and weights that move between
// batches (so a wrong gradient would change everything after it).
#include <catch2/catch.hpp>

#include <type_traits>
#include <vector>

#include "compiler/lower.hpp"
#include "hw_model/arith/weight_update.hpp"
#include "hw_model/functional/simulator.hpp"
#include "hw_model/learning/eprop_engine.hpp"
#include "tests/functional/eprop_test_networks.hpp"

using namespace nchip;
using arith::FixedOps;
using arith::FloatOps;
using learning::EpropConfig;
using learning::EpropEngine;
using learning::SynapseSet;

namespace {

// 100 inputs, 70 LIF + 70 ALIF (two decay groups), 3 readouts, all to all: 14000 input and 19600
// recurrent synapses, several of the engine's blocks (8192 synapses) in each set.
constexpr uint32_t kInputs = 100, kLif = 70, kAlif = 70, kOutputs = 3;

// Counts the updates it sees; attaching it makes the engine run the ETU step by step.
template <class Ops>
class CountUpdates final : public learning::EtuObserver<Ops> {
 public:
  void on_etu_update(SynapseSet, uint32_t, const arith::EtuNeuronInput<Ops>&,
                     const arith::Num<Ops, arith::Quantity::trace>&, const arith::EtuSynapseState<Ops>&,
                     const arith::DrawKey&) override {
    ++updates;
  }
  uint64_t updates = 0;
};

double value(double x) { return x; }
int64_t value(arith::Fx<arith::Quantity::update_accumulator> x) { return x.raw; }

template <class Ops>
using Value = decltype(value(arith::Num<Ops, arith::Quantity::update_accumulator>{}));

template <class Ops>
struct Gradients {
  std::vector<Value<Ops>> input, recurrent, output;
};

template <class Ops>
Gradients<Ops> read_gradients(const EpropEngine<Ops>& engine, const model::NetworkModel<Ops>& model) {
  Gradients<Ops> g;
  for (size_t s = 0; s < model.input_synapses.size(); ++s)
    g.input.push_back(value(engine.gradient(SynapseSet::input, s)));
  for (size_t s = 0; s < model.recurrent_synapses.size(); ++s)
    g.recurrent.push_back(value(engine.gradient(SynapseSet::recurrent, s)));
  for (size_t s = 0; s < model.readout_synapses.size(); ++s)
    g.output.push_back(value(engine.gradient(SynapseSet::readout, s)));
  return g;
}

// A plain gradient step on every plastic weight (float: w -= lr g; fixed: the chip's SGD step).
template <class Ops>
void apply_gradients(const EpropEngine<Ops>& engine, model::NetworkModel<Ops>& model, const Ops& ops,
                     uint32_t batch) {
  const SynapseSet sets[3] = {SynapseSet::input, SynapseSet::recurrent, SynapseSet::readout};
  model::SynapseMatrix<Ops>* matrices[3] = {&model.input_synapses, &model.recurrent_synapses,
                                            &model.readout_synapses};
  for (int m = 0; m < 3; ++m)
    for (size_t s = 0; s < matrices[m]->size(); ++s) {
      if (!matrices[m]->plastic[s]) continue;
      auto& w = matrices[m]->weight[s];
      const auto g = engine.gradient(sets[m], s);
      if constexpr (std::is_same_v<Ops, FloatOps>) {
        w -= 0.01 * g;
      } else {
        const arith::DrawKey key{77, 0x5344, static_cast<uint32_t>(s), batch};
        w = arith::sgd_step(ops, w, matrices[m]->exponent[s], g, arith::learning_rate_raw(0.01), key);
      }
    }
}

template <class Ops>
struct Run {
  std::vector<Gradients<Ops>> gradients;  // at each read point, in order
  arith::SaturationCounts counts;         // fixed point only
  uint64_t observed = 0;                  // updates the observer saw
  uint64_t steps = 0;
};

// Two batches of trials (75 + 64 steps, then 100), each followed by reading the gradients and a
// weight update, then a trial of 20 steps, clear_gradients, 25 more steps and gradients read
// without end_trial. `make_ops` builds the ops over the run's saturation counts.
template <class Ops, class MakeOps>
Run<Ops> train(const ir::Network& net, MakeOps&& make_ops, bool observe) {
  Run<Ops> r;
  const Ops ops = make_ops(r.counts);
  auto model = compiler::lower(net, ops);
  r.counts = {};  // quantizing the network is not the engine's
  EpropConfig config;
  config.seed = 9;
  EpropEngine<Ops> engine(model, ops, config);
  CountUpdates<Ops> observer;
  if (observe) engine.set_etu_observer(&observer);

  const auto target_real = test::random_targets(4, kOutputs, 100);
  std::vector<arith::Num<Ops, arith::Quantity::voltage>> target;
  for (double t : target_real) target.push_back(arith::from_real<arith::Quantity::voltage>(ops, t));
  uint64_t trial_index = 0;
  auto run_steps = [&](functional::Simulator<Ops>& sim, uint32_t first, uint32_t end) {
    const auto x = test::random_inputs(100 + trial_index, kInputs, end, 0.2);
    for (uint32_t t = first; t < end; ++t)
      engine.step(sim, x[t], &target[size_t{t} * kOutputs], t % 4 != 0);  // some steps without target
    r.steps += end - first;
  };
  auto trial = [&](uint32_t steps) {
    functional::Simulator<Ops> sim(model, ops, trial_index);
    engine.begin_trial();
    run_steps(sim, 0, steps);
    engine.end_trial(steps);
    ++trial_index;
  };

  const std::vector<std::vector<uint32_t>> batches = {{75, 64}, {100}};
  for (uint32_t b = 0; b < batches.size(); ++b) {
    engine.clear_gradients();
    for (uint32_t steps : batches[b]) trial(steps);
    engine.end_batch();
    r.gradients.push_back(read_gradients(engine, model));
    apply_gradients(engine, model, ops, b);
  }
  functional::Simulator<Ops> sim(model, ops, trial_index);
  engine.begin_trial();
  run_steps(sim, 0, 20);
  engine.clear_gradients();  // with steps pending: they belong to the gradients cleared
  run_steps(sim, 20, 45);
  r.gradients.push_back(read_gradients(engine, model));  // no end_trial: gradient() catches up
  r.observed = observer.updates;
  return r;
}

template <class Ops>
void check_same(const Run<Ops>& windowed, const Run<Ops>& stepwise, size_t plastic) {
  CHECK(windowed.observed == 0);
  CHECK(stepwise.observed == plastic * stepwise.steps);  // the observer saw every update
  REQUIRE(windowed.gradients.size() == stepwise.gradients.size());
  for (size_t i = 0; i < windowed.gradients.size(); ++i) {
    INFO("gradient read " << i);
    CHECK(windowed.gradients[i].input == stepwise.gradients[i].input);
    CHECK(windowed.gradients[i].recurrent == stepwise.gradients[i].recurrent);
    CHECK(windowed.gradients[i].output == stepwise.gradients[i].output);
  }
  CHECK(windowed.counts.count == stepwise.counts.count);
}

template <class Ops>
size_t plastic_etu_synapses(const ir::Network& net, const Ops& ops) {
  const auto model = compiler::lower(net, ops);
  size_t n = 0;
  for (const auto* m : {&model.input_synapses, &model.recurrent_synapses})
    for (size_t s = 0; s < m->size(); ++s) n += m->plastic[s];
  return n;
}

}  // namespace

TEST_CASE("the windowed ETU gives the step-by-step gradients bit for bit in float") {
  const ir::Network net = test::small_network(21, kInputs, kLif, kAlif, kOutputs);
  auto make_ops = [](arith::SaturationCounts&) { return FloatOps{}; };
  const Run<FloatOps> windowed = train<FloatOps>(net, make_ops, false);
  const Run<FloatOps> stepwise = train<FloatOps>(net, make_ops, true);
  check_same(windowed, stepwise, plastic_etu_synapses(net, FloatOps{}));
  size_t nonzero = 0;
  for (double g : windowed.gradients.back().recurrent) nonzero += g != 0.0;
  CHECK(nonzero > 1000);  // the trials exercise the datapath, not just zeros
}

// Fixed point with stochastic rounding (every rounding draws from its (synapse, step) key) and
// narrow eligibility and accumulator formats, so the ETU saturates and the counts are compared.
static void check_windowed_fixed(const ir::Network& net) {
  arith::QuantConfig quant;
  quant.rounding = arith::Rounding::stochastic;
  quant.update_rounding = arith::Rounding::stochastic;
  quant[arith::Quantity::eligibility] = {12, 8, true};
  quant[arith::Quantity::update_accumulator] = {16, 8, true};
  auto make_ops = [&](arith::SaturationCounts& counts) { return FixedOps(quant, counts); };
  const Run<FixedOps> windowed = train<FixedOps>(net, make_ops, false);
  const Run<FixedOps> stepwise = train<FixedOps>(net, make_ops, true);
  arith::SaturationCounts scratch;
  check_same(windowed, stepwise, plastic_etu_synapses(net, FixedOps(quant, scratch)));
  CHECK(windowed.counts[arith::Quantity::eligibility] > 0);
  CHECK(windowed.counts[arith::Quantity::update_accumulator] > 0);
  size_t nonzero = 0;
  for (int64_t g : windowed.gradients.back().recurrent) nonzero += g != 0;
  CHECK(nonzero > 1000);
}

TEST_CASE("the windowed ETU gives the step-by-step gradients and saturations bit for bit in fixed point") {
  check_windowed_fixed(test::small_network(21, kInputs, kLif, kAlif, kOutputs));
}

// Issue #14's traces (CUBA's synaptic filter, IF's undecayed trace) reach the kernel as zbar: the
// windowed kernel still gives the plain definition's bits, saturations included.
TEST_CASE("the windowed ETU gives the step-by-step gradients bit for bit for CUBA and IF and reset-zero neurons") {
  ir::Network net = test::small_network(22, kInputs, kLif, kAlif, kOutputs);
  for (auto& p : net.populations) {
    if (p.name == "lif") {
      p.type = ir::PopulationType::cuba_lif;
      p.tau_syn_ms = 5;
      p.reset = ir::ResetMode::zero;
    } else if (p.name == "alif") {
      p.leak = false;
    }
  }
  for (auto& proj : net.projections)
    if (proj.target == "lif")
      for (double& w : proj.weights) w *= 0.3;
  check_windowed_fixed(net);
}
