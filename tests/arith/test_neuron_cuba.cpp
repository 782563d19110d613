// Current-based LIF (CUBA, issue #14; hw_model/arith/neuron.hpp): i[t+1] = alpha_syn i[t] + sum W z,
// v[t+1] = alpha v[t] + i[t+1] + bias - z[t] v_th. Hand-computed trajectories in float and fixed
// point, the reduction to eq. 20's LIF when alpha_syn = 0, and saturation of the current.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

#include "hw_model/arith/neuron.hpp"
#include "hw_model/arith/quant_config.hpp"

using namespace nchip::arith;

namespace {

DrawKey key_at(uint64_t step) { return DrawKey{14, 0, 3, step}; }

// The constants of the hand computation below, in either number system.
template <class Ops>
SpikingParams<Ops> hand_params(const Ops& ops) {
  SpikingParams<Ops> p;
  p.alpha = from_real<Quantity::decay>(ops, 0.75);
  p.v_th = from_real<Quantity::voltage>(ops, 1.0);
  p.inv_v_th = from_real<Quantity::gain>(ops, 1.0);
  p.gamma = from_real<Quantity::pseudo_derivative>(ops, 0.3);
  p.current_based = true;
  p.alpha_syn = from_real<Quantity::decay>(ops, 0.5);
  p.bias = from_real<Quantity::voltage>(ops, 0.125);
  return p;
}

// The synaptic input sum W z of one step as each number system accumulates it (one synapse).
double weight_sum(const FloatOps&, double w) { return w; }
int64_t weight_sum(const FixedOps& ops, double w) {
  int64_t sum = 0;
  accumulate(ops, sum, from_real<Quantity::weight>(ops, w), 0);
  return sum;
}

// Inputs 1, 0, 0.5, 0 with alpha_syn = 0.5, alpha = 0.75, bias = 0.125, v_th = 1 (by hand):
//   i1 = 1                    v1 = 0 + 1 + 0.125                        = 1.125     spike
//   i2 = 0.5                  v2 = 0.75 * 1.125 + 0.5 + 0.125 - 1       = 0.46875
//   i3 = 0.25 + 0.5 = 0.75    v3 = 0.75 * 0.46875 + 0.75 + 0.125         = 1.2265625 spike
//   i4 = 0.375                v4 = 0.75 * 1.2265625 + 0.375 + 0.125 - 1 = 0.419921875
// Every value is a short binary fraction, so the fixed-point run must give exactly the same.
template <class Ops>
void check_hand_trajectory(const Ops& ops) {
  const SpikingParams<Ops> p = hand_params(ops);
  SpikingState<Ops> s;
  const double inputs[] = {1.0, 0.0, 0.5, 0.0};
  const double expected_i[] = {1.0, 0.5, 0.75, 0.375};
  const double expected_v[] = {1.125, 0.46875, 1.2265625, 0.419921875};
  const bool expected_z[] = {true, false, true, false};
  for (int t = 0; t < 4; ++t) {
    INFO("step " << t + 1);
    const auto drive = synaptic_drive(ops, p, s, weight_sum(ops, inputs[t]), key_at(t));
    spiking_step(ops, p, s, drive, key_at(t));
    CHECK(real(ops, s.i) == expected_i[t]);
    CHECK(real(ops, s.v) == expected_v[t]);
    CHECK(s.z == expected_z[t]);
  }
}

}  // namespace

TEST_CASE("CUBA LIF follows the hand-computed trajectory in float") { check_hand_trajectory(FloatOps{}); }

TEST_CASE("CUBA LIF follows the hand-computed trajectory in fixed point") {
  const QuantConfig q;
  SaturationCounts counts;
  const FixedOps x(q, counts);
  check_hand_trajectory(x);
  CHECK(counts.total() == 0);
}

TEST_CASE("CUBA LIF with alpha_syn = 0 and no bias is eq. 20's LIF bit for bit") {
  const QuantConfig q;
  SaturationCounts counts;
  const FixedOps x(q, counts);
  SpikingParams<FixedOps> lif = hand_params(x);
  lif.current_based = false;
  lif.bias = {};
  SpikingParams<FixedOps> cuba = lif;
  cuba.current_based = true;
  cuba.alpha_syn = {};
  SpikingState<FixedOps> a, b;
  int spikes = 0;
  for (uint64_t t = 0; t < 300; ++t) {
    // A pseudo-random input in [-0.3, 0.7): both neurons see the same exact sum.
    const double w = counter_uniform({5, 1, 0, t}) - 0.3;
    const int64_t sum = weight_sum(x, w);
    spiking_step(x, lif, a, synaptic_drive(x, lif, a, sum, key_at(t)), key_at(t));
    spiking_step(x, cuba, b, synaptic_drive(x, cuba, b, sum, key_at(t)), key_at(t));
    REQUIRE(a.v == b.v);
    REQUIRE(a.z == b.z);
    REQUIRE(a.h == b.h);
    spikes += a.z ? 1 : 0;
  }
  CHECK(spikes > 10);
}

TEST_CASE("CUBA synaptic current saturates at its format and counts it") {
  QuantConfig q;
  q[Quantity::synaptic_current] = Format{12, 8, true};  // +-8
  SaturationCounts counts;
  const FixedOps x(q, counts);
  SpikingParams<FixedOps> p = hand_params(x);
  p.alpha_syn = from_real<Quantity::decay>(x, 0.9);
  SpikingState<FixedOps> s;
  for (uint64_t t = 0; t < 40; ++t) synaptic_drive(x, p, s, weight_sum(x, 3.0), key_at(t));
  // Without the clamp i would approach 3 / (1 - 0.9) = 30.
  CHECK(real(x, s.i) == Approx(8.0 - 1.0 / 256));
  CHECK(counts[Quantity::synaptic_current] > 0);
}
