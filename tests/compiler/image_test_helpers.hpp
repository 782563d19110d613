// Model equality for the image tests: every raw constant, weight, exponent and synapse position.
#pragma once

#include <catch2/catch.hpp>

#include "hw_model/arith/ops.hpp"
#include "hw_model/model/network_model.hpp"

namespace nchip::test {

inline void require_same_matrix(const model::SynapseMatrix<arith::FixedOps>& a,
                                const model::SynapseMatrix<arith::FixedOps>& b) {
  REQUIRE(a.n_sources == b.n_sources);
  REQUIRE(a.n_targets == b.n_targets);
  REQUIRE(a.row_start == b.row_start);
  REQUIRE(a.target == b.target);
  REQUIRE(a.exponent == b.exponent);
  REQUIRE(a.plastic == b.plastic);
  REQUIRE(a.weight.size() == b.weight.size());
  for (size_t i = 0; i < a.weight.size(); ++i) REQUIRE(a.weight[i].raw == b.weight[i].raw);
  REQUIRE(a.delay_steps == b.delay_steps);
  for (size_t i = 0; i < a.origin.size(); ++i) {
    REQUIRE(a.origin[i].projection == b.origin[i].projection);
    REQUIRE(a.origin[i].position == b.origin[i].position);
  }
}

inline void require_same_model(const model::NetworkModel<arith::FixedOps>& a,
                               const model::NetworkModel<arith::FixedOps>& b) {
  REQUIRE(a.name == b.name);
  REQUIRE(a.seed == b.seed);
  REQUIRE(a.n_inputs == b.n_inputs);
  REQUIRE(a.neurons.size() == b.neurons.size());
  for (size_t j = 0; j < a.neurons.size(); ++j) {
    const auto &p = a.neurons[j], &q = b.neurons[j];
    REQUIRE(p.alpha.raw == q.alpha.raw);
    REQUIRE(p.v_th.raw == q.v_th.raw);
    REQUIRE(p.rho.raw == q.rho.raw);
    REQUIRE(p.beta.raw == q.beta.raw);
    REQUIRE(p.inv_v_th.raw == q.inv_v_th.raw);
    REQUIRE(p.gamma.raw == q.gamma.raw);
    REQUIRE(p.refractory_steps == q.refractory_steps);
    REQUIRE(p.adaptive == q.adaptive);
    REQUIRE(p.current_based == q.current_based);
    REQUIRE(p.alpha_syn.raw == q.alpha_syn.raw);
    REQUIRE(p.bias.raw == q.bias.raw);
    REQUIRE(p.synaptic_bias.raw == q.synaptic_bias.raw);
  }
  REQUIRE(a.readouts.size() == b.readouts.size());
  for (size_t k = 0; k < a.readouts.size(); ++k) {
    REQUIRE(a.readouts[k].kappa.raw == b.readouts[k].kappa.raw);
    REQUIRE(a.readouts[k].bias.raw == b.readouts[k].bias.raw);
    REQUIRE(a.readouts[k].current_based == b.readouts[k].current_based);
    REQUIRE(a.readouts[k].alpha_syn.raw == b.readouts[k].alpha_syn.raw);
    REQUIRE(a.readouts[k].synaptic_bias.raw == b.readouts[k].synaptic_bias.raw);
  }
  REQUIRE(a.populations.size() == b.populations.size());
  for (size_t i = 0; i < a.populations.size(); ++i) {
    REQUIRE(a.populations[i].name == b.populations[i].name);
    REQUIRE(a.populations[i].role == b.populations[i].role);
    REQUIRE(a.populations[i].adaptive == b.populations[i].adaptive);
    REQUIRE(a.populations[i].first == b.populations[i].first);
    REQUIRE(a.populations[i].size == b.populations[i].size);
  }
  require_same_matrix(a.input_synapses, b.input_synapses);
  require_same_matrix(a.recurrent_synapses, b.recurrent_synapses);
  require_same_matrix(a.readout_synapses, b.readout_synapses);
}

}  // namespace nchip::test
