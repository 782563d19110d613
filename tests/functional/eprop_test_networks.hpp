// Small random networks and stimuli for the e-prop tests, drawn with the counter RNG so every
// run sees the same network.
#pragma once

#include <cmath>
#include <cstdint>
#include <vector>

#include "compiler/ir/network.hpp"
#include "hw_model/arith/counter_rng.hpp"

namespace nchip::test {

inline double test_normal(uint64_t seed, uint32_t stream, uint32_t index) {
  const double u1 = 1.0 - arith::counter_uniform({seed, stream, index, 1});
  const double u2 = arith::counter_uniform({seed, stream, index, 2});
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

// inputs -> {lif, alif} (all to all, no self-connections) -> readouts. The ALIF population gets
// a different tau_m than the LIF one so that zbar needs two decay groups.
inline ir::Network small_network(uint64_t seed, uint32_t n_in, uint32_t n_lif, uint32_t n_alif,
                                 uint32_t n_out, double input_gain = 2.0) {
  ir::Network net;
  net.name = "small";
  net.seed = seed;
  auto pop = [](const char* name, ir::PopulationType type, uint32_t size) {
    ir::Population p;
    p.name = name;
    p.type = type;
    p.size = size;
    return p;
  };
  net.populations.push_back(pop("in", ir::PopulationType::input, n_in));
  std::vector<std::string> spiking;
  if (n_lif > 0) {
    auto p = pop("lif", ir::PopulationType::lif, n_lif);
    p.tau_m_ms = 20;
    p.v_th = 0.5;
    p.t_ref_ms = 2;
    net.populations.push_back(p);
    spiking.push_back("lif");
  }
  if (n_alif > 0) {
    auto p = pop("alif", ir::PopulationType::alif, n_alif);
    p.tau_m_ms = 15;
    p.v_th = 0.5;
    p.t_ref_ms = 3;
    p.tau_a_ms = 40;
    p.beta = 0.4;
    net.populations.push_back(p);
    spiking.push_back("alif");
  }
  auto out = pop("out", ir::PopulationType::readout, n_out);
  out.tau_out_ms = 10;
  net.populations.push_back(out);

  uint32_t stream = 0;
  auto dense = [&](const std::string& src, uint32_t n_src, const std::string& dst, uint32_t n_dst,
                   double gain) {
    ir::Projection p;
    p.source = src;
    p.target = dst;
    p.dense = true;
    p.weights.resize(size_t{n_src} * n_dst);
    for (uint32_t i = 0; i < p.weights.size(); ++i) {
      const bool diagonal = src == dst && i / n_src == i % n_src;
      p.weights[i] = diagonal ? 0.0 : gain / std::sqrt(double(n_src)) * test_normal(seed, stream, i);
    }
    ++stream;
    net.projections.push_back(p);
  };
  auto size_of = [&](const std::string& name) { return name == "lif" ? n_lif : n_alif; };
  for (const auto& s : spiking) dense("in", n_in, s, size_of(s), input_gain);
  for (const auto& a : spiking)
    for (const auto& b : spiking) dense(a, size_of(a), b, size_of(b), 1.0);
  for (const auto& s : spiking) dense(s, size_of(s), "out", n_out, 1.0);
  return net;
}

// Bernoulli input spikes with probability p per input and step.
inline std::vector<std::vector<uint32_t>> random_inputs(uint64_t seed, uint32_t n_in, uint32_t steps,
                                                        double p) {
  std::vector<std::vector<uint32_t>> x(steps);
  for (uint32_t t = 0; t < steps; ++t)
    for (uint32_t i = 0; i < n_in; ++i)
      if (arith::counter_uniform({seed, 90, i, t}) < p) x[t].push_back(i);
  return x;
}

// Smooth random targets [t * n_out + k] and a mask with a gap (error only where set).
inline std::vector<double> random_targets(uint64_t seed, uint32_t n_out, uint32_t steps) {
  std::vector<double> y(size_t{steps} * n_out);
  for (uint32_t k = 0; k < n_out; ++k) {
    const double phase = 6.283185307179586 * arith::counter_uniform({seed, 91, k, 0});
    for (uint32_t t = 0; t < steps; ++t) y[size_t{t} * n_out + k] = 0.5 * std::sin(0.05 * t + phase);
  }
  return y;
}

}  // namespace nchip::test
