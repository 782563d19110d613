// The eligibility-trace unit (ETU): per synapse j <- i and timestep, the datapath of the
// plasticity engine in the "full" storage scheme (per-synapse eps_a, filtered eligibility and
// weight-change accumulator). Written once for FloatOps and FixedOps; the RTL in rtl/ must match
// the FixedOps instantiation bit for bit (Bellec et al. 2019, Methods, eq. 23, 27, 28, 45).
//
// This function is the contract between the C++ models and the RTL: its inputs are what the
// engine reads (neuron-side values and the synapse's state), its outputs what it writes back.
// Which step's h, zbar and L are paired is the caller's business (see the e-prop engine).
#pragma once

#include <type_traits>

#include "hw_model/arith/ops.hpp"

namespace nchip::arith {

enum EligibilityStream : uint32_t {
  kStreamEligibility = 16,       // e = h * (zbar - beta eps_a)
  kStreamBetaEps = 17,           // beta * eps_a
  kStreamEpsDecay = 18,          // rho * eps_a
  kStreamEpsDrive = 19,          // h * zbar
  kStreamEpsDamp = 20,           // beta * (h * eps_a)
  kStreamHEps = 21,              // h * eps_a
  kStreamFilteredDecay = 22,     // kappa * ebar
  kStreamAccumulate = 23,        // L * ebar
};

// What the ETU reads from the postsynaptic neuron (and its learning-signal unit) this step.
template <class Ops>
struct EtuNeuronInput {
  Num<Ops, Quantity::pseudo_derivative> h{};     // h_j (0 while refractory)
  Num<Ops, Quantity::decay> rho{};               // ALIF adaptation decay (eq. 27)
  Num<Ops, Quantity::voltage> beta{};            // ALIF threshold gain (eq. 27, 28)
  Num<Ops, Quantity::decay> kappa{};             // readout decay filtering e (eq. 45)
  Num<Ops, Quantity::learning_signal> L{};       // learning signal L_j this step
  bool adaptive = false;
};

// What the ETU keeps per synapse (SRAM beside the unit).
template <class Ops>
struct EtuSynapseState {
  Num<Ops, Quantity::eligibility> eps_a{};               // eps_{ji,a} (eq. 27), ALIF only
  Num<Ops, Quantity::eligibility> filtered{};            // sum_t' kappa^{t-t'} e^{t'} (eq. 45)
  Num<Ops, Quantity::update_accumulator> accumulator{};  // sum_t L_j^t * filtered^t
};

// The datapath of one update (see etu_update), written once for every ops type. `ops` is an Ops
// or, for FixedOps, a FixedOpsWith view of it (same values, Fx<Q>, and same results).
template <class Ops, class Arith>
NCHIP_ALWAYS_INLINE Num<Ops, Quantity::eligibility> etu_datapath(
    const Arith& ops, const EtuNeuronInput<Ops>& n, Num<Ops, Quantity::trace> zbar, EtuSynapseState<Ops>& s,
    const DrawKey& key) {
  constexpr Quantity kE = Quantity::eligibility;
  const auto zbar_e = convert<kE>(ops, zbar, key);  // exact when frac(trace) <= frac(eligibility)
  Num<Ops, kE> e;
  if (n.adaptive) {
    // eq. 28 with eps_a^t, then eq. 27 for eps_a^{t+1} = h zbar + (rho - h beta) eps_a, computed as
    // rho eps_a - beta (h eps_a) + h zbar so that no intermediate needs a signed decay format.
    const auto beta_eps = mul<kE>(ops, n.beta, s.eps_a, key.with_stream(kStreamBetaEps));
    e = mul<kE>(ops, n.h, sub(ops, zbar_e, beta_eps), key.with_stream(kStreamEligibility));
    const auto decayed = mul<kE>(ops, n.rho, s.eps_a, key.with_stream(kStreamEpsDecay));
    const auto drive = mul<kE>(ops, n.h, zbar, key.with_stream(kStreamEpsDrive));
    const auto h_eps = mul<kE>(ops, n.h, s.eps_a, key.with_stream(kStreamHEps));
    const auto damp = mul<kE>(ops, n.beta, h_eps, key.with_stream(kStreamEpsDamp));
    s.eps_a = add(ops, sub(ops, decayed, damp), drive);
  } else {
    e = mul<kE>(ops, n.h, zbar, key.with_stream(kStreamEligibility));  // eq. 23
  }
  // eq. 45: the readout-filtered eligibility
  s.filtered = add(ops, mul<kE>(ops, n.kappa, s.filtered, key.with_stream(kStreamFilteredDecay)), e);
  s.accumulator = add(ops, s.accumulator,
                      mul<Quantity::update_accumulator>(ops, n.L, s.filtered,
                                                        key.with_stream(kStreamAccumulate)));
  return e;
}

// One update. `zbar` is the presynaptic trace paired with this step's h (eq. 23: e^{t} =
// h^t zbar^{t-1}). Returns e (eq. 23 / 28) for callers that need it (e.g. regularization).
// Fixed point branches on the rounding mode once here rather than in each of up to nine rounding
// operations: this per-synapse update is most of fixed-point training's time.
template <class Ops>
NCHIP_ALWAYS_INLINE Num<Ops, Quantity::eligibility> etu_update(
    const Ops& ops, const EtuNeuronInput<Ops>& n, Num<Ops, Quantity::trace> zbar, EtuSynapseState<Ops>& s,
    const DrawKey& key) {
  if constexpr (std::is_same_v<Ops, FixedOps>) {
    switch (ops.rounding) {
      case Rounding::nearest:
        return etu_datapath(FixedOpsWith<Rounding::nearest>{ops}, n, zbar, s, key);
      case Rounding::truncate:
        return etu_datapath(FixedOpsWith<Rounding::truncate>{ops}, n, zbar, s, key);
      case Rounding::stochastic:
        return etu_datapath(FixedOpsWith<Rounding::stochastic>{ops}, n, zbar, s, key);
    }
  }
  return etu_datapath(ops, n, zbar, s, key);
}

}  // namespace nchip::arith
