// Issue #14's other neuron options (hw_model/arith/neuron.hpp): reset to zero, a bias current and
// IF (no leak), hand-computed in float and fixed point (every value a short binary fraction, so both
// number systems must give exactly these numbers).
#include <catch2/catch.hpp>

#include <cstdint>

#include "hw_model/arith/neuron.hpp"
#include "hw_model/arith/quant_config.hpp"

using namespace nchip::arith;

namespace {

DrawKey key_at(uint64_t step) { return DrawKey{14, 0, 5, step}; }

template <class Ops>
SpikingParams<Ops> params(const Ops& ops, double alpha, double v_th, double bias) {
  SpikingParams<Ops> p;
  p.alpha = from_real<Quantity::decay>(ops, alpha);
  p.v_th = from_real<Quantity::voltage>(ops, v_th);
  p.inv_v_th = from_real<Quantity::gain>(ops, 1.0 / v_th);
  p.gamma = from_real<Quantity::pseudo_derivative>(ops, 0.3);
  p.bias = from_real<Quantity::voltage>(ops, bias);
  return p;
}

template <class Ops>
void run(const Ops& ops, const SpikingParams<Ops>& p, const double (&inputs)[5], const double (&v)[5],
         const bool (&z)[5]) {
  SpikingState<Ops> s;
  for (int t = 0; t < 5; ++t) {
    INFO("step " << t + 1);
    spiking_step(ops, p, s, from_real<Quantity::voltage>(ops, inputs[t]), key_at(t));
    CHECK(real(ops, s.v) == v[t]);
    CHECK(s.z == z[t]);
  }
}

// alpha 0.5, v_th 1, bias 0.25, inputs 1, 0.5, 0, 0.5, 0:
//   v1 = 1 + 0.25 = 1.25 spike; zero: v2 = 0 * 0.5 + 0.5 + 0.25 = 0.75 (subtract: 0.625 + 0.75 - 1 = 0.375)
//   v3 = 0.375 + 0.25 = 0.625; v4 = 0.3125 + 0.5 + 0.25 = 1.0625 spike; v5 = 0 + 0 + 0.25 = 0.25
template <class Ops>
void check_reset_zero(const Ops& ops) {
  SpikingParams<Ops> p = params(ops, 0.5, 1.0, 0.25);
  p.reset_to_zero = true;
  run(ops, p, {1, 0.5, 0, 0.5, 0}, {1.25, 0.75, 0.625, 1.0625, 0.25}, {true, false, false, true, false});
  p.reset_to_zero = false;  // eq. 20 on the same input: v2 = 0.375, v3 = 0.4375, v4 = 0.96875, v5 = 0.734375
  run(ops, p, {1, 0.5, 0, 0.5, 0}, {1.25, 0.375, 0.4375, 0.96875, 0.734375}, {true, false, false, false, false});
}

// IF (no leak) with v_th 0.875 and inputs of 0.25: v = 0.25, 0.5, 0.75, 1.0 (spike), then
// subtract: 1.0 + 0.25 - 0.875 = 0.375; zero: 0 + 0.25 = 0.25. alpha (0.5 here) must be unused.
template <class Ops>
void check_integrate_and_fire(const Ops& ops) {
  SpikingParams<Ops> p = params(ops, 0.5, 0.875, 0.0);
  p.leaky = false;
  run(ops, p, {0.25, 0.25, 0.25, 0.25, 0.25}, {0.25, 0.5, 0.75, 1.0, 0.375}, {false, false, false, true, false});
  p.reset_to_zero = true;
  run(ops, p, {0.25, 0.25, 0.25, 0.25, 0.25}, {0.25, 0.5, 0.75, 1.0, 0.25}, {false, false, false, true, false});
}

}  // namespace

TEST_CASE("reset to zero with a bias current follows the hand computation in float and fixed point") {
  check_reset_zero(FloatOps{});
  const QuantConfig q;
  SaturationCounts counts;
  check_reset_zero(FixedOps(q, counts));
  CHECK(counts.total() == 0);
}

TEST_CASE("IF (no leak) integrates without decay in float and fixed point") {
  check_integrate_and_fire(FloatOps{});
  const QuantConfig q;
  SaturationCounts counts;
  check_integrate_and_fire(FixedOps(q, counts));
  CHECK(counts.total() == 0);
}
