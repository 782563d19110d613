// Neuron updates (hw_model/arith/neuron.hpp) against the equations of Bellec et al. 2019, Methods
// (eq. 20-21 LIF, 25-26 ALIF, the pseudo-derivative after eq. 23, 41 leaky readout), and the
// fixed-point model against the float reference.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "hw_model/arith/neuron.hpp"

using namespace nchip::arith;

namespace {

constexpr double kGamma = 0.3;

// A neuron in physical units; both number systems are built from it the way the compiler does.
struct RealNeuron {
  double tau_m_ms = 20;
  double v_th = 1.0;
  double tau_a_ms = 200;
  double beta = 0.0;
  uint16_t refractory_steps = 0;
  bool adaptive = false;
};

template <class Ops>
SpikingParams<Ops> make_params(const Ops& ops, const RealNeuron& n) {
  SpikingParams<Ops> p;
  p.alpha = from_real<Quantity::decay>(ops, std::exp(-1.0 / n.tau_m_ms));
  p.v_th = from_real<Quantity::voltage>(ops, n.v_th);
  p.rho = from_real<Quantity::decay>(ops, std::exp(-1.0 / n.tau_a_ms));
  p.beta = from_real<Quantity::voltage>(ops, n.beta);
  p.inv_v_th = from_real<Quantity::gain>(ops, 1.0 / n.v_th);
  p.gamma = from_real<Quantity::pseudo_derivative>(ops, kGamma);
  p.refractory_steps = n.refractory_steps;
  p.adaptive = n.adaptive;
  return p;
}

DrawKey key_at(uint64_t step) { return DrawKey{2019, 0, 0, step}; }

double expected_h(double v, double A, double v_th) {
  return kGamma * std::max(0.0, 1.0 - std::abs(v - A) / v_th);
}

// Spike steps of a LIF (no refractoriness, v[0] = 0) under constant input I, from the closed form
// v[t] = I (1 - alpha^t) / (1 - alpha) - v_th * sum_{spikes s < t} alpha^(t - 1 - s), i.e. eq. 20
// unrolled, with z[t] = H(v[t] - v_th), H(0) = 0. Also returns how close any v[t] came to v_th, so
// the test can refuse inputs whose spike times depend on the last bit of a double.
std::vector<int> closed_form_spikes(double I, double alpha, double v_th, int steps,
                                    double& closest) {
  std::vector<int> spikes;
  closest = 1e300;
  for (int t = 1; t <= steps; ++t) {
    double v = I * (1 - std::pow(alpha, t)) / (1 - alpha);
    for (int s : spikes) v -= v_th * std::pow(alpha, t - 1 - s);
    closest = std::min(closest, std::abs(v - v_th));
    if (v > v_th) spikes.push_back(t);
  }
  return spikes;
}

}  // namespace

TEST_CASE("LIF under constant input spikes at the steps the closed form predicts") {
  const FloatOps f;
  RealNeuron n;
  n.v_th = 1.0;
  const SpikingParams<FloatOps> p = make_params(f, n);
  const double alpha = std::exp(-1.0 / 20);
  constexpr int kSteps = 400;
  // 0.04: asymptote 0.82 < v_th, never spikes; 0.05: asymptote 1.025, first spike late (t = 75);
  // 0.5 and 1.5: spikes from the first steps on (1.5 > v_th at t = 1).
  for (double I : {0.04, 0.05, 0.0731, 0.1, 0.2, 0.5, 1.5}) {
    INFO("I = " << I);
    double closest = 0;
    const std::vector<int> predicted = closed_form_spikes(I, alpha, n.v_th, kSteps, closest);
    REQUIRE(closest > 1e-9);  // the spike times are well defined in double precision
    SpikingState<FloatOps> s;
    std::vector<int> got;
    for (int t = 1; t <= kSteps; ++t) {
      spiking_step(f, p, s, I, key_at(static_cast<uint64_t>(t)));
      if (s.z) got.push_back(t);
      CHECK(s.h == Approx(expected_h(s.v, n.v_th, n.v_th)).margin(1e-12));
      CHECK(s.a == 0.0);  // LIF: adaptation untouched
    }
    CHECK(got == predicted);
    if (I == 0.04) CHECK(got.empty());
    if (I == 0.05) {
      REQUIRE_FALSE(got.empty());
      // first t with 0.05 (1 - alpha^t) / (1 - alpha) > 1
      const int first = static_cast<int>(
          std::floor(std::log(1 - (1 - alpha) / 0.05) / std::log(alpha))) + 1;
      CHECK(got.front() == first);
    }
    if (I == 1.5) CHECK(got.front() == 1);
  }
}

TEST_CASE("LIF voltage follows eq. 20 with reset by subtraction") {
  const FloatOps f;
  RealNeuron n;
  n.v_th = 0.6;
  const SpikingParams<FloatOps> p = make_params(f, n);
  const double alpha = std::exp(-1.0 / 20);
  SpikingState<FloatOps> s;
  spiking_step(f, p, s, 0.7, key_at(1));  // v = 0.7 > 0.6: spike
  CHECK(s.v == 0.7);
  CHECK(s.z);
  CHECK(s.h == Approx(0.3 * (1 - 0.1 / 0.6)));
  spiking_step(f, p, s, 0.25, key_at(2));  // v = alpha 0.7 + 0.25 - 0.6
  CHECK(s.v == Approx(alpha * 0.7 + 0.25 - 0.6).margin(1e-15));
  CHECK_FALSE(s.z);
  spiking_step(f, p, s, 0.0, key_at(3));  // no reset after a silent step
  CHECK(s.v == Approx(alpha * (alpha * 0.7 + 0.25 - 0.6)).margin(1e-15));
  // Exactly at threshold does not spike: H(0) = 0.
  SpikingState<FloatOps> at;
  spiking_step(f, p, at, 0.6, key_at(1));
  CHECK(at.v == 0.6);
  CHECK_FALSE(at.z);
  CHECK(at.h == Approx(kGamma));
}

TEST_CASE("refractory steps block spikes and zero h for exactly refractory_steps steps") {
  const FloatOps f;
  const double alpha = std::exp(-1.0 / 20);
  for (uint16_t refractory : {0, 1, 3, 5}) {
    INFO("refractory_steps = " << refractory);
    RealNeuron n;
    n.v_th = 1.0;
    n.refractory_steps = refractory;
    const SpikingParams<FloatOps> p = make_params(f, n);
    SpikingState<FloatOps> s;
    // Input that holds v at 1.2 every step (above threshold, where h would be 0.24): the neuron
    // fires whenever it is allowed to, so the spike pattern shows the refractory window exactly.
    constexpr double kHold = 1.2;
    for (int t = 1; t <= 60; ++t) {
      const double input = kHold - alpha * s.v + (s.z ? n.v_th : 0.0);
      spiking_step(f, p, s, input, key_at(static_cast<uint64_t>(t)));
      REQUIRE(s.v == Approx(kHold).margin(1e-12));
      const bool allowed = (t - 1) % (refractory + 1) == 0;
      INFO("t = " << t);
      CHECK(s.z == allowed);
      if (allowed) {
        CHECK(s.h == Approx(expected_h(kHold, 1.0, 1.0)));
      } else {
        CHECK(s.h == 0.0);
      }
    }
  }
}

TEST_CASE("refractory steps in fixed point match the float pattern") {
  const QuantConfig config;
  SaturationCounts counts;
  const FixedOps x(config, counts);
  RealNeuron n;
  n.refractory_steps = 2;
  const SpikingParams<FixedOps> p = make_params(x, n);
  SpikingState<FixedOps> s;
  const auto strong = from_real<Quantity::voltage>(x, 3.0);
  std::vector<int> spikes;
  for (int t = 1; t <= 12; ++t) {
    spiking_step(x, p, s, strong, key_at(static_cast<uint64_t>(t)));
    if (s.z) spikes.push_back(t);
    if (!s.z) CHECK(s.h.raw == 0);
  }
  CHECK(spikes == std::vector<int>{1, 4, 7, 10});
  CHECK(counts.total() == 0);
}

TEST_CASE("ALIF threshold rises by beta per spike and decays with rho") {
  const FloatOps f;
  RealNeuron n;
  n.v_th = 1.0;
  n.beta = 0.5;
  n.tau_a_ms = 200;
  n.adaptive = true;
  const SpikingParams<FloatOps> p = make_params(f, n);
  const double alpha = std::exp(-1.0 / 20);
  const double rho = std::exp(-1.0 / 200);
  SpikingState<FloatOps> s;
  uint64_t t = 0;
  auto step = [&](double input) { spiking_step(f, p, s, input, key_at(++t)); };

  step(1.5);  // v = 1.5 > A = 1: spike; a[1] = rho a[0] + z[0] = 0
  CHECK(s.z);
  CHECK(s.a == 0.0);
  step(-(alpha * 1.5 - 1.0));  // v = alpha 1.5 + input - v_th = 0; a = 0 + z = 1
  CHECK(s.v == Approx(0.0).margin(1e-15));
  CHECK_FALSE(s.z);
  CHECK(s.a == 1.0);
  CHECK(threshold(f, p, s.a, key_at(t)) == 1.5);  // v_th + beta * 1
  int silent = 0;
  for (int k : {1, 10, 100}) {
    while (silent < k) {
      step(0.0);
      ++silent;
      CHECK_FALSE(s.z);
    }
    INFO("after " << k << " silent steps");
    CHECK(s.a == Approx(std::pow(rho, k)).epsilon(1e-12));
    CHECK(threshold(f, p, s.a, key_at(t)) == Approx(1.0 + 0.5 * std::pow(rho, k)).epsilon(1e-12));
  }
  // Now A = 1 + 0.5 rho^100 = 1.303: v = 1.2 crosses v_th but not A (a LIF would spike here).
  const double a100 = s.a;
  const double A = 1.0 + 0.5 * std::pow(rho, 100);
  step(1.2 - alpha * s.v);
  CHECK(s.v == Approx(1.2));
  CHECK_FALSE(s.z);
  CHECK(s.h == Approx(expected_h(1.2, 1.0 + 0.5 * rho * a100, 1.0)));
  step(1.4 - alpha * s.v);  // 1.4 > A: spike
  CHECK(s.z);
  const double a_spike = s.a;  // a at the spike step (still without this spike's increment)
  CHECK(a_spike == Approx(std::pow(rho, 102)).epsilon(1e-12));
  CHECK(A > 1.2);
  step(0.0);  // a += 1 for the spike
  CHECK(s.a == Approx(rho * a_spike + 1.0).epsilon(1e-12));
  CHECK(threshold(f, p, s.a, key_at(t)) == Approx(1.0 + 0.5 * (rho * a_spike + 1.0)));
  // Two spikes in a row add 1 each (with one decay in between).
  SpikingState<FloatOps> r;
  for (int i = 1; i <= 3; ++i) spiking_step(f, p, r, 10.0, key_at(static_cast<uint64_t>(i)));
  CHECK(r.a == Approx(rho * 1.0 + 1.0).epsilon(1e-12));  // spikes at t = 1 and 2 counted by t = 3
  // A LIF ignores beta and a.
  SpikingParams<FloatOps> lif = p;
  lif.adaptive = false;
  CHECK(threshold(f, lif, 5.0, key_at(t)) == 1.0);
}

TEST_CASE("pseudo-derivative h = gamma max(0 or 1 - |v - A| / v_th)") {
  const FloatOps f;
  RealNeuron n;
  n.v_th = 0.8;
  const SpikingParams<FloatOps> pf = make_params(f, n);
  const QuantConfig config;
  SaturationCounts counts;
  const FixedOps x(config, counts);
  const SpikingParams<FixedOps> px = make_params(x, n);
  REQUIRE(counts.total() == 0);
  struct Case {
    double v, A, h;
  };
  const Case cases[] = {
      {0.8, 0.8, 0.3},             // at threshold: gamma
      {0.6, 0.8, 0.3 * 0.75},      // 0.2 below: 1 - 0.25
      {1.0, 0.8, 0.3 * 0.75},      // 0.2 above, symmetric
      {0.4, 0.8, 0.15},            // half way
      {-0.4, 0.4, 0.0},            // exactly v_th away: 0
      {0.0, 0.8, 0.0},             // exactly v_th away: 0
      {1.7, 0.8, 0.0},             // beyond: clipped at 0
      {-30.0, 0.8, 0.0},           // far beyond
      {60.0, 0.8, 0.0},            // far above
      {1.3, 1.5, 0.3 * 0.75},      // an adapted threshold A = 1.5
  };
  for (const Case& c : cases) {
    INFO("v = " << c.v << ", A = " << c.A);
    CHECK(pseudo_derivative(f, pf, c.v, c.A, DrawKey{}) == Approx(c.h).margin(1e-15));
    // Fixed point: v, A, 1/v_th and gamma are quantized (<= 0.5 LSB each) and the two products
    // are rounded: within 2 LSB of u16.16 of the exact value, and nothing saturates.
    const auto h = pseudo_derivative(x, px, from_real<Quantity::voltage>(x, c.v),
                                     from_real<Quantity::voltage>(x, c.A), DrawKey{});
    CHECK(real(x, h) == Approx(c.h).margin(2.0 / 65536));
    if (c.h == 0.0) CHECK(h.raw == 0);
    CHECK(counts.total() == 0);
  }
  // At the threshold the fixed-point h is gamma as quantized.
  CHECK(pseudo_derivative(x, px, px.v_th, px.v_th, DrawKey{}).raw == px.gamma.raw);
  CHECK(counts.total() == 0);
}

TEST_CASE("leaky readout y = kappa y + input + bias") {
  const FloatOps f;
  const double kappa = std::exp(-1.0 / 30);
  const ReadoutParams<FloatOps> p{kappa, 0.05};
  CHECK(readout_step(f, p, 2.0, 0.5, DrawKey{}) == Approx(kappa * 2.0 + 0.5 + 0.05).margin(1e-15));
  // Constant input I: y[t] = (I + b) (1 - kappa^t) / (1 - kappa) from y[0] = 0.
  double y = 0;
  for (int t = 1; t <= 200; ++t) {
    y = readout_step(f, p, y, 0.3, key_at(static_cast<uint64_t>(t)));
    CHECK(y == Approx(0.35 * (1 - std::pow(kappa, t)) / (1 - kappa)).epsilon(1e-12));
  }
  // Fixed point: kappa * y rounded once, then exact additions.
  const QuantConfig config;
  SaturationCounts counts;
  const FixedOps x(config, counts);
  const ReadoutParams<FixedOps> px{Fx<Quantity::decay>{1 << 23}, Fx<Quantity::voltage>{5}};  // 0.5
  CHECK(readout_step(x, px, Fx<Quantity::voltage>{7}, Fx<Quantity::voltage>{100}, DrawKey{}).raw ==
        4 + 100 + 5);  // 0.5 * 7 = 3.5 -> 4 (ties to even)
  CHECK(readout_step(x, px, Fx<Quantity::voltage>{9}, Fx<Quantity::voltage>{-100}, DrawKey{}).raw ==
        4 - 100 + 5);  // 4.5 -> 4
  CHECK(counts.total() == 0);
}

// ---- fixed point versus float ------------------------------------------------------------------
//
// Both models see the same input sequence (the fixed one quantized to the voltage format with
// nearest rounding) and identical spike trains (checked step by step, so by induction the resets
// and the refractory windows coincide). Writing e_x for the fixed-minus-float error of x and
// q = 1/2 LSB for nearest rounding (1 LSB for truncate and stochastic, whose error per rounding is
// below one LSB):
//   v:  e_v[t+1] = alpha e_v[t] + (alpha_q - alpha) v_q[t] + r_mul + (I_q - I) - z (v_th_q - v_th)
//       |e_v| <= (q LSB_v + 0.5 LSB_v + |d alpha| max|v_q| + |d v_th|) / (1 - alpha)
//   a:  |e_a| <= (q LSB_a + |d rho| max a_q) / (1 - rho)          (the + z of eq. 26 is exact)
//   A = v_th + beta a:  |e_A| <= |d v_th| + q LSB_v + |d beta| max a_q + beta |e_a|
//   y:  |e_y| <= (q LSB_v + 0.5 LSB_v + |d b| + |d kappa| max|y_q|) / (1 - kappa)
//   h:  |e_h| <= gamma (|e_v| + |e_A|) / v_th + gamma |d inv| 1.01 v_th + gamma q LSB_d
//                + |d gamma| + q LSB_h                              (max(0, 1 - .) is 1-Lipschitz)
// With the default formats (LSB_v = LSB_a = 2^-16, decays to 2^-24, tau_m = 20 ms, tau_a = 200 ms)
// the voltage bound is about 29 LSB (4.4e-4) for nearest rounding and v_th = 0.6 (whose own
// quantization error, 0.4 LSB, is paid at every reset). The spike decision v > A agrees
// whenever the float margin |v - A| exceeds |e_v| + |e_A|; the test checks that premise too.
namespace {

struct Trace {
  std::vector<double> v, a, A, h, y;
  std::vector<bool> z;
  std::vector<bool> decided;  // a spike decision was taken (not refractory)
};

// Inputs in [0.02, 0.18] (v climbs to threshold in a few steps, spiking at irregular phases),
// nudged by the float model itself so that no spike decision is closer than kMargin to the
// threshold: the spike trains must then agree whenever the error bounds stay below kMargin.
constexpr double kMargin = 2e-3;  // 131 LSB of s24.16

std::vector<double> make_inputs(const RealNeuron& n, int steps) {
  const FloatOps f;
  const SpikingParams<FloatOps> p = make_params(f, n);
  SpikingState<FloatOps> s;
  std::vector<double> inputs;
  for (int t = 1; t <= steps; ++t) {
    const DrawKey key{5, 0, 0, static_cast<uint64_t>(t)};
    double input = 0.02 + 0.16 * counter_uniform(DrawKey{77, 3, 0, static_cast<uint64_t>(t)});
    SpikingState<FloatOps> trial = s;
    spiking_step(f, p, trial, input, key);
    const double gap = trial.v - threshold(f, p, trial.a, key);
    if (trial.refractory_left == 0 && std::abs(gap) < kMargin) {
      input += gap >= 0 ? kMargin : -kMargin;  // push it clearly to the side it was on
      trial = s;
      spiking_step(f, p, trial, input, key);
    }
    s = trial;
    inputs.push_back(input);
  }
  return inputs;
}

template <class Ops>
Trace run(const Ops& ops, const RealNeuron& n, const std::vector<double>& inputs,
          double readout_weight, double bias, double kappa,
          const std::vector<bool>* reference_spikes) {
  const SpikingParams<Ops> p = make_params(ops, n);
  ReadoutParams<Ops> rp;
  rp.kappa = from_real<Quantity::decay>(ops, kappa);
  rp.bias = from_real<Quantity::voltage>(ops, bias);
  SpikingState<Ops> s;
  Num<Ops, Quantity::voltage> y{};
  Trace tr;
  for (int t = 1; t <= static_cast<int>(inputs.size()); ++t) {
    const DrawKey key{5, 0, 0, static_cast<uint64_t>(t)};
    spiking_step(ops, p, s, from_real<Quantity::voltage>(ops, inputs[static_cast<size_t>(t - 1)]),
                 key);
    // The readout listens to the float spike train so both readouts see the same input even if the
    // spike check below fails.
    const bool z_in = reference_spikes ? (*reference_spikes)[static_cast<size_t>(t - 1)] : s.z;
    y = readout_step(ops, rp, y, from_real<Quantity::voltage>(ops, z_in ? readout_weight : 0.0),
                     key.with_stream(100));
    tr.v.push_back(real(ops, s.v));
    tr.a.push_back(real(ops, s.a));
    tr.A.push_back(real(ops, threshold(ops, p, s.a, key)));
    tr.h.push_back(real(ops, s.h));
    tr.y.push_back(real(ops, y));
    tr.z.push_back(s.z);
    tr.decided.push_back(s.refractory_left == 0);
  }
  return tr;
}

double max_abs(const std::vector<double>& x) {
  double m = 0;
  for (double e : x) m = std::max(m, std::abs(e));
  return m;
}

void track(const RealNeuron& n, Rounding rounding) {
  constexpr int kSteps = 1000;
  constexpr double kKappa = 0.96;  // exp(-1 / 24.5)
  constexpr double kWeight = 0.37, kBias = 0.05;
  const FloatOps f;
  QuantConfig config;
  config.rounding = rounding;
  SaturationCounts counts;
  const FixedOps x(config, counts);

  const std::vector<double> inputs = make_inputs(n, kSteps);
  const Trace fl = run(f, n, inputs, kWeight, kBias, kKappa, nullptr);
  const Trace fx = run(x, n, inputs, kWeight, kBias, kKappa, &fl.z);

  const SpikingParams<FixedOps> px = make_params(x, n);
  const double lsb_v = config[Quantity::voltage].lsb();
  const double lsb_a = config[Quantity::adaptation].lsb();
  const double lsb_h = config[Quantity::pseudo_derivative].lsb();
  const double lsb_d = std::max(config[Quantity::gain].lsb(), lsb_h);  // |v - A| / v_th
  const double q = rounding == Rounding::nearest ? 0.5 : 1.0;
  const double alpha = std::exp(-1.0 / n.tau_m_ms);
  const double rho = std::exp(-1.0 / n.tau_a_ms);
  const double d_alpha = std::abs(real(x, px.alpha) - alpha);
  const double d_rho = std::abs(real(x, px.rho) - rho);
  const double d_vth = std::abs(real(x, px.v_th) - n.v_th);
  const double d_beta = std::abs(real(x, px.beta) - n.beta);
  const double d_inv = std::abs(real(x, px.inv_v_th) - 1.0 / n.v_th);
  const double d_gamma = std::abs(real(x, px.gamma) - kGamma);
  const double d_kappa = std::abs(real(x, from_real<Quantity::decay>(x, kKappa)) - kKappa);
  const double d_bias = std::abs(real(x, from_real<Quantity::voltage>(x, kBias)) - kBias);

  const double bound_v =
      (q * lsb_v + 0.5 * lsb_v + d_alpha * max_abs(fx.v) + d_vth) / (1 - alpha);
  const double bound_a = n.adaptive ? (q * lsb_a + d_rho * max_abs(fx.a)) / (1 - rho) : 0.0;
  const double bound_A =
      d_vth + (n.adaptive ? q * lsb_v + d_beta * max_abs(fx.a) + n.beta * bound_a : 0.0);
  const double bound_h = kGamma * (bound_v + bound_A) / n.v_th + kGamma * d_inv * 1.01 * n.v_th +
                         kGamma * q * lsb_d + d_gamma + q * lsb_h;
  // The readout input w z is quantized once per step, the bias once.
  const double bound_y =
      (q * lsb_v + 0.5 * lsb_v + d_bias + d_kappa * max_abs(fx.y)) / (1 - kKappa);
  INFO("rounding " << to_string(rounding) << ", adaptive " << n.adaptive << ": bound_v = "
                   << bound_v / lsb_v << " LSB, bound_A = " << bound_A / lsb_v
                   << " LSB, bound_y = " << bound_y / lsb_v << " LSB");

  int spikes = 0, decisions = 0;
  double worst_v = 0, worst_y = 0, worst_h = 0, worst_a = 0;
  for (size_t t = 0; t < fl.v.size(); ++t) {
    INFO("step " << t + 1);
    if (fl.decided[t]) {
      // Premise: the float neuron is never within the error bound of its threshold.
      REQUIRE(std::abs(fl.v[t] - fl.A[t]) > bound_v + bound_A);
      REQUIRE(std::abs(fl.v[t] - fl.A[t]) >= 0.999 * kMargin);  // make_inputs did its job
      ++decisions;
    }
    REQUIRE(fx.z[t] == fl.z[t]);
    REQUIRE(fx.decided[t] == fl.decided[t]);
    spikes += fl.z[t] ? 1 : 0;
    worst_v = std::max(worst_v, std::abs(fx.v[t] - fl.v[t]));
    worst_a = std::max(worst_a, std::abs(fx.a[t] - fl.a[t]));
    worst_h = std::max(worst_h, std::abs(fx.h[t] - fl.h[t]));
    worst_y = std::max(worst_y, std::abs(fx.y[t] - fl.y[t]));
  }
  INFO("worst errors: v " << worst_v / lsb_v << " LSB, a " << worst_a / lsb_a << " LSB, h "
                          << worst_h / lsb_h << " LSB, y " << worst_y / lsb_v << " LSB");
  CHECK(spikes > 30);  // the comparison covers many resets
  CHECK(decisions > kSteps / 2);
  CHECK(worst_v <= bound_v);
  CHECK(worst_a <= bound_a);
  CHECK(worst_h <= bound_h);
  CHECK(worst_y <= bound_y);
  // The bounds are tens of LSB; pin that so a badly quantized constant can't make them vacuous.
  CHECK(bound_v < 50 * lsb_v);
  CHECK(bound_v + bound_A < kMargin);
  CHECK(counts.total() == 0);  // nothing in this range may saturate
}

}  // namespace

TEST_CASE("fixed-point LIF and readout track the float reference for 1000 steps") {
  RealNeuron lif;
  lif.v_th = 0.6;  // not a power of two: exercises the quantized threshold
  for (Rounding r : {Rounding::nearest, Rounding::truncate, Rounding::stochastic}) track(lif, r);
}

TEST_CASE("fixed-point ALIF and readout track the float reference for 1000 steps") {
  RealNeuron alif;
  alif.v_th = 0.6;
  alif.adaptive = true;
  alif.beta = 0.07;
  alif.tau_a_ms = 200;
  alif.refractory_steps = 2;
  for (Rounding r : {Rounding::nearest, Rounding::truncate, Rounding::stochastic}) track(alif, r);
}
