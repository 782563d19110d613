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

// The draws of one (seed, stream): arith::counter_random with the mixing of seed and stream done
// once, and for counter_normal's two uniforms the mixing of the index too. Same bits as
// counter_uniform(synapse_key(seed, stream, index, which)).
class SynapseDraws {
 public:
  SynapseDraws(uint64_t seed, uint32_t stream)
      : seeded_(arith::splitmix64_mix(seed ^ (uint64_t{stream} << 32))) {}

  double uniform(uint64_t index, uint64_t which) const {
    return to_uniform(arith::splitmix64_mix(indexed(index) ^ step(index, which)));
  }

  double normal(uint64_t index) const {
    const uint64_t h = indexed(index);
    // 1 - u lies in (0, 1], so the logarithm is finite.
    const double u1 = 1.0 - to_uniform(arith::splitmix64_mix(h ^ step(index, 0)));
    const double u2 = to_uniform(arith::splitmix64_mix(h ^ step(index, 1)));
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(kTwoPi * u2);
  }

 private:
  // synapse_key's fields: the low 32 bits of the index, and the rest with `which` as the step.
  uint64_t indexed(uint64_t index) const {
    return arith::splitmix64_mix(seeded_ ^ static_cast<uint32_t>(index));
  }
  static uint64_t step(uint64_t index, uint64_t which) { return ((index >> 32) << 1) | which; }
  static double to_uniform(uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

  uint64_t seeded_;
};

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
  const SynapseDraws weight_draws(network.seed, w_stream);
  const SynapseDraws connection_draws(network.seed, c_stream);

  out.dense = dense;
  out.weights.clear();
  out.synapses.clear();
  if (dense) {
    out.weights.resize(n_pre * n_post);
    for (uint64_t post = 0; post < n_post; ++post)
      for (uint64_t pre = 0; pre < n_pre; ++pre) {
        const uint64_t k = post * n_pre + pre;
        out.weights[k] = self && pre == post ? 0.0 : sigma * weight_draws.normal(k);
      }
    return;
  }
  // Visiting post-major, then pre, leaves the synapses sorted as the IR requires.
  for (uint64_t post = 0; post < n_post; ++post)
    for (uint64_t pre = 0; pre < n_pre; ++pre) {
      if (self && pre == post) continue;
      const uint64_t k = post * n_pre + pre;
      if (!(connection_draws.uniform(k, 0) < p)) continue;
      out.synapses.push_back({static_cast<uint32_t>(pre), static_cast<uint32_t>(post),
                              sigma * weight_draws.normal(k)});
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
