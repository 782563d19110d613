#include "compiler/ir/random_init.hpp"

#include <algorithm>
#include <cmath>

#include "hw_model/arith/counter_rng.hpp"

namespace nchip::ir {

namespace {

constexpr uint32_t kConnectivityStreamBit = 0x80000000u;
constexpr double kTwoPi = 6.283185307179586476925286766559;

// DrawKey has a 32-bit index; the upper half of a synapse index and the choice between a draw's
// two uniforms go into the step field.
arith::DrawKey synapse_key(uint64_t seed, uint32_t stream, uint64_t index, uint64_t which) {
  return {seed, stream, static_cast<uint32_t>(index), ((index >> 32) << 1) | which};
}

uint32_t weight_stream(size_t projection_index) {
  return static_cast<uint32_t>(projection_index) & ~kConnectivityStreamBit;
}

}  // namespace

double counter_normal(uint64_t seed, uint32_t stream, uint64_t index) {
  // 1 - u lies in (0, 1], so the logarithm is finite.
  const double u1 = 1.0 - arith::counter_uniform(synapse_key(seed, stream, index, 0));
  const double u2 = arith::counter_uniform(synapse_key(seed, stream, index, 1));
  return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
}

void draw_random_init(const Network& network, size_t projection_index, Projection& out) {
  const Projection& proj = network.projections.at(projection_index);
  const RandomInit init = proj.random_init.value_or(RandomInit{});
  const uint64_t n_pre = network.populations[network.index_of(proj.source)].size;
  const uint64_t n_post = network.populations[network.index_of(proj.target)].size;
  const bool self = proj.source == proj.target;
  const double p = init.connection_probability;
  const bool dense = p >= 1.0;  // an invalid p (<= 0, NaN) gives an empty sparse projection
  const double fan_in = static_cast<double>(n_pre) * (dense ? 1.0 : p);
  const double sigma = init.gain / std::sqrt(fan_in);
  const uint32_t w_stream = weight_stream(projection_index);
  const uint32_t c_stream = w_stream | kConnectivityStreamBit;
  const uint64_t seed = network.seed;

  out.dense = dense;
  out.weights.clear();
  out.synapses.clear();
  if (dense) {
    out.weights.resize(n_pre * n_post);
    for (uint64_t post = 0; post < n_post; ++post)
      for (uint64_t pre = 0; pre < n_pre; ++pre) {
        const uint64_t k = post * n_pre + pre;
        out.weights[k] = self && pre == post ? 0.0 : sigma * counter_normal(seed, w_stream, k);
      }
    return;
  }
  // Visiting post-major, then pre, leaves the synapses sorted as the IR requires.
  for (uint64_t post = 0; post < n_post; ++post)
    for (uint64_t pre = 0; pre < n_pre; ++pre) {
      if (self && pre == post) continue;
      const uint64_t k = post * n_pre + pre;
      if (!(arith::counter_uniform(synapse_key(seed, c_stream, k, 0)) < p)) continue;
      out.synapses.push_back({static_cast<uint32_t>(pre), static_cast<uint32_t>(post),
                              sigma * counter_normal(seed, w_stream, k)});
    }
}

void materialise_random_init(Network& network) {
  for (size_t i = 0; i < network.projections.size(); ++i)
    if (network.projections[i].random_init) draw_random_init(network, i, network.projections[i]);
}

void randomize_all_weights(Network& network, uint64_t seed, double gain) {
  network.seed = seed;
  for (size_t i = 0; i < network.projections.size(); ++i) {
    Projection& proj = network.projections[i];
    double p = 1.0;
    if (proj.random_init) {
      p = proj.random_init->connection_probability;
    } else if (!proj.dense) {
      const uint64_t n_pre = network.populations[network.index_of(proj.source)].size;
      const uint64_t n_post = network.populations[network.index_of(proj.target)].size;
      const uint64_t possible = n_pre * n_post - (proj.source == proj.target ? n_pre : 0);
      if (proj.synapses.empty() || possible == 0) continue;
      p = std::min(1.0, static_cast<double>(proj.synapses.size()) / static_cast<double>(possible));
    }
    proj.random_init = RandomInit{gain, p};
    draw_random_init(network, i, proj);
  }
}

}  // namespace nchip::ir
