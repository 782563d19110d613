#include "compiler/nir/nir_export.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "compiler/nir/hdf5_file.hpp"
#include "hw_model/error.hpp"

namespace nchip::nir {

namespace {

// A lif whose membrane forgets everything each step (alpha = 0, reset to zero, no refractory
// period, no v_leak) is NIR's Threshold, z = H(x - theta): what nchip's import makes of one.
bool is_memoryless(const ir::Population& p, double dt_ms) {
  return p.type == ir::PopulationType::lif && p.leak && std::exp(-dt_ms / p.tau_m_ms) == 0.0 &&
         p.reset == ir::ResetMode::zero && p.t_ref_ms == 0.0 && p.v_leak == 0.0;
}

// Populations whose NIR node has no v_leak to carry a bias, so it goes on the Affine into them:
// LI readouts, IF and Threshold (a CubaLI's Affine bias would pass through its synaptic current).
bool bias_on_affine(const ir::Population& p, double dt_ms) {
  return (p.type == ir::PopulationType::readout && !p.readout_current) || (ir::is_spiking(p.type) && !p.leak) ||
         is_memoryless(p, dt_ms);
}

// The bias NIR's Affine into population p carries (it adds to the node's input: I for CubaLIF and
// CubaLI, which filter it with tau_syn): the bias of bias_on_affine populations, a CUBA node's
// synaptic bias (its input scales are written as 1, so the value is the chip's).
const std::vector<double>& affine_bias(const ir::Population& p, double dt_ms) {
  static const std::vector<double> kNone;
  if (bias_on_affine(p, dt_ms)) return p.bias;
  if (p.type == ir::PopulationType::cuba_lif || p.readout_current) return p.synaptic_bias;
  return kNone;
}

void check_exportable(const ir::Network& net) {
  for (const auto& p : net.populations) {
    if (p.name.find('/') != std::string::npos)
      throw InputError(fmt::format("population '{}': NIR node names cannot contain '/' (an HDF5 path separator)", p.name));
    if (p.type == ir::PopulationType::alif)
      throw InputError(fmt::format("population '{}' is alif: NIR has no adaptive-threshold primitive, so it cannot "
                                   "be exported (lif, cuba_lif, readout and input can)",
                                   p.name));
    // Readouts, IF (NIR's IF has no v_leak) and Threshold carry a bias, CubaLIF and CubaLI a synaptic
    // bias, on the Affine of a projection into them.
    if (!affine_bias(p, net.dt_ms).empty()) {
      bool fed = false;
      for (const auto& proj : net.projections) fed = fed || proj.target == p.name;
      bool nonzero = false;
      for (double b : affine_bias(p, net.dt_ms)) nonzero = nonzero || b != 0.0;
      if (nonzero && !fed)
        throw InputError(fmt::format("{} '{}' has a bias but no projection whose Affine node could carry it",
                                     p.type == ir::PopulationType::readout ? "readout" : "population", p.name));
    }
  }
}

// NIR tools read "a.b" in an edge as node b of subgraph a, so the '.' of flattened names (an
// imported subgraph's "lif1.lif") becomes '_'.
std::string node_name(const std::string& population) {
  std::string name = population;
  std::replace(name.begin(), name.end(), '.', '_');
  return name;
}

void check_names_distinct(const ir::Network& net) {
  std::map<std::string, std::string> seen;
  auto claim = [&](const std::string& node, const std::string& owner) {
    auto [it, fresh] = seen.emplace(node, owner);
    if (!fresh && it->second != owner)
      throw InputError(fmt::format("'{}' and '{}' would both be the NIR node '{}'", it->second, owner, node));
  };
  for (const auto& p : net.populations) {
    claim(node_name(p.name), p.name);
    if (p.type != ir::PopulationType::input) claim(node_name(p.name) + "_output", p.name + " (output)");
  }
  for (const auto& proj : net.projections) {
    claim(node_name(proj.source) + "_to_" + node_name(proj.target), proj.source + " -> " + proj.target);
    if (proj.delay_steps > 1)
      claim(node_name(proj.source) + "_to_" + node_name(proj.target) + "_delay", proj.source + " -> " + proj.target + " (delay)");
  }
}

}  // namespace

std::vector<std::string> export_nir(const ir::Network& net, const std::string& file_name, const ExportOptions& opt) {
  std::vector<std::string> warnings;
  ir::validate(net, "network");
  check_exportable(net);
  check_names_distinct(net);
  Hdf5Writer w(file_name);
  w.string("/version", "1.0.0");
  w.group("/node");
  w.string("/node/type", "NIRGraph");
  w.group("/node/metadata");
  w.numeric("/node/metadata/nchip_dt_ms", {}, {net.dt_ms});
  w.group("/node/nodes");
  std::vector<std::string> edges;
  const double dt_nir = net.dt_ms / opt.time_unit_ms;
  auto vec = [](uint32_t n, double x) { return std::vector<double>(n, x); };
  // Readouts, and spiking populations that feed nothing, are the network's outputs.
  const auto output_node = [&](const ir::Population& p) {
    bool feeds = false;
    for (const auto& proj : net.projections) feeds = feeds || (proj.source == p.name && proj.target != p.name);
    if (ir::is_spiking(p.type) && feeds) return;
    const std::string out = "/node/nodes/" + node_name(p.name) + "_output";
    w.group(out);
    w.string(out + "/type", "Output");
    w.integers(out + "/shape", {1}, {int64_t{p.size}});
    edges.push_back(node_name(p.name));
    edges.push_back(node_name(p.name) + "_output");
  };
  for (const auto& p : net.populations) {
    const std::string g = "/node/nodes/" + node_name(p.name);
    w.group(g);
    const uint32_t n = p.size;
    if (p.type == ir::PopulationType::input) {
      w.string(g + "/type", "Input");
      w.integers(g + "/shape", {1}, {int64_t{n}});
      continue;
    }
    const bool spiking = ir::is_spiking(p.type);
    const bool cuba = p.type == ir::PopulationType::cuba_lif || p.readout_current;  // CubaLIF or CubaLI
    // A bias NIR adds to v directly: a leaky spiking population's, and a CubaLI readout's (an Affine
    // bias would pass through its synaptic current): written as v_leak.
    const bool memoryless = is_memoryless(p, net.dt_ms);
    const bool bias_as_leak = ((spiking && p.leak) || p.readout_current) && !memoryless;
    const bool no_leak = spiking && !p.leak;  // IF: v += r dt I, r = 1 / dt keeps the weights as written
    const double tau_ms = spiking ? p.tau_m_ms : p.tau_out_ms;
    const double alpha = no_leak ? 0.0 : std::exp(-net.dt_ms / tau_ms);
    if (!(alpha < 1.0))
      throw InputError(fmt::format("population '{}': tau = {} ms gives no leak at dt = {} ms", p.name, tau_ms, net.dt_ms));
    double tau = 0, r = 0;
    if (opt.discretization == Discretization::euler) {
      tau = dt_nir / (1.0 - alpha);
      r = tau / dt_nir;
    } else {
      tau = tau_ms / opt.time_unit_ms;
      r = 1.0 / (1.0 - alpha);
    }
    if (memoryless) {
      w.string(g + "/type", "Threshold");
      w.numeric(g + "/threshold", {n}, vec(n, p.v_th));
      w.group(g + "/metadata");
      w.numeric(g + "/metadata/nchip_tau_ms", {}, {tau_ms});
      output_node(p);
      continue;
    }
    w.string(g + "/type", no_leak ? "IF" : spiking ? (cuba ? "CubaLIF" : "LIF") : (cuba ? "CubaLI" : "LI"));
    if (no_leak) r = 1.0 / dt_nir;
    else w.numeric(g + (cuba ? "/tau_mem" : "/tau"), {n}, vec(n, tau));
    w.numeric(g + "/r", {n}, vec(n, r));
    // A leaky spiking population's bias b per step is NIR's v_leak, which adds (1 - alpha) v_leak per step
    // (euler's dt/tau as written here is 1 - alpha); the exact values also go to metadata/nchip_bias.
    if (!no_leak) {
      std::vector<double> v_leak(n, spiking ? p.v_leak : 0.0);
      if (bias_as_leak)
        for (uint32_t k = 0; k < n && k < p.bias.size(); ++k) v_leak[k] += p.bias[k] / (1.0 - alpha);
      w.numeric(g + "/v_leak", {n}, v_leak);
    }
    if (cuba) {
      const double alpha_syn = std::exp(-net.dt_ms / p.tau_syn_ms);
      if (!(alpha_syn < 1.0) || !(alpha_syn > 0.0))
        throw InputError(fmt::format("population '{}': tau_syn = {} ms has no NIR form at dt = {} ms", p.name,
                                     p.tau_syn_ms, net.dt_ms));
      // The conventions of tau and r: the synaptic input scale (dt/tau_syn or 1 - alpha_syn) x w_in is 1.
      const bool euler = opt.discretization == Discretization::euler;
      const double tau_syn = euler ? dt_nir / (1.0 - alpha_syn) : p.tau_syn_ms / opt.time_unit_ms;
      const double w_in = euler ? tau_syn / dt_nir : 1.0 / (1.0 - alpha_syn);
      w.numeric(g + "/tau_syn", {n}, vec(n, tau_syn));
      w.numeric(g + "/w_in", {n}, vec(n, w_in));
    }
    if (spiking) {
      w.numeric(g + "/v_threshold", {n}, vec(n, p.v_th));
      w.numeric(g + "/v_reset", {n}, vec(n, 0.0));
    }
    w.group(g + "/metadata");
    if (!no_leak) w.numeric(g + "/metadata/nchip_tau_ms", {}, {tau_ms});
    if (cuba) w.numeric(g + "/metadata/nchip_tau_syn_ms", {}, {p.tau_syn_ms});
    if (bias_as_leak && (!p.bias.empty() || (spiking && p.v_leak != 0.0))) {
      w.numeric(g + "/metadata/nchip_bias", {n}, p.bias.empty() ? vec(n, 0.0) : p.bias);
      w.numeric(g + "/metadata/nchip_v_leak", {}, {spiking ? p.v_leak : 0.0});
    }
    // NIR has no reset mode: nchip's import takes each population's from here (else from --reset).
    if (spiking) w.numeric(g + "/metadata/nchip_reset_zero", {}, {p.reset == ir::ResetMode::zero ? 1.0 : 0.0});
    if (spiking && p.t_ref_ms > 0) {
      // NIR's LIF has no refractory period: kept as an nchip extension other tools ignore.
      w.numeric(g + "/metadata/nchip_t_ref_ms", {}, {p.t_ref_ms});
      warnings.push_back(fmt::format("population '{}': t_ref_ms = {} written as metadata/nchip_t_ref_ms; NIR's LIF "
                                     "has no refractory period, so other tools simulate it without one",
                                     p.name, p.t_ref_ms));
    }
    output_node(p);
  }
  std::vector<std::string> bias_done;
  for (const auto& proj : net.projections) {
    const ir::Population& pre = *net.find(proj.source);
    const ir::Population& post = *net.find(proj.target);
    const std::string name = node_name(proj.source) + "_to_" + node_name(proj.target);
    const std::string g = "/node/nodes/" + name;
    w.group(g);
    std::vector<double> weights = proj.weights;
    if (!proj.dense) {
      weights.assign(size_t{post.size} * pre.size, 0.0);
      for (const auto& s : proj.synapses) weights[size_t{s.post} * pre.size + s.pre] = s.weight;
    }
    const std::vector<double>& bias = affine_bias(post, net.dt_ms);
    const bool carries_bias = !bias.empty() &&
                              std::find(bias_done.begin(), bias_done.end(), post.name) == bias_done.end();
    w.string(g + "/type", carries_bias ? "Affine" : "Linear");
    w.numeric(g + "/weight", {post.size, pre.size}, weights);
    if (carries_bias) {
      w.numeric(g + "/bias", {post.size}, bias);
      bias_done.push_back(post.name);
    }
    std::string into_target = name;
    if (proj.delay_steps > 1) {
      // issue #14: a NIR Delay of delay_steps x dt after the Linear; nchip's import maps a path of
      // d >= 1 steps back to delay_steps d (and NIR's instantaneous edge, d = 0, to the plain 1 step).
      into_target = name + "_delay";
      const std::string dg = "/node/nodes/" + into_target;
      w.group(dg);
      w.string(dg + "/type", "Delay");
      w.numeric(dg + "/delay", {post.size}, vec(post.size, proj.delay_steps * dt_nir));
      for (const std::string& e : {name, into_target}) edges.push_back(e);
    }
    for (const std::string& e : {node_name(proj.source), name, into_target, node_name(proj.target)}) edges.push_back(e);
  }
  w.strings("/node/edges", {edges.size() / 2, 2}, edges);
  w.close();
  return warnings;
}

}  // namespace nchip::nir
