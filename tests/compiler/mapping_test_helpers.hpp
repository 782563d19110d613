// Shared by the chip, pass and image tests: small networks built in code (so capacities can be
// computed exactly), tiny chips, and a way to read a compile error.
#pragma once

#include <cstdint>
#include <string>

#include <catch2/catch.hpp>

#include "compiler/compile.hpp"
#include "compiler/ir/network.hpp"
#include "hw_model/error.hpp"

namespace nchip::test {

inline ir::Population pop(const std::string& name, ir::PopulationType type, uint32_t size) {
  ir::Population p;
  p.name = name;
  p.type = type;
  p.size = size;
  p.v_th = 0.5;
  p.beta = 0.03;
  return p;
}

// Deterministic weights in (-0.5, 0.5), different per synapse.
inline double test_weight(uint64_t i) {
  uint64_t x = i * 0x9E3779B97F4A7C15ull + 0x1234567ull;
  x ^= x >> 31;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 29;
  return static_cast<double>(x % 1000000) / 1000000.0 - 0.5;
}

inline ir::Projection dense(const ir::Network& net, const std::string& source, const std::string& target,
                            bool plastic = true) {
  ir::Projection p;
  p.source = source;
  p.target = target;
  p.dense = true;
  p.plastic = plastic;
  const uint32_t ns = net.find(source)->size, nt = net.find(target)->size;
  for (uint32_t post = 0; post < nt; ++post)
    for (uint32_t pre = 0; pre < ns; ++pre)
      p.weights.push_back(source == target && pre == post ? 0.0 : test_weight(p.weights.size() + 7 * ns));
  return p;
}

// One dense plastic projection from `inputs` inputs onto `neurons` LIF neurons: its memory needs are
// easy to count by hand.
inline ir::Network in_to_rec(uint32_t inputs, uint32_t neurons) {
  ir::Network net;
  net.name = "cap";
  net.populations = {pop("in", ir::PopulationType::input, inputs), pop("rec", ir::PopulationType::lif, neurons)};
  net.projections = {dense(net, "in", "rec")};
  return net;
}

// Each (pre, post) pair connected with probability ~density, decided by a hash of (seed, pair).
inline ir::Projection sparse(const ir::Network& net, const std::string& source, const std::string& target,
                             double density, uint64_t seed) {
  ir::Projection p;
  p.source = source;
  p.target = target;
  p.dense = false;
  const uint32_t ns = net.find(source)->size, nt = net.find(target)->size;
  for (uint32_t post = 0; post < nt; ++post)
    for (uint32_t pre = 0; pre < ns; ++pre) {
      if (source == target && pre == post) continue;
      const uint64_t key = seed * 1000003ull + uint64_t{post} * ns + pre;
      if (test_weight(key) + 0.5 < density) p.synapses.push_back({pre, post, test_weight(key + 1)});
    }
  return p;
}

inline image::ChipConfig tiny_chip(uint32_t width, uint32_t height, uint32_t neurons) {
  image::ChipConfig c;
  c.name = "tiny";
  c.mesh_width = width;
  c.mesh_height = height;
  c.core_max_neurons = neurons;
  c.core_synapse_memory_bits = 1u << 30;
  c.core_max_fan_in = 1u << 20;
  c.core_max_fan_out = 1u << 16;
  c.core_trace_slots = 1u << 20;
  c.router_table_entries = 1u << 20;
  return c;
}

// The one-line InputError message compiling gives, or "<no error>".
inline std::string compile_error(const ir::Network& net, const image::ChipConfig& chip,
                                 const compiler::CompileOptions& options = {}) {
  try {
    compiler::compile_network(net, chip, arith::QuantConfig{}, options);
  } catch (const InputError& e) {
    const std::string message = e.what();
    CHECK(message.find('\n') == std::string::npos);
    return message;
  }
  return "<no error>";
}

}  // namespace nchip::test
