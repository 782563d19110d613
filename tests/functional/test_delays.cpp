// Multi-step synaptic delays (issue #14): a spike sent over a projection with delay_steps d at step
// t reaches its target's input at step t + d, in float and fixed point, for input, recurrent and
// readout projections; with every delay 1 the model is laid out exactly as before.
#include <catch2/catch.hpp>

#include <cmath>

#include "compiler/lower.hpp"
#include "hw_model/functional/run.hpp"
#include "network_builders.hpp"

using namespace nchip;

namespace {

constexpr uint32_t kSpikeStep = 3;  // the one input spike
constexpr uint32_t kSteps = 16;

functional::InputSpikes one_spike() {
  functional::InputSpikes in(kSteps);
  in[kSpikeStep] = {0};
  return in;
}

template <class Ops>
model::Recording run(const ir::Network& net, const Ops& ops) {
  return functional::run_network(compiler::lower(net, ops), ops, one_spike(), kSteps, 1, true);
}

// in -> a (lif) -> b (lif) -> out (readout), each hop's weight 2 (every arrival makes a spike),
// with the three projections' delays as given.
ir::Network chain(uint32_t d_in, uint32_t d_rec, uint32_t d_out) {
  ir::Network net;
  net.name = "chain";
  auto a = ir::make_population("a", ir::PopulationType::lif, 1);
  auto b = ir::make_population("b", ir::PopulationType::lif, 1);
  net.populations = {ir::make_population("in", ir::PopulationType::input, 1), a, b,
                     ir::make_population("out", ir::PopulationType::readout, 1)};
  const auto link = [](const char* s, const char* t, double w, uint32_t d) {
    ir::Projection p;
    p.source = s;
    p.target = t;
    p.weights = {w};
    p.delay_steps = d;
    return p;
  };
  net.projections = {link("in", "a", 2.0, d_in), link("a", "b", 2.0, d_rec), link("b", "out", 0.5, d_out)};
  return net;
}

uint32_t first_spike(const model::Recording& r, uint32_t neuron) {
  for (uint32_t t = 0; t < r.steps; ++t)
    for (uint32_t j : r.spikes[t])
      if (j == neuron) return t;
  return UINT32_MAX;
}

uint32_t first_nonzero_readout(const model::Recording& r) {
  for (uint32_t t = 0; t < r.steps; ++t)
    if (r.readouts[t] != 0.0) return t;
  return UINT32_MAX;
}

}  // namespace

TEST_CASE("an input spike over a delay of d steps moves the voltage exactly d - 1 steps later than d = 1", "[functional]") {
  // v[t+1] = alpha v[t] + w x[t+1-d] (eq. 20 with the projection's delay); w < v_th: no spike.
  const double w = 0.25, tau = 20.0, alpha = std::exp(-1.0 / tau);
  for (uint32_t d : {1u, 2u, 5u}) {
    INFO("delay " << d);
    ir::Network net = test::single_lif(w, tau);
    net.projections[0].delay_steps = d;
    const auto f = run(net, arith::FloatOps{});
    double v = 0.0;
    for (uint32_t t = 0; t < kSteps; ++t) {
      // Step t of the run computes v[t+1] from x[t+1-d]: the spike of step 3 enters at step 3 + d - 1.
      v = alpha * v + (t == kSpikeStep + d - 1 ? w : 0.0);
      REQUIRE(f.voltages[t] == v);
    }
    arith::SaturationCounts counts;
    const auto q = run(net, arith::FixedOps(arith::QuantConfig{}, counts));
    for (uint32_t t = 0; t < kSteps; ++t) REQUIRE((q.voltages[t] == 0.0) == (t < kSpikeStep + d - 1));
    CHECK(q.voltages[kSpikeStep + d - 1] == Approx(w).margin(1e-3));
    // Fixed point with delay d is the d = 1 run shifted by d - 1 steps, bit for bit.
    ir::Network plain = test::single_lif(w, tau);
    const auto q1 = run(plain, arith::FixedOps(arith::QuantConfig{}, counts));
    for (uint32_t t = d - 1; t < kSteps; ++t) REQUIRE(q.voltages[t] == q1.voltages[t - (d - 1)]);
    CHECK(q.synaptic_events == 1);
  }
}

TEST_CASE("input, recurrent and readout delays add up along a chain, float and fixed", "[functional]") {
  // d_in = 1: a spikes in step 3 (the input's step). a -> b with delay d: b spikes d steps later.
  // b -> out with delay d: the readout sees b's spike d steps later (d = 1: the next step, eq. 41).
  for (uint32_t d : {1u, 2u, 5u}) {
    INFO("delay " << d);
    for (int fixed = 0; fixed < 2; ++fixed) {
      INFO((fixed ? "fixed" : "float"));
      for (int which = 0; which < 3; ++which) {
        const ir::Network net = chain(which == 0 ? d : 1, which == 1 ? d : 1, which == 2 ? d : 1);
        arith::SaturationCounts counts;
        const auto r = fixed ? run(net, arith::FixedOps(arith::QuantConfig{}, counts)) : run(net, arith::FloatOps{});
        const uint32_t a = kSpikeStep + (which == 0 ? d - 1 : 0);
        const uint32_t b = a + (which == 1 ? d : 1);
        const uint32_t y = b + (which == 2 ? d : 1);
        REQUIRE(first_spike(r, 0) == a);
        REQUIRE(first_spike(r, 1) == b);
        REQUIRE(first_nonzero_readout(r) == y);
        REQUIRE(r.readouts[y] == 0.5);  // exact in both number systems
      }
    }
  }
}

TEST_CASE("delays of 1 leave the model as it was: no delay list, same run", "[functional]") {
  const ir::Network plain = chain(1, 1, 1);
  const auto model = compiler::lower(plain, arith::FloatOps{});
  CHECK(model.input_synapses.delay_steps.empty());
  CHECK(model.recurrent_synapses.delay_steps.empty());
  CHECK(model.readout_synapses.delay_steps.empty());
  CHECK(model.max_delay_steps() == 1);
  const auto delayed = compiler::lower(chain(1, 4, 1), arith::FloatOps{});
  CHECK(delayed.input_synapses.delay_steps.empty());
  CHECK(delayed.recurrent_synapses.delay_steps == std::vector<uint8_t>{4});
  CHECK(delayed.max_delay_steps() == 4);
}

TEST_CASE("a delayed spike still in flight at reset is dropped", "[functional]") {
  const ir::Network net = chain(5, 1, 1);
  const arith::FloatOps ops;
  const auto model = compiler::lower(net, ops);
  functional::Simulator<arith::FloatOps> sim(model, ops, 1);
  sim.step({0});  // the input spike is in the ring, due 4 steps later
  sim.reset();
  for (int t = 0; t < 8; ++t) {
    sim.step({});
    REQUIRE(sim.spikes().empty());
  }
}
