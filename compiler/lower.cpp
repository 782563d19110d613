#include "compiler/lower.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "hw_model/arith/ops.hpp"

namespace nchip::compiler {

namespace {

using arith::Quantity;
using model::PopulationRole;

PopulationRole role_of(ir::PopulationType type) {
  switch (type) {
    case ir::PopulationType::input: return PopulationRole::input;
    case ir::PopulationType::readout: return PopulationRole::readout;
    default: return PopulationRole::spiking;
  }
}

// The float reference keeps real weights: no exponent.
int choose_exponent(const arith::FloatOps&, double) { return 0; }

// Smallest exponent e with max_abs * 2^headroom <= max_real(weight) * 2^e, so the projection uses
// the format's range without overflow (and leaves headroom for learning).
int choose_exponent(const arith::FixedOps& ops, double max_abs) {
  const arith::QuantConfig& q = *ops.q;
  if (!q.weight_exponents || max_abs == 0.0) return 0;
  const double needed = max_abs * std::ldexp(1.0, q.weight_headroom_bits) / q[Quantity::weight].max_real();
  const int e = static_cast<int>(std::ceil(std::log2(needed)));
  return std::clamp(e, arith::kWeightExponentMin, arith::kWeightExponentMax);
}

struct WeightEntry {
  uint32_t source;
  uint32_t target;
  double weight;
  int exponent;
  model::SynapseOrigin origin;
};

// Builds compressed rows by source; entries are visited in (source, target) order, so the
// layout (and hence every result) is deterministic.
template <class Ops>
model::SynapseMatrix<Ops> build_matrix(uint32_t n_sources, uint32_t n_targets,
                                       std::vector<WeightEntry> entries,
                                       const std::vector<uint8_t>& plastic_by_projection,
                                       const Ops& ops) {
  std::stable_sort(entries.begin(), entries.end(), [](const WeightEntry& a, const WeightEntry& b) {
    return a.source != b.source ? a.source < b.source : a.target < b.target;
  });
  model::SynapseMatrix<Ops> m;
  m.n_sources = n_sources;
  m.n_targets = n_targets;
  m.row_start.assign(n_sources + 1, 0);
  for (const auto& e : entries) ++m.row_start[e.source + 1];
  for (uint32_t s = 0; s < n_sources; ++s) m.row_start[s + 1] += m.row_start[s];
  m.target.reserve(entries.size());
  m.weight.reserve(entries.size());
  for (const auto& e : entries) {
    m.target.push_back(e.target);
    m.weight.push_back(arith::from_real<Quantity::weight>(ops, std::ldexp(e.weight, -e.exponent)));
    m.exponent.push_back(static_cast<int8_t>(e.exponent));
    m.plastic.push_back(plastic_by_projection[e.origin.projection]);
    m.origin.push_back(e.origin);
  }
  return m;
}

}  // namespace

template <class Ops>
model::NetworkModel<Ops> lower(const ir::Network& network, const Ops& ops) {
  model::NetworkModel<Ops> out;
  out.name = network.name;
  out.seed = network.seed;
  const double dt = network.dt_ms;

  std::vector<model::PopulationSpan> spans;
  uint32_t counts[3] = {0, 0, 0};
  for (const auto& pop : network.populations) {
    model::PopulationSpan span;
    span.name = pop.name;
    span.role = role_of(pop.type);
    span.adaptive = pop.type == ir::PopulationType::alif;
    span.first = counts[static_cast<int>(span.role)];
    span.size = pop.size;
    counts[static_cast<int>(span.role)] += pop.size;
    spans.push_back(span);

    if (span.role == PopulationRole::spiking) {
      arith::SpikingParams<Ops> p;
      p.alpha = arith::from_real<Quantity::decay>(ops, std::exp(-dt / pop.tau_m_ms));
      p.v_th = arith::from_real<Quantity::voltage>(ops, pop.v_th);
      p.inv_v_th = arith::from_real<Quantity::gain>(ops, 1.0 / pop.v_th);
      p.gamma = arith::from_real<Quantity::pseudo_derivative>(ops, kPseudoDerivativeGamma);
      p.refractory_steps = static_cast<uint16_t>(std::lround(pop.t_ref_ms / dt));
      p.adaptive = span.adaptive;
      if (p.adaptive) {
        p.rho = arith::from_real<Quantity::decay>(ops, std::exp(-dt / pop.tau_a_ms));
        p.beta = arith::from_real<Quantity::voltage>(ops, pop.beta);
      }
      out.neurons.insert(out.neurons.end(), pop.size, p);
    } else if (span.role == PopulationRole::readout) {
      for (uint32_t k = 0; k < pop.size; ++k) {
        arith::ReadoutParams<Ops> p;
        p.kappa = arith::from_real<Quantity::decay>(ops, std::exp(-dt / pop.tau_out_ms));
        p.bias = arith::from_real<Quantity::voltage>(ops, pop.bias.empty() ? 0.0 : pop.bias[k]);
        out.readouts.push_back(p);
      }
    }
  }
  out.n_inputs = counts[static_cast<int>(PopulationRole::input)];
  out.populations = spans;

  auto span_of = [&](const std::string& name) -> const model::PopulationSpan& {
    for (const auto& s : spans)
      if (s.name == name) return s;
    throw std::logic_error("lower: unknown population '" + name + "' (the reader validates this)");
  };

  std::vector<WeightEntry> input_entries, recurrent_entries, readout_entries;
  std::vector<uint8_t> plastic;
  for (uint32_t p = 0; p < network.projections.size(); ++p) {
    const auto& proj = network.projections[p];
    plastic.push_back(proj.plastic ? 1 : 0);
    const auto& src = span_of(proj.source);
    const auto& dst = span_of(proj.target);
    auto& entries = src.role == PopulationRole::input      ? input_entries
                    : dst.role == PopulationRole::readout ? readout_entries
                                                          : recurrent_entries;
    const bool self_projection = proj.source == proj.target;
    double max_abs = 0.0;
    for (double w : proj.weights) max_abs = std::max(max_abs, std::fabs(w));
    for (const auto& syn : proj.synapses) max_abs = std::max(max_abs, std::fabs(syn.weight));
    const int exponent = choose_exponent(ops, max_abs);
    if (proj.dense) {
      for (uint32_t post = 0; post < dst.size; ++post)
        for (uint32_t pre = 0; pre < src.size; ++pre) {
          const uint32_t position = post * src.size + pre;
          // No self-connections: eq. 20 sums over i != j (the reader rejects a non-zero diagonal).
          if (self_projection && pre == post) continue;
          entries.push_back(
              {src.first + pre, dst.first + post, proj.weights[position], exponent, {p, position}});
        }
    } else {
      for (uint32_t i = 0; i < proj.synapses.size(); ++i) {
        const auto& s = proj.synapses[i];
        if (self_projection && s.pre == s.post) continue;
        entries.push_back({src.first + s.pre, dst.first + s.post, s.weight, exponent, {p, i}});
      }
    }
  }
  const uint32_t n_neurons = out.n_neurons();
  out.input_synapses = build_matrix(out.n_inputs, n_neurons, std::move(input_entries), plastic, ops);
  out.recurrent_synapses = build_matrix(n_neurons, n_neurons, std::move(recurrent_entries), plastic, ops);
  out.readout_synapses = build_matrix(n_neurons, out.n_readouts(), std::move(readout_entries), plastic, ops);
  return out;
}

template model::NetworkModel<arith::FloatOps> lower(const ir::Network&, const arith::FloatOps&);
template model::NetworkModel<arith::FixedOps> lower(const ir::Network&, const arith::FixedOps&);

}  // namespace nchip::compiler
