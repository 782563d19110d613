// Small IR networks built in code for the functional tests.
#pragma once

#include <vector>

#include "compiler/ir/network.hpp"
#include "compiler/ir/random_init.hpp"

namespace nchip::test {

// One input -> one LIF neuron with weight w (no refractoriness unless given), one readout.
inline ir::Network single_lif(double w, double tau_m_ms = 20.0, double v_th = 1.0, double t_ref_ms = 0.0) {
  ir::Network net;
  net.name = "single_lif";
  auto in = ir::make_population("in", ir::PopulationType::input, 1);
  auto lif = ir::make_population("lif", ir::PopulationType::lif, 1);
  lif.tau_m_ms = tau_m_ms;
  lif.v_th = v_th;
  lif.t_ref_ms = t_ref_ms;
  auto out = ir::make_population("out", ir::PopulationType::readout, 1);
  net.populations = {in, lif, out};
  ir::Projection p_in;
  p_in.source = "in";
  p_in.target = "lif";
  p_in.weights = {w};
  ir::Projection p_out;
  p_out.source = "lif";
  p_out.target = "out";
  p_out.weights = {0.5};
  net.projections = {p_in, p_out};
  return net;
}

// A small random LSNN (inputs, LIF, ALIF, readouts, all-to-all), weights drawn from `seed`.
inline ir::Network small_lsnn(uint64_t seed, uint32_t n_in = 20, uint32_t n_lif = 15,
                              uint32_t n_alif = 15, uint32_t n_out = 2, double gain = 1.5) {
  ir::Network net;
  net.name = "small_lsnn";
  net.seed = seed;
  auto in = ir::make_population("in", ir::PopulationType::input, n_in);
  auto lif = ir::make_population("lif", ir::PopulationType::lif, n_lif);
  lif.v_th = 0.5;
  lif.t_ref_ms = 3;
  auto alif = ir::make_population("alif", ir::PopulationType::alif, n_alif);
  alif.v_th = 0.5;
  alif.t_ref_ms = 3;
  alif.tau_a_ms = 300;
  alif.beta = 0.1;
  auto out = ir::make_population("out", ir::PopulationType::readout, n_out);
  net.populations = {in, lif, alif, out};
  const char* sources[] = {"in", "lif", "alif"};
  const char* targets[] = {"lif", "alif", "out"};
  for (const char* s : sources)
    for (const char* t : targets) {
      if (std::string(s) == "in" && std::string(t) == "out") continue;
      ir::Projection p;
      p.source = s;
      p.target = t;
      p.random_init = ir::RandomInit{gain, 1.0};
      net.projections.push_back(p);
    }
  ir::materialise_random_init(net);
  return net;
}

}  // namespace nchip::test
