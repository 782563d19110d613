// Shared by the IR tests: a small valid network file, and ways to break it and read the error.
#pragma once

#include <cstring>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "compiler/ir/network.hpp"
#include "compiler/ir/network_json.hpp"
#include "hw_model/error.hpp"

namespace nchip::test {

// Every population type, each weight form, a self projection and a sparse random init.
inline nlohmann::json valid_network() {
  return nlohmann::json::parse(R"({
    "name": "small", "dt_ms": 1.0, "seed": 7, "default_input": "store-recall",
    "populations": [
      {"name": "in", "type": "input", "size": 3},
      {"name": "lif", "type": "lif", "size": 2, "tau_m_ms": 20, "v_th": 0.5, "t_ref_ms": 5},
      {"name": "alif", "type": "alif", "size": 2, "tau_m_ms": 20, "v_th": 0.5, "t_ref_ms": 5,
       "tau_a_ms": 1200, "beta": 0.03},
      {"name": "out", "type": "readout", "size": 2, "tau_out_ms": 20, "bias": [0.1, -0.2]}
    ],
    "projections": [
      {"source": "in", "target": "lif", "weights": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]},
      {"source": "lif", "target": "alif", "synapses": [[1, 0, 0.5], [0, 1, -0.25], [0, 0, 1.5]]},
      {"source": "alif", "target": "out", "init": {"gain": 1.0, "connection_probability": 1.0},
       "plastic": true},
      {"source": "alif", "target": "alif", "init": {"gain": 0.5, "connection_probability": 0.5},
       "plastic": false}
    ]
  })");
}

// The InputError message parsing `text` gives, or "<no error>"; every message must be one line.
inline std::string error_of(const std::string& text) {
  try {
    ir::parse_network_json(text, "net.json");
  } catch (const InputError& e) {
    const std::string message = e.what();
    CHECK(message.find('\n') == std::string::npos);
    return message;
  }
  return "<no error>";
}

inline std::string error_of(const char* text) {
  return error_of(std::string(text));
}
inline std::string error_of(const nlohmann::json& doc) {
  return error_of(doc.dump());
}

inline ir::Population population(std::string name, ir::PopulationType type, uint32_t size) {
  ir::Population p;
  p.name = std::move(name);
  p.type = type;
  p.size = size;
  return p;
}

inline bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;
}

// Field-by-field equality with doubles compared bit for bit (so -0.0 != 0.0 here).
inline void require_identical(const ir::Network& a, const ir::Network& b) {
  REQUIRE(a == b);
  CHECK(same_bits(a.dt_ms, b.dt_ms));
  for (size_t i = 0; i < a.populations.size(); ++i) {
    const ir::Population& p = a.populations[i];
    const ir::Population& q = b.populations[i];
    for (auto field :
         {&ir::Population::tau_m_ms, &ir::Population::v_th, &ir::Population::t_ref_ms,
          &ir::Population::tau_a_ms, &ir::Population::beta, &ir::Population::tau_out_ms,
          &ir::Population::tau_syn_ms})
      CHECK(same_bits(p.*field, q.*field));
    for (size_t k = 0; k < p.bias.size(); ++k) CHECK(same_bits(p.bias[k], q.bias[k]));
  }
  for (size_t i = 0; i < a.projections.size(); ++i) {
    const ir::Projection& p = a.projections[i];
    const ir::Projection& q = b.projections[i];
    for (size_t k = 0; k < p.weights.size(); ++k)
      if (!same_bits(p.weights[k], q.weights[k])) FAIL("projection " << i << " weight " << k);
    for (size_t k = 0; k < p.synapses.size(); ++k)
      if (!same_bits(p.synapses[k].weight, q.synapses[k].weight))
        FAIL("projection " << i << " synapse " << k);
    if (p.random_init) {
      CHECK(same_bits(p.random_init->gain, q.random_init->gain));
      CHECK(
          same_bits(p.random_init->connection_probability, q.random_init->connection_probability));
    }
  }
}

}  // namespace nchip::test
