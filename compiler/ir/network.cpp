#include "compiler/ir/network.hpp"

#include <cmath>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "compiler/json_reader.hpp"
#include "hw_model/error.hpp"
#include "hw_model/model/network_model.hpp"
#include "hw_model/text_check.hpp"

namespace nchip::ir {

const char* to_string(PopulationType type) {
  switch (type) {
    case PopulationType::input: return "input";
    case PopulationType::lif: return "lif";
    case PopulationType::alif: return "alif";
    case PopulationType::cuba_lif: return "cuba_lif";
    case PopulationType::readout: return "readout";
  }
  return "?";
}

const char* to_string(ResetMode mode) { return mode == ResetMode::zero ? "zero" : "subtract"; }

std::optional<ResetMode> reset_mode_from_string(const std::string& text) {
  for (ResetMode m : {ResetMode::subtract, ResetMode::zero})
    if (text == to_string(m)) return m;
  return std::nullopt;
}

std::optional<PopulationType> population_type_from_string(const std::string& text) {
  for (PopulationType t :
       {PopulationType::input, PopulationType::lif, PopulationType::alif, PopulationType::cuba_lif,
        PopulationType::readout})
    if (text == to_string(t)) return t;
  return std::nullopt;
}

const Population* Network::find(const std::string& population_name) const {
  for (const Population& p : populations)
    if (p.name == population_name) return &p;
  return nullptr;
}

size_t Network::index_of(const std::string& population_name) const {
  for (size_t i = 0; i < populations.size(); ++i)
    if (populations[i].name == population_name) return i;
  throw InputError("network " + json_reader::in_quotes(name) + ": unknown population " +
                   json_reader::in_quotes(population_name));
}

bool operator==(const Population& a, const Population& b) {
  return a.name == b.name && a.type == b.type && a.size == b.size && a.tau_m_ms == b.tau_m_ms &&
         a.v_th == b.v_th && a.t_ref_ms == b.t_ref_ms && a.tau_a_ms == b.tau_a_ms &&
         a.beta == b.beta && a.tau_out_ms == b.tau_out_ms && a.bias == b.bias &&
         a.tau_syn_ms == b.tau_syn_ms && a.readout_current == b.readout_current &&
         a.synaptic_bias == b.synaptic_bias && a.reset == b.reset && a.v_leak == b.v_leak && a.leak == b.leak;
}

bool operator==(const Synapse& a, const Synapse& b) {
  return a.pre == b.pre && a.post == b.post && a.weight == b.weight;
}

bool operator==(const RandomInit& a, const RandomInit& b) {
  return a.gain == b.gain && a.connection_probability == b.connection_probability;
}

bool operator==(const Projection& a, const Projection& b) {
  return a.source == b.source && a.target == b.target && a.dense == b.dense &&
         a.weights == b.weights && a.synapses == b.synapses && a.random_init == b.random_init &&
         a.plastic == b.plastic && a.delay_steps == b.delay_steps;
}

bool operator==(const Network& a, const Network& b) {
  return a.name == b.name && a.dt_ms == b.dt_ms && a.seed == b.seed &&
         a.populations == b.populations && a.projections == b.projections &&
         a.default_input == b.default_input;
}

namespace {

using json_reader::in_quotes;

std::string at_population(size_t i, const char* field) {
  return fmt::format("/populations/{}/{}", i, field);
}

std::string at_projection(size_t i, const std::string& field) {
  return field.empty() ? fmt::format("/projections/{}", i)
                       : fmt::format("/projections/{}/{}", i, field);
}

// NaN fails every comparison, so "!(x > 0)" rejects it along with the non-positive values.
std::optional<NetworkProblem> positive_ms(double x, std::string pointer, const char* field) {
  if (x > 0 && std::isfinite(x)) return std::nullopt;
  return NetworkProblem{std::move(pointer),
                        fmt::format("{} must be a finite time > 0 ms, got {}", field, x)};
}

std::optional<NetworkProblem> population_problem(const Population& p, size_t i) {
  const bool spiking = is_spiking(p.type);
  if (p.name.empty()) return NetworkProblem{at_population(i, "name"), "population name is empty"};
  // Names are quoted in one-line messages and written to JSON outputs.
  if (const std::string bad = text_problem(p.name); !bad.empty())
    return NetworkProblem{at_population(i, "name"), "population name " + bad};
  if (p.size == 0)
    return NetworkProblem{
        at_population(i, "size"),
        fmt::format("population {} must have at least one neuron, got 0", in_quotes(p.name))};
  if (spiking) {
    if (auto bad = positive_ms(p.tau_m_ms, at_population(i, "tau_m_ms"), "tau_m_ms")) return bad;
    if (!std::isfinite(p.v_leak))
      return NetworkProblem{at_population(i, "v_leak"), fmt::format("v_leak must be finite, got {}", p.v_leak)};
    if (!p.leak && p.v_leak != 0.0)
      return NetworkProblem{at_population(i, "v_leak"),
                            fmt::format("v_leak = {} needs a leak, but population {} has \"leak\": false (IF)",
                                        p.v_leak, in_quotes(p.name))};
    if (!(p.v_th > 0 && std::isfinite(p.v_th)))
      return NetworkProblem{at_population(i, "v_th"),
                            fmt::format("v_th must be a finite threshold > 0, got {}", p.v_th)};
    if (!(p.t_ref_ms >= 0 && std::isfinite(p.t_ref_ms)))
      return NetworkProblem{
          at_population(i, "t_ref_ms"),
          fmt::format("t_ref_ms must be a finite time >= 0 ms, got {}", p.t_ref_ms)};
  }
  if (p.type == PopulationType::alif) {
    if (auto bad = positive_ms(p.tau_a_ms, at_population(i, "tau_a_ms"), "tau_a_ms")) return bad;
    if (!(p.beta >= 0 && std::isfinite(p.beta)))
      return NetworkProblem{at_population(i, "beta"),
                            fmt::format("beta must be a finite number >= 0, got {}", p.beta)};
  }
  if (p.type == PopulationType::cuba_lif || (p.type == PopulationType::readout && p.readout_current))
    if (auto bad = positive_ms(p.tau_syn_ms, at_population(i, "tau_syn_ms"), "tau_syn_ms")) return bad;
  if (p.type == PopulationType::readout)
    if (auto bad = positive_ms(p.tau_out_ms, at_population(i, "tau_out_ms"), "tau_out_ms"))
      return bad;
  const bool has_current = p.type == PopulationType::cuba_lif || p.readout_current;
  if (!p.synaptic_bias.empty() && !has_current)
    return NetworkProblem{at_population(i, "synaptic_bias"),
                          "synaptic_bias needs a synaptic current (cuba_lif, or a readout with tau_syn_ms)"};
  for (const auto& [key, values] : {std::pair<const char*, const std::vector<double>*>{"bias", &p.bias},
                                    {"synaptic_bias", &p.synaptic_bias}}) {
    if (p.type != PopulationType::readout && !spiking) continue;
    if (!values->empty() && values->size() != p.size)
      return NetworkProblem{
          at_population(i, key),
          fmt::format("expected {} {} values ({} {} has {} neurons), got {}", p.size, key, to_string(p.type),
                      in_quotes(p.name), p.size, values->size())};
    for (size_t k = 0; k < values->size(); ++k)
      if (!std::isfinite((*values)[k]))
        return NetworkProblem{fmt::format("/populations/{}/{}/{}", i, key, k),
                              fmt::format("{} must be finite, got {}", key, (*values)[k])};
  }
  return std::nullopt;
}

std::optional<NetworkProblem> weights_problem(const Projection& proj, size_t i,
                                              const Population& pre, const Population& post) {
  if (proj.dense) {
    const uint64_t expected = uint64_t{pre.size} * post.size;
    if (!proj.synapses.empty())
      return NetworkProblem{at_projection(i, "synapses"),
                            "a dense projection must not also list sparse synapses"};
    if (proj.weights.size() != expected)
      return NetworkProblem{
          at_projection(i, "weights"),
          fmt::format("expected {} x {} weights (target {} rows x source {} columns), got {}",
                      post.size, pre.size, in_quotes(post.name), in_quotes(pre.name),
                      proj.weights.size())};
    for (size_t k = 0; k < proj.weights.size(); ++k)
      if (!std::isfinite(proj.weights[k]))
        return NetworkProblem{
            fmt::format("/projections/{}/weights/{}/{}", i, k / pre.size, k % pre.size),
            fmt::format("weight must be finite, got {}", proj.weights[k])};
    return std::nullopt;
  }
  if (!proj.weights.empty())
    return NetworkProblem{at_projection(i, "weights"),
                          "a sparse projection must not also have a dense weight matrix"};
  for (size_t k = 0; k < proj.synapses.size(); ++k) {
    const Synapse& s = proj.synapses[k];
    // The pointer is formatted only for a problem (this loop runs once per synapse).
    const auto at = [i, k](const char* suffix = "") {
      return fmt::format("/projections/{}/synapses/{}{}", i, k, suffix);
    };
    if (s.pre >= pre.size)
      return NetworkProblem{
          at("/0"), fmt::format("pre index {} out of range (source {} has {} neurons)", s.pre,
                                in_quotes(pre.name), pre.size)};
    if (s.post >= post.size)
      return NetworkProblem{
          at("/1"), fmt::format("post index {} out of range (target {} has {} neurons)", s.post,
                                in_quotes(post.name), post.size)};
    if (!std::isfinite(s.weight))
      return NetworkProblem{at("/2"), fmt::format("weight must be finite, got {}", s.weight)};
    if (k > 0) {
      const Synapse& prev = proj.synapses[k - 1];
      const auto order = std::make_pair(s.post, s.pre);
      const auto prev_order = std::make_pair(prev.post, prev.pre);
      if (order == prev_order)
        return NetworkProblem{at(),
                              fmt::format("duplicate synapse pre {} -> post {}", s.pre, s.post)};
      if (order < prev_order) return NetworkProblem{at(), "synapses must be sorted by (post, pre)"};
    }
  }
  return std::nullopt;
}

std::optional<NetworkProblem> projection_problem(const Network& net, size_t i) {
  const Projection& proj = net.projections[i];
  const Population* pre = net.find(proj.source);
  const Population* post = net.find(proj.target);
  if (pre == nullptr)
    return NetworkProblem{at_projection(i, "source"),
                          fmt::format("unknown population {}", in_quotes(proj.source))};
  if (post == nullptr)
    return NetworkProblem{at_projection(i, "target"),
                          fmt::format("unknown population {}", in_quotes(proj.target))};
  if (post->type == PopulationType::input)
    return NetworkProblem{at_projection(i, "target"),
                          fmt::format("population {} is an input; inputs receive no projections",
                                      in_quotes(post->name))};
  if (pre->type == PopulationType::readout)
    return NetworkProblem{
        at_projection(i, "source"),
        fmt::format("population {} is a readout; readouts send no spikes", in_quotes(pre->name))};
  // The chip's readouts integrate the spikes of its neurons (eq. 20's y = kappa y + W_out z); the
  // models have no input-to-readout synapse memory (lowering put such weights out of range: SEGV).
  if (pre->type == PopulationType::input && post->type == PopulationType::readout)
    return NetworkProblem{at_projection(i, "target"),
                          fmt::format("population {} is a readout and {} an input; readouts read spiking "
                                      "neurons only (route the input through a lif population)",
                                      in_quotes(post->name), in_quotes(pre->name))};
  if (proj.delay_steps < 1 || proj.delay_steps > model::kMaxDelaySteps)
    return NetworkProblem{at_projection(i, "delay_steps"),
                          fmt::format("delay_steps must be a whole number of steps in [1, {}], got {}",
                                      model::kMaxDelaySteps, proj.delay_steps)};
  if (const auto& init = proj.random_init) {
    if (!(init->gain >= 0 && std::isfinite(init->gain)))
      return NetworkProblem{at_projection(i, "init/gain"),
                            fmt::format("gain must be a finite number >= 0, got {}", init->gain)};
    const double p = init->connection_probability;
    if (!(p > 0 && p <= 1))
      return NetworkProblem{at_projection(i, "init/connection_probability"),
                            fmt::format("connection_probability must be in (0, 1], got {}", p)};
    // The file only says "init", so the structure must be the one the reader would build.
    if (proj.dense != (p >= 1))
      return NetworkProblem{
          at_projection(i, "init"),
          fmt::format("connection_probability {} makes a {} projection, but it is {}", p,
                      p >= 1 ? "dense" : "sparse", proj.dense ? "dense" : "sparse")};
  }
  return weights_problem(proj, i, *pre, *post);
}

}  // namespace

std::optional<NetworkProblem> find_problem(const Network& net) {
  if (const std::string bad = text_problem(net.name); !bad.empty())
    return NetworkProblem{"/name", "network name " + bad};
  if (!(net.dt_ms > 0 && std::isfinite(net.dt_ms)))
    return NetworkProblem{"/dt_ms",
                          fmt::format("dt_ms must be a finite time > 0 ms, got {}", net.dt_ms)};
  if (net.populations.empty())
    return NetworkProblem{"/populations", "the network has no populations"};
  std::map<std::string, size_t> first_index;
  bool any_neurons = false;
  for (size_t i = 0; i < net.populations.size(); ++i) {
    const Population& p = net.populations[i];
    if (auto bad = population_problem(p, i)) return bad;
    const auto [it, fresh] = first_index.emplace(p.name, i);
    if (!fresh)
      return NetworkProblem{at_population(i, "name"),
                            fmt::format("duplicate population name {} (first at /populations/{})",
                                        in_quotes(p.name), it->second)};
    any_neurons = any_neurons || p.type != PopulationType::input;
  }
  if (!any_neurons)
    return NetworkProblem{
        "/populations",
        "the network has only input populations; it needs a lif, alif, cuba_lif or readout population"};
  std::map<std::pair<std::string, std::string>, size_t> first_pair;
  for (size_t i = 0; i < net.projections.size(); ++i) {
    if (auto bad = projection_problem(net, i)) return bad;
    const Projection& proj = net.projections[i];
    const auto [it, fresh] = first_pair.emplace(std::make_pair(proj.source, proj.target), i);
    if (!fresh)
      return NetworkProblem{
          at_projection(i, ""),
          fmt::format("duplicate projection {} -> {} (first at /projections/{})",
                      in_quotes(proj.source), in_quotes(proj.target), it->second)};
  }
  return std::nullopt;
}

void validate(const Network& network, const std::string& source_name) {
  if (const auto problem = find_problem(network))
    throw InputError(escaped_text(source_name) + ": " + problem->pointer + ": " + problem->what);
}

}  // namespace nchip::ir
