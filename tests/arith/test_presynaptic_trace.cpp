// The presynaptic traces of issue #14's neurons (hw_model/arith/presynaptic_trace.hpp): a LIF
// filter is eq. 22's trace_step bit for bit; a CUBA filter is the double convolution
// zbar[t] = sum_{u<=s<=t} alpha^(t-s) alpha_syn^(s-u) z[u] written out here; IF counts spikes.
// Fixed point stays within the rounding bound of that sum, and saturation is counted.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <vector>

#include "hw_model/arith/counter_rng.hpp"
#include "hw_model/arith/presynaptic_trace.hpp"
#include "hw_model/arith/quant_config.hpp"

using namespace nchip::arith;

namespace {

constexpr double kAlpha = 0.95, kAlphaSyn = 0.8;

std::vector<uint8_t> spike_train(uint32_t steps, double p) {
  std::vector<uint8_t> z(steps);
  for (uint32_t t = 0; t < steps; ++t) z[t] = counter_uniform({5, 1, 0, t}) < p;
  return z;
}

// The definition of the CUBA eligibility's voltage component, by its double sum.
std::vector<double> cuba_by_definition(const std::vector<uint8_t>& z) {
  std::vector<double> zbar(z.size(), 0.0);
  for (size_t t = 0; t < z.size(); ++t)
    for (size_t s = 0; s <= t; ++s)
      for (size_t u = 0; u <= s; ++u)
        if (z[u]) zbar[t] += std::pow(kAlpha, double(t - s)) * std::pow(kAlphaSyn, double(s - u));
  return zbar;
}

template <class Ops>
PresynapticFilter<Ops> cuba_filter(const Ops& ops) {
  PresynapticFilter<Ops> f;
  f.alpha = from_real<Quantity::decay>(ops, kAlpha);
  f.current_based = true;
  f.alpha_syn = from_real<Quantity::decay>(ops, kAlphaSyn);
  return f;
}

}  // namespace

TEST_CASE("a LIF presynaptic filter is eq. 22 trace_step bit for bit with stochastic rounding") {
  QuantConfig q;
  q.rounding = Rounding::stochastic;
  SaturationCounts counts;
  const FixedOps ops(q, counts);
  PresynapticFilter<FixedOps> f;
  f.alpha = from_real<Quantity::decay>(ops, kAlpha);
  const auto z = spike_train(300, 0.2);
  Fx<Quantity::trace> a{}, b{}, unused{};
  for (uint32_t t = 0; t < z.size(); ++t) {
    const DrawKey key{9, 0, 4, t};
    a = trace_step(ops, f.alpha, a, z[t] != 0, key);
    b = presynaptic_step(ops, f, b, unused, z[t] != 0, key);
    REQUIRE(a.raw == b.raw);
  }
  CHECK(unused.raw == 0);
  CHECK(a.raw > 0);
}

TEST_CASE("a CUBA presynaptic trace is the double convolution of the spikes in float and fixed point") {
  const auto z = spike_train(300, 0.15);
  const std::vector<double> expected = cuba_by_definition(z);
  const FloatOps fl;
  const auto ff = cuba_filter(fl);
  QuantConfig q;
  SaturationCounts counts;
  const FixedOps fx(q, counts);
  const auto fq = cuba_filter(fx);
  double zbar = 0, zsyn = 0;
  Fx<Quantity::trace> qbar{}, qsyn{};
  // Rounding to nearest adds at most half an LSB per multiply: zsyn's error stays below
  // 0.5 / (1 - alpha_syn) LSB, zbar's below (0.5 + that) / (1 - alpha) LSB; the 24-bit decays'
  // own rounding (2^-25 relative) is far below.
  const double lsb = std::ldexp(1.0, -q[Quantity::trace].frac);
  const double bound = (0.5 + 0.5 / (1 - kAlphaSyn)) / (1 - kAlpha) * lsb + 1e-6;
  double worst = 0;
  for (uint32_t t = 0; t < z.size(); ++t) {
    zbar = presynaptic_step(fl, ff, zbar, zsyn, z[t] != 0, DrawKey{1, 0, 0, t});
    qbar = presynaptic_step(fx, fq, qbar, qsyn, z[t] != 0, DrawKey{1, 0, 0, t});
    REQUIRE(zbar == Approx(expected[t]).epsilon(1e-12).margin(1e-12));
    worst = std::fmax(worst, std::fabs(real(fx, qbar) - expected[t]));
  }
  INFO("worst fixed-point error " << worst << ", bound " << bound);
  CHECK(worst <= bound);
  CHECK(expected.back() > 5.0);  // the check sees a trace far above one spike's
  CHECK(counts.total() == 0);
}

TEST_CASE("an IF presynaptic trace counts spikes without decay and saturates counted") {
  QuantConfig q;
  q[Quantity::trace] = {8, 4, false};  // holds at most 15.9375: 16 spikes saturate
  SaturationCounts counts;
  const FixedOps ops(q, counts);
  PresynapticFilter<FixedOps> f;
  f.leaky = false;
  Fx<Quantity::trace> zbar{}, unused{};
  for (uint32_t t = 0; t < 20; ++t) {
    zbar = presynaptic_step(ops, f, zbar, unused, true, DrawKey{1, 0, 0, t});
    if (t < 15) REQUIRE(real(ops, zbar) == double(t + 1));
  }
  CHECK(zbar.raw == (1 << 8) - 1);
  CHECK(counts[Quantity::trace] == 5);  // spikes 16 to 20 each hit the top
  double fz = 0, fsyn = 0;
  PresynapticFilter<FloatOps> ff;
  ff.leaky = false;
  for (uint32_t t = 0; t < 20; ++t) fz = presynaptic_step(FloatOps{}, ff, fz, fsyn, t % 2 == 0, DrawKey{});
  CHECK(fz == 10.0);
}
