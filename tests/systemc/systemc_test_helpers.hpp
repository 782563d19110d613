// Shared by the SystemC tests: random networks compiled for a mesh, random input spikes, and the
// bit-for-bit comparison of a timed run with the functional simulator's.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "compiler/compile.hpp"
#include "compiler/ir/network_json.hpp"
#include "hw_model/arith/counter_rng.hpp"
#include "hw_model/functional/run.hpp"
#include "hw_model/systemc/timed_chip.hpp"

namespace nchip::test {

struct RandomNetworkSpec {
  uint32_t inputs = 12, lif = 12, alif = 6, readouts = 2;
  uint32_t cuba = 0;  // > 0: a cuba_lif population (with a bias) wired to in, lif and out
  bool neuron_options = false;  // issue #14: cuba resets to zero, lif has v_leak, and an IF population
  double gain = 1.5, probability = 0.5;
  uint64_t seed = 1;
};

inline ir::Network random_network(const RandomNetworkSpec& s) {
  const nlohmann::json init = {{"gain", s.gain}, {"connection_probability", s.probability}};
  nlohmann::json doc = {
      {"name", "random"}, {"dt_ms", 1.0}, {"seed", s.seed},
      {"populations",
       {{{"name", "in"}, {"type", "input"}, {"size", s.inputs}},
        {{"name", "lif"}, {"type", "lif"}, {"size", s.lif}, {"tau_m_ms", 20}, {"v_th", 0.5}, {"t_ref_ms", 2}},
        {{"name", "alif"}, {"type", "alif"}, {"size", s.alif}, {"tau_m_ms", 20}, {"v_th", 0.5},
         {"t_ref_ms", 2}, {"tau_a_ms", 200}, {"beta", 0.07}},
        {{"name", "out"}, {"type", "readout"}, {"size", s.readouts}, {"tau_out_ms", 20}}}},
      {"projections",
       {{{"source", "in"}, {"target", "lif"}, {"init", init}, {"plastic", true}},
        {{"source", "in"}, {"target", "alif"}, {"init", init}, {"plastic", true}},
        {{"source", "lif"}, {"target", "lif"}, {"init", init}, {"plastic", true}},
        {{"source", "lif"}, {"target", "alif"}, {"init", init}, {"plastic", true}},
        {{"source", "alif"}, {"target", "lif"}, {"init", init}, {"plastic", true}},
        {{"source", "lif"}, {"target", "out"}, {"init", init}, {"plastic", true}},
        {{"source", "alif"}, {"target", "out"}, {"init", init}, {"plastic", true}}}}};
  if (s.cuba > 0) {
    std::vector<double> bias(s.cuba);
    for (uint32_t k = 0; k < s.cuba; ++k) bias[k] = 0.01 * (k % 3);
    doc["populations"].push_back({{"name", "cuba"}, {"type", "cuba_lif"}, {"size", s.cuba}, {"tau_m_ms", 10},
                                  {"tau_syn_ms", 5}, {"v_th", 0.5}, {"t_ref_ms", 1}, {"bias", bias}});
    for (auto [src, dst] : {std::pair{"in", "cuba"}, {"cuba", "cuba"}, {"cuba", "lif"}, {"lif", "cuba"}, {"cuba", "out"}})
      doc["projections"].push_back({{"source", src}, {"target", dst}, {"init", init}, {"plastic", true}});
  }
  if (s.neuron_options) {
    if (s.cuba > 0) doc["populations"][4]["reset"] = "zero";
    doc["populations"][1]["v_leak"] = 0.2;
    doc["populations"].push_back({{"name", "if"}, {"type", "lif"}, {"size", 5}, {"leak", false}, {"v_th", 0.5},
                                  {"reset", "zero"}, {"bias", {0.0, 0.01, 0.0, 0.02, -0.01}}});
    for (auto [src, dst] : {std::pair{"in", "if"}, {"if", "lif"}, {"if", "out"}})
      doc["projections"].push_back({{"source", src}, {"target", dst}, {"init", init}, {"plastic", true}});
  }
  return ir::parse_network_json(doc.dump(), "random.json");
}

// Each input fires with probability `p` per step (counter-based, so any test reproduces it).
inline functional::InputSpikes random_inputs(uint32_t n_inputs, uint32_t steps, double p, uint64_t seed) {
  functional::InputSpikes in(steps);
  for (uint32_t t = 0; t < steps; ++t)
    for (uint32_t i = 0; i < n_inputs; ++i)
      if (arith::counter_uniform({seed, 99, i, t}) < p) in[t].push_back(i);
  return in;
}

inline image::ChipConfig small_mesh(uint32_t width, uint32_t height, uint32_t neurons_per_core) {
  image::ChipConfig c;
  c.name = "test";
  c.mesh_width = width;
  c.mesh_height = height;
  c.core_max_neurons = neurons_per_core;
  return c;
}

inline image::ChipImage compile_for(const ir::Network& net, const image::ChipConfig& chip,
                                    uint32_t host_tile = 0) {
  compiler::CompileOptions options;
  options.host_tile = host_tile;
  return compiler::compile_network(net, chip, arith::QuantConfig{}, options);
}

// Runs the image's network on both backends and requires identical spikes, readouts (bits),
// voltages, synaptic events and saturation counts.
inline void require_bit_identical(systemc::TimedChip& chip, const image::ChipImage& image,
                                  const functional::InputSpikes& inputs, uint32_t steps, uint64_t seed) {
  arith::SaturationCounts counts_f, counts_s;
  const functional::Recording f = functional::run_network(
      image.network, arith::FixedOps(image.quant, counts_f), inputs, steps, seed, true);
  const functional::Recording s = systemc::run_network_timed(
      chip, image, image.network, arith::FixedOps(image.quant, counts_s), inputs, steps, seed, true);
  uint64_t spikes = 0;
  for (uint32_t t = 0; t < steps; ++t) {
    INFO("step " << t);
    REQUIRE(s.spikes[t] == f.spikes[t]);
    spikes += f.spikes[t].size();
  }
  REQUIRE(s.readouts == f.readouts);  // doubles built from raw integers: == is bit-exact here
  REQUIRE(s.voltages == f.voltages);
  REQUIRE(s.currents == f.currents);
  REQUIRE(s.synaptic_events == f.synaptic_events);
  REQUIRE(s.saturations == f.saturations);
  CHECK(spikes > 0);  // the comparison means something only if the network is active
}

}  // namespace nchip::test
