// Issue #14: nchip export writes a projection with delay_steps d > 1 as Linear -> Delay(d dt) ->
// neuron, and nchip import maps it back, so import(export(net)) has the same delays and weights
// and runs bit-identically to net in float and in fixed point.
#include <catch2/catch.hpp>

#include "compiler/lower.hpp"
#include "compiler/nir/nir_export.hpp"
#include "compiler/nir/nir_import.hpp"
#include "nir_round_trip.hpp"
#include "hw_model/functional/run.hpp"
#include "support/cli_runner.hpp"

using namespace nchip;

namespace {

ir::Network delayed_network() {
  ir::Network net;
  net.name = "delayed";
  net.populations = {ir::make_population("in", ir::PopulationType::input, 3),
                     ir::make_population("rec", ir::PopulationType::lif, 4),
                     ir::make_population("out", ir::PopulationType::readout, 2)};
  net.populations[1].v_th = 0.4;
  auto dense = [](const std::string& s, const std::string& t, std::vector<double> w, uint32_t d) {
    ir::Projection p;
    p.source = s;
    p.target = t;
    p.weights = std::move(w);
    p.delay_steps = d;
    return p;
  };
  net.projections = {dense("in", "rec", {0.5, 0.2, 0.3, -0.1, 0.6, -0.3, 0.7, 0.0, 0.5, 1.1, -0.9, 0.45}, 3),
                     dense("rec", "rec", {0, 0.1, 0.2, 0.3, -0.1, 0, 0.4, 0.1, 0.2, 0.3, 0, 0.6, -0.3, 0.2, 0.1, 0}, 2),
                     dense("rec", "out", {0.3, -0.3, 0.2, 0.1, -0.5, 0.25, 0.125, 0.9}, 5)};
  return net;
}

model::InputSpikes inputs(uint32_t steps) {
  model::InputSpikes in(steps);
  for (uint32_t t = 0; t < steps; ++t)
    for (uint32_t i = 0; i < 3; ++i)
      if ((t * 7 + i * 5) % 6 == 0) in[t].push_back(i);
  return in;
}

template <class Ops>
model::Recording run(const ir::Network& net, const Ops& ops) {
  return functional::run_network(compiler::lower(net, ops), ops, inputs(120), 120, 1, true);
}

}  // namespace

TEST_CASE("a delayed network exports as NIR Delay nodes and imports back bit-identical", "[nir][delay]") {
  const ir::Network net = delayed_network();
  for (auto d : {nir::Discretization::euler, nir::Discretization::exact}) {
    const nir::ImportResult res = test::export_and_import(net, "nir_delay_rt", d, nir::ResetMode::subtract);
    const ir::Network& back = res.network;
    REQUIRE(back.projections.size() == 3);
    for (const auto& p : net.projections) {
      bool found = false;
      for (const auto& q : back.projections)
        if (q.source == p.source && q.target == p.target) {
          found = true;
          CHECK(q.delay_steps == p.delay_steps);
          CHECK(q.weights == p.weights);
        }
      CHECK(found);
    }
    bool noted = false;
    for (const auto& r : res.rows) noted = noted || (r.became.find("'in' -> 'rec'") != std::string::npos && r.note == "3-step delay");
    CHECK(noted);
    const auto f0 = run(net, arith::FloatOps{}), f1 = run(back, arith::FloatOps{});
    CHECK(f1.spikes == f0.spikes);
    CHECK(f1.voltages == f0.voltages);
    CHECK(f1.readouts == f0.readouts);
    arith::SaturationCounts c0, c1;
    const auto q0 = run(net, arith::FixedOps(arith::QuantConfig{}, c0));
    const auto q1 = run(back, arith::FixedOps(arith::QuantConfig{}, c1));
    CHECK(q1.spikes == q0.spikes);
    CHECK(q1.voltages == q0.voltages);
    CHECK(q1.readouts == q0.readouts);
    size_t spikes = 0;
    for (const auto& s : f0.spikes) spikes += s.size();
    CHECK(spikes > 10);  // the comparison means something
  }
}
