#include "compiler/image_network.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>

#include "hw_model/error.hpp"

namespace nchip::compiler {

namespace {

using arith::Quantity;

template <Quantity Q>
double real_of(const arith::QuantConfig& q, arith::Fx<Q> v) {
  return arith::to_real(v.raw, q[Q]);
}

// tau from a decay factor d = exp(-dt / tau). The IR needs a finite tau > 0: a decay of 0 (or
// below) becomes a tau whose exp(-dt / tau) is far below any format's LSB, one of 1 (or above)
// the largest finite tau.
double tau_of_decay(double decay, double dt) {
  if (!(decay > 0.0)) return dt / 1000.0;
  if (!(decay < 1.0)) return std::numeric_limits<double>::max();
  return -dt / std::log(decay);
}

// A per-neuron parameter of a population's span, or empty when it is 0 everywhere (the IR's "empty =
// all zero", so a network without it reads back as it was written).
template <class Params, class Value>
std::vector<double> per_neuron(const model::PopulationSpan& span, const std::vector<Params>& params, Value value) {
  std::vector<double> out;
  bool any = false;
  for (uint32_t k = 0; k < span.size; ++k) {
    out.push_back(value(params.at(span.first + k)));
    any = any || out.back() != 0.0;
  }
  if (!any) out.clear();
  return out;
}

const model::PopulationSpan* span_named(const model::NetworkModel<arith::FixedOps>& m, const std::string& name) {
  for (const auto& s : m.populations)
    if (s.name == name) return &s;
  return nullptr;
}

// One synapse of the image, located in its projection.
struct Located {
  uint32_t pre = 0, post = 0;
  double weight = 0;
  model::SynapseOrigin* origin = nullptr;
};

}  // namespace

ir::Network outline_network(const image::ChipImage& im) {
  ir::Network n;
  n.name = im.network.name;
  n.dt_ms = im.dt_ms;
  n.seed = im.network.seed;
  n.default_input = im.default_input;
  for (const auto& span : im.network.populations) {
    ir::Population p;
    p.name = span.name;
    p.size = span.size;
    switch (span.role) {
      case model::PopulationRole::input: p.type = ir::PopulationType::input; break;
      case model::PopulationRole::readout: p.type = ir::PopulationType::readout; break;
      default:
        p.type = span.adaptive ? ir::PopulationType::alif : ir::PopulationType::lif;
        if (span.size > 0 && im.network.neurons.at(span.first).current_based) p.type = ir::PopulationType::cuba_lif;
        break;
    }
    n.populations.push_back(p);
  }
  return n;
}

ImageTrainingNetwork training_network(const image::ChipImage& im) {
  ImageTrainingNetwork out;
  out.model = im.network;
  ir::Network& n = out.network;
  n = outline_network(im);
  const auto& q = im.quant;
  const double dt = im.dt_ms;
  auto& m = out.model;

  // Populations: every neuron of a population was lowered from the same parameters.
  for (size_t i = 0; i < n.populations.size(); ++i) {
    ir::Population& p = n.populations[i];
    const model::PopulationSpan& span = m.populations[i];
    if (span.size == 0) continue;
    if (span.role == model::PopulationRole::spiking) {
      const auto& sp = m.neurons.at(span.first);
      p.tau_m_ms = tau_of_decay(real_of(q, sp.alpha), dt);
      p.v_th = real_of(q, sp.v_th);
      p.t_ref_ms = sp.refractory_steps * dt;
      if (sp.adaptive) {
        p.tau_a_ms = tau_of_decay(real_of(q, sp.rho), dt);
        p.beta = real_of(q, sp.beta);
      }
      p.leak = sp.leaky;
      p.reset = sp.reset_to_zero ? ir::ResetMode::zero : ir::ResetMode::subtract;
      if (sp.current_based) p.tau_syn_ms = tau_of_decay(real_of(q, sp.alpha_syn), dt);
      // The image holds bias + (1 - alpha) v_leak: it comes back as bias, v_leak 0.
      p.bias = per_neuron(span, m.neurons, [&](const auto& n) { return real_of(q, n.bias); });
      p.synaptic_bias = per_neuron(span, m.neurons, [&](const auto& n) { return real_of(q, n.synaptic_bias); });
    } else if (span.role == model::PopulationRole::readout) {
      p.tau_out_ms = tau_of_decay(real_of(q, m.readouts.at(span.first).kappa), dt);
      if (span.size > 0 && m.readouts.at(span.first).current_based) {  // CubaLI (issue #14)
        p.readout_current = true;
        p.tau_syn_ms = tau_of_decay(real_of(q, m.readouts.at(span.first).alpha_syn), dt);
      }
      p.bias = per_neuron(span, m.readouts, [&](const auto& r) { return real_of(q, r.bias); });
      p.synaptic_bias = per_neuron(span, m.readouts, [&](const auto& r) { return real_of(q, r.synaptic_bias); });
    }
  }

  // Projections, in the IR's order (image.projections keeps it); source and target from the name.
  const auto fail = [&](size_t p, const std::string& why) {
    throw InputError(fmt::format("image network '{}': projection {} ('{}'): {}", im.network.name, p,
                                 im.projections[p].name, why));
  };
  std::vector<const model::PopulationSpan*> sources, targets;
  for (size_t p = 0; p < im.projections.size(); ++p) {
    const std::string& name = im.projections[p].name;
    const model::PopulationSpan *src = nullptr, *dst = nullptr;
    for (size_t at = name.find("->"); at != std::string::npos && !src; at = name.find("->", at + 1)) {
      src = span_named(m, name.substr(0, at));
      dst = span_named(m, name.substr(at + 2));
      if (!dst) src = nullptr;
    }
    if (!src) fail(p, "its name does not give a source and a target population");
    sources.push_back(src);
    targets.push_back(dst);
    ir::Projection proj;
    proj.source = src->name;
    proj.target = dst->name;
    proj.plastic = false;
    n.projections.push_back(proj);
  }

  // Every synapse, located by the matrix it sits in and the population spans.
  std::vector<std::vector<Located>> located(im.projections.size());
  std::vector<uint8_t> any_plastic(im.projections.size(), 0);
  std::vector<uint32_t> delay(im.projections.size(), 0);  // issue #14: the projection's synapses' delay
  const auto locate = [&](model::SynapseMatrix<arith::FixedOps>& mat, model::PopulationRole source_role,
                          model::PopulationRole target_role) {
    const int frac = q[Quantity::weight].frac;
    for (uint32_t s = 0; s < mat.n_sources; ++s)
      for (uint32_t i = mat.row_start[s]; i < mat.row_start[s + 1]; ++i) {
        model::SynapseOrigin& o = mat.origin[i];
        if (o.projection >= located.size()) throw InputError("image network '" + im.network.name +
                                                             "': a synapse names a projection the image lacks");
        const auto* src = sources[o.projection];
        const auto* dst = targets[o.projection];
        const uint32_t t = mat.target[i];
        if (src->role != source_role || dst->role != target_role || s < src->first || s >= src->first + src->size ||
            t < dst->first || t >= dst->first + dst->size)
          fail(o.projection, "a synapse lies outside its source or target population");
        const double w = std::ldexp(static_cast<double>(mat.weight[i].raw), mat.exponent[i] - frac);
        located[o.projection].push_back({s - src->first, t - dst->first, w, &o});
        any_plastic[o.projection] |= mat.plastic[i];
        if (delay[o.projection] != 0 && delay[o.projection] != mat.delay_of(i))
          fail(o.projection, "its synapses have different delays");
        delay[o.projection] = mat.delay_of(i);
      }
  };
  using R = model::PopulationRole;
  locate(m.input_synapses, R::input, R::spiking);
  locate(m.recurrent_synapses, R::spiking, R::spiking);
  locate(m.readout_synapses, R::spiking, R::readout);

  for (size_t p = 0; p < n.projections.size(); ++p) {
    ir::Projection& proj = n.projections[p];
    auto& syn = located[p];
    // A projection without synapses keeps the IR default (plastic); else plastic if any synapse is.
    proj.plastic = syn.empty() || any_plastic[p];
    proj.delay_steps = syn.empty() ? 1 : delay[p];
    const uint32_t S = sources[p]->size, T = targets[p]->size;
    const bool self = proj.source == proj.target;
    const uint64_t full = uint64_t{S} * T - (self ? S : 0);
    bool dense = syn.size() == full;
    for (const auto& l : syn) dense = dense && l.origin->position == l.post * S + l.pre;
    if (dense) {
      proj.dense = true;
      proj.weights.assign(size_t{S} * T, 0.0);
      for (const auto& l : syn) proj.weights[l.origin->position] = l.weight;
    } else {
      proj.dense = false;
      std::sort(syn.begin(), syn.end(), [](const Located& a, const Located& b) {
        return a.post != b.post ? a.post < b.post : a.pre < b.pre;
      });
      for (uint32_t i = 0; i < syn.size(); ++i) {
        if (i > 0 && syn[i].post == syn[i - 1].post && syn[i].pre == syn[i - 1].pre)
          fail(p, "two synapses join the same pair of neurons");
        proj.synapses.push_back({syn[i].pre, syn[i].post, syn[i].weight});
        syn[i].origin->position = i;
      }
    }
  }
  return out;
}

}  // namespace nchip::compiler
