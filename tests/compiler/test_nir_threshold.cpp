// NIR Threshold, z = H(x - theta) with H(0) = 0 (nir/ir/threshold.py: 1 if v > v_thr), is a
// spiking neuron without memory on the chip (issue #14): alpha = 0, reset to zero, no refractory
// period, so v[t+1] = W x[t] + b and z[t+1] = H(W x[t] + b - theta), one step after its input as
// for every neuron layer (nchip's synaptic delay). Checked value for value against that definition
// in float and fixed point, including inputs exactly at theta, and through export -> import.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "compiler/lower.hpp"
#include "compiler/nir/nir_graph.hpp"
#include "compiler/nir/nir_import.hpp"
#include "hw_model/arith/counter_rng.hpp"
#include "hw_model/functional/run.hpp"
#include "nir_fixture.hpp"
#include "nir_round_trip.hpp"
#include "support/cli_runner.hpp"

using namespace nchip;

namespace {

// Weights, bias and theta exact in every fixed-point format: neuron 1 sees exactly theta from
// inputs 0 and 1 together (no spike: H(0) = 0), neuron 0 from input 1 alone.
const std::vector<double> kW = {0.5, 0.25, -0.5, 0.25, 0.25, 0.25};
const std::vector<double> kBias = {0.25, 0.0};
constexpr double kTheta = 0.5;

test::NirFixture threshold_fixture() {
  test::NirFixture f;
  f.add("in", "Input").p("shape", {3});
  f.add("w", "Affine").matrix("weight", 2, 3, kW).p("bias", kBias);
  f.add("thr", "Threshold").p("threshold", {kTheta, kTheta});
  f.add("out", "Output").p("shape", {2});
  for (auto [a, b] : {std::pair{"in", "w"}, {"w", "thr"}, {"thr", "out"}}) f.edge(a, b);
  return f;
}

model::InputSpikes all_input_patterns(uint32_t steps) {
  model::InputSpikes in(steps);
  for (uint32_t t = 0; t < steps; ++t)
    for (uint32_t i = 0; i < 3; ++i)
      if ((t >> i) & 1) in[t].push_back(i);  // every subset of the 3 inputs, in turn
  return in;
}

// z[t+1] = H(W x[t] + b - theta): the recording's step t holds the spikes after step t.
std::vector<std::vector<uint32_t>> definition(const model::InputSpikes& in) {
  std::vector<std::vector<uint32_t>> z;
  for (const auto& x : in) {
    std::vector<uint32_t> fired;
    for (uint32_t j = 0; j < 2; ++j) {
      double v = kBias[j];
      for (uint32_t i : x) v += kW[j * 3 + i];
      if (v - kTheta > 0) fired.push_back(j);
    }
    z.push_back(fired);
  }
  return z;
}

}  // namespace

TEST_CASE("NIR Threshold spikes exactly when its input exceeds theta, one step later, in float and fixed", "[nir]") {
  const std::string path = test::scratch_dir("nir_threshold") + "/net.nir";
  threshold_fixture().write(path);
  for (auto reset : {nir::ResetMode::zero, nir::ResetMode::subtract}) {  // --reset cannot change a Threshold
    nir::ImportOptions o;
    o.dt_ms = 1.0;
    o.reset = reset;
    const nir::ImportResult r = nir::import_nir_file(path, o);
    const ir::Population& p = *r.network.find("thr");
    CHECK(p.type == ir::PopulationType::lif);
    CHECK(p.reset == ir::ResetMode::zero);
    CHECK(p.t_ref_ms == 0.0);
    CHECK(p.v_th == kTheta);
    bool row = false;
    for (const auto& t : r.rows)
      row = row || (t.node == "thr" && t.became.find("alpha 0 (no memory), reset zero") != std::string::npos &&
                    t.decay == "0");
    CHECK(row);

    const model::InputSpikes in = all_input_patterns(64);
    const auto expected = definition(in);
    const auto float_model = compiler::lower(r.network, arith::FloatOps{});
    CHECK(float_model.neurons[0].alpha == 0.0);
    CHECK(functional::run_network(float_model, arith::FloatOps{}, in, 64, 1, false).spikes == expected);
    const arith::QuantConfig quant;
    arith::SaturationCounts sat;
    const arith::FixedOps fixed(quant, sat);
    const auto fixed_model = compiler::lower(r.network, fixed);
    CHECK(fixed_model.neurons[0].alpha.raw == 0);
    CHECK(functional::run_network(fixed_model, fixed, in, 64, 1, false).spikes == expected);
    uint32_t spikes = 0, at_theta = 0;
    for (size_t t = 0; t < in.size(); ++t) {
      spikes += expected[t].size();
      at_theta += in[t] == std::vector<uint32_t>{0, 1};  // neuron 1 exactly at theta
    }
    CHECK(spikes > 20);
    CHECK(at_theta > 0);
  }
}

TEST_CASE("a memoryless lif exports as NIR Threshold and imports back identical", "[nir]") {
  const std::string path = test::scratch_dir("nir_threshold_rt_in") + "/net.nir";
  threshold_fixture().write(path);
  nir::ImportOptions o;
  o.dt_ms = 1.0;
  const ir::Network net = nir::import_nir_file(path, o).network;
  for (auto d : {nir::Discretization::euler, nir::Discretization::exact}) {
    const ir::Network back = test::export_and_import(net, "nir_threshold_rt", d).network;
    const nir::NirGraph g = nir::read_nir_graph(std::string(NCHIP_BINARY_DIR) + "/test-scratch/nir_threshold_rt/net.nir");
    REQUIRE(g.find("thr") != nullptr);
    CHECK(g.find("thr")->type == "Threshold");
    CHECK(*back.find("thr") == *net.find("thr"));
    const model::InputSpikes in = all_input_patterns(64);
    CHECK(functional::run_network(compiler::lower(back, arith::FloatOps{}), arith::FloatOps{}, in, 64, 1, false).spikes ==
          definition(in));
  }
}
