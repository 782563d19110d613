// EtuSynapseStore (rows by target, columns, the window split over threads) against the plain
// definition: every synapse, step by step in entry order, through arith::etu_update on its own
// state. Same state values and the same saturation counts for 1, 2 and 3 threads, in fixed point
// (all rounding modes, formats that saturate) and in float.
#include <catch2/catch.hpp>

#include <vector>

#include "hw_model/arith/counter_rng.hpp"
#include "hw_model/learning/etu_store.hpp"
#include "hw_model/learning/worker_pool.hpp"

namespace {

using nchip::arith::DrawKey;
using nchip::arith::FixedOps;
using nchip::arith::FloatOps;
using nchip::arith::Fx;
using nchip::arith::Quantity;
using nchip::arith::QuantConfig;
using nchip::arith::Rounding;
using nchip::arith::SaturationCounts;
using nchip::learning::EtuNeuronConstants;
using nchip::learning::EtuSynapseStore;
using nchip::learning::EtuWindow;
using nchip::learning::PlasticSynapse;
using nchip::learning::WorkerPool;

uint64_t draw(uint64_t seed, uint32_t index) { return nchip::arith::counter_random({seed, 99, index, 0}); }

// A random set: `n_neurons` targets (every third adaptive), sources with random fan-out, trace
// slots shared between synapses of one source, entries in source-major order.
struct RandomSet {
  std::vector<PlasticSynapse> synapses;
  std::vector<uint8_t> adaptive;
  uint32_t n_neurons = 0, n_slots = 0;
};

RandomSet random_set(uint64_t seed, uint32_t n_sources, uint32_t n_neurons) {
  RandomSet r;
  r.n_neurons = n_neurons;
  r.n_slots = n_sources * 2;
  for (uint32_t j = 0; j < n_neurons; ++j) r.adaptive.push_back(j % 3 == 1);
  uint32_t synapse = 0;
  for (uint32_t i = 0; i < n_sources; ++i)
    for (uint32_t j = 0; j < n_neurons; ++j) {
      if (draw(seed, i * 1000 + j) % 4 == 0) continue;  // sparse: some rows empty or short
      r.synapses.push_back({synapse, i, j, i * 2 + (j % 2), j});
      synapse += 1 + static_cast<uint32_t>(draw(seed, synapse) % 3);  // key indices with gaps
    }
  return r;
}

template <class Ops, class Num>
void check_against_plain(const Ops& ops_plain, const Ops& ops_store, SaturationCounts* counts_plain,
                         SaturationCounts* counts_store, const RandomSet& set, Num make, unsigned threads,
                         size_t steps, uint64_t seed) {
  using State = nchip::arith::EtuSynapseState<Ops>;
  const size_t n = set.n_neurons;
  std::vector<uint64_t> step(steps);
  std::vector<nchip::arith::Num<Ops, Quantity::pseudo_derivative>> h(steps * n);
  std::vector<nchip::arith::Num<Ops, Quantity::learning_signal>> L(steps * n);
  std::vector<nchip::arith::Num<Ops, Quantity::trace>> traces(steps * set.n_slots);
  std::vector<nchip::arith::Num<Ops, Quantity::decay>> rho(n);
  std::vector<nchip::arith::Num<Ops, Quantity::voltage>> beta(n);
  uint32_t k = 0;
  for (size_t w = 0; w < steps; ++w) step[w] = 1000 + 7 * w;
  for (auto& x : h) x = make.template operator()<Quantity::pseudo_derivative>(draw(seed, ++k), false);
  for (auto& x : L) x = make.template operator()<Quantity::learning_signal>(draw(seed, ++k), true);
  for (auto& x : traces) x = make.template operator()<Quantity::trace>(draw(seed, ++k), false);
  for (auto& x : rho) x = make.template operator()<Quantity::decay>(draw(seed, ++k), false);
  for (auto& x : beta) x = make.template operator()<Quantity::voltage>(draw(seed, ++k), false);
  const auto kappa = make.template operator()<Quantity::decay>(draw(seed, ++k), false);

  // The plain definition: step-major, entry order, state per entry.
  std::vector<State> plain(set.synapses.size());
  EtuSynapseStore<Ops> store;
  store.build(set.synapses, set.adaptive);
  // Start from nonzero state (as mid-trial), the same in both.
  for (size_t e = 0; e < plain.size(); ++e) {
    plain[e].eps_a = make.template operator()<Quantity::eligibility>(draw(seed, 5000 + e), true);
    plain[e].filtered = make.template operator()<Quantity::eligibility>(draw(seed, 9000 + e), true);
    plain[e].accumulator = make.template operator()<Quantity::update_accumulator>(draw(seed, 13000 + e), true);
    store.set_state(e, plain[e]);
  }
  for (size_t w = 0; w < steps; ++w)
    for (size_t e = 0; e < plain.size(); ++e) {
      const PlasticSynapse& ps = set.synapses[e];
      const nchip::arith::EtuNeuronInput<Ops> in{h[w * n + ps.neuron], rho[ps.neuron], beta[ps.neuron], kappa,
                                                 L[w * n + ps.neuron], set.adaptive[ps.neuron] != 0};
      nchip::arith::etu_update(ops_plain, in, traces[w * set.n_slots + ps.trace_slot], plain[e],
                               DrawKey{seed, 0, ps.synapse, step[w]});
    }

  WorkerPool pool(threads);
  EtuWindow<Ops> window;
  window.steps = steps;
  window.step = step.data();
  window.h = h.data();
  window.L = L.data();
  window.neuron_stride = n;
  window.traces = traces.data();
  window.trace_stride = set.n_slots;
  window.seed = seed;
  store.run(ops_store, EtuNeuronConstants<Ops>{rho.data(), beta.data(), kappa}, window, &pool);

  for (size_t e = 0; e < plain.size(); ++e) {
    const State s = store.state(e);
    INFO("entry " << e << " threads " << threads);
    REQUIRE(s.eps_a == plain[e].eps_a);
    REQUIRE(s.filtered == plain[e].filtered);
    REQUIRE(s.accumulator == plain[e].accumulator);
  }
  if (counts_plain) CHECK(*counts_plain == *counts_store);
}

// Raw values across the whole format (so some products saturate), or doubles in a similar range.
struct FixedMaker {
  const QuantConfig* q;
  template <Quantity Q>
  Fx<Q> operator()(uint64_t bits, bool) const {
    const auto& f = (*q)[Q];
    const int64_t span = f.max_raw() - f.min_raw() + 1;
    return Fx<Q>{static_cast<int32_t>(f.min_raw() + static_cast<int64_t>(bits % static_cast<uint64_t>(span)))};
  }
};
struct FloatMaker {
  template <Quantity Q>
  double operator()(uint64_t bits, bool is_signed) const {
    const double u = static_cast<double>(bits >> 11) * 0x1.0p-53;
    return is_signed ? 2.0 * u - 1.0 : u;
  }
};

}  // namespace

TEST_CASE("EtuSynapseStore equals the plain per-synapse loop, fixed point, every rounding mode and thread count") {
  for (Rounding rounding : {Rounding::nearest, Rounding::truncate, Rounding::stochastic}) {
    for (int narrow = 0; narrow < 2; ++narrow) {
      QuantConfig q;
      q.rounding = rounding;
      if (narrow) {  // narrow formats: frequent saturation of eligibility and accumulator
        q[Quantity::eligibility] = {10, 8, true};
        q[Quantity::update_accumulator] = {12, 9, true};
        q[Quantity::trace] = {8, 5, false};
      }
      for (unsigned threads : {1u, 2u, 3u}) {
        const RandomSet set = random_set(11 + threads, 90, 70);
        SaturationCounts plain_counts, store_counts;
        const FixedOps plain_ops(q, plain_counts), store_ops(q, store_counts);
        INFO("rounding " << nchip::arith::to_string(rounding) << " narrow " << narrow);
        check_against_plain(plain_ops, store_ops, &plain_counts, &store_counts, set, FixedMaker{&q}, threads, 13,
                            77 + narrow);
        if (narrow) CHECK(plain_counts.total() > 0);  // the case really saturates
      }
    }
  }
}

TEST_CASE("EtuSynapseStore equals the plain per-synapse loop, float, for 1, 2 and 3 threads") {
  for (unsigned threads : {1u, 2u, 3u}) {
    const RandomSet set = random_set(3, 120, 64);
    check_against_plain(FloatOps{}, FloatOps{}, nullptr, nullptr, set, FloatMaker{}, threads, 9, 5);
  }
}

TEST_CASE("WorkerPool runs every task exactly once, for any thread and task count") {
  for (unsigned threads : {1u, 2u, 3u, 5u}) {
    WorkerPool pool(threads);
    CHECK(pool.threads() == threads);
    for (size_t tasks : {size_t{0}, size_t{1}, size_t{2}, size_t{7}, size_t{64}}) {
      for (int round = 0; round < 3; ++round) {
        std::vector<int> hits(tasks, 0);
        pool.run(tasks, [&](size_t t) { hits[t] += 1; });
        for (size_t t = 0; t < tasks; ++t) CHECK(hits[t] == 1);
      }
    }
  }
  CHECK(WorkerPool(0).threads() == WorkerPool::default_threads());
}
