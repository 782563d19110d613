#include "compiler/nir/nir_export.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "compiler/nir/hdf5_file.hpp"
#include "hw_model/error.hpp"

namespace nchip::nir {

namespace {

void check_exportable(const ir::Network& net) {
  for (const auto& p : net.populations) {
    if (p.name.find('/') != std::string::npos)
      throw InputError(fmt::format("population '{}': NIR node names cannot contain '/' (an HDF5 path separator)", p.name));
    if (p.type == ir::PopulationType::alif)
      throw InputError(fmt::format("population '{}' is alif: NIR has no adaptive-threshold primitive, so it cannot "
                                   "be exported (lif, readout and input can)",
                                   p.name));
    if (p.type == ir::PopulationType::cuba_lif)
      throw InputError(fmt::format("population '{}' is cuba_lif: its export as NIR CubaLIF is not written yet "
                                   "(lif, readout and input can be exported)",
                                   p.name));
    if (p.type == ir::PopulationType::readout && !p.bias.empty()) {
      bool fed = false;
      for (const auto& proj : net.projections) fed = fed || proj.target == p.name;
      bool nonzero = false;
      for (double b : p.bias) nonzero = nonzero || b != 0.0;
      if (nonzero && !fed)
        throw InputError(fmt::format("readout '{}' has a bias but no projection whose Affine node could carry it",
                                     p.name));
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
  for (const auto& proj : net.projections)
    claim(node_name(proj.source) + "_to_" + node_name(proj.target), proj.source + " -> " + proj.target);
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
  for (const auto& p : net.populations) {
    const std::string g = "/node/nodes/" + node_name(p.name);
    w.group(g);
    const uint32_t n = p.size;
    if (p.type == ir::PopulationType::input) {
      w.string(g + "/type", "Input");
      w.integers(g + "/shape", {1}, {int64_t{n}});
      continue;
    }
    const bool spiking = p.type == ir::PopulationType::lif;
    const double tau_ms = spiking ? p.tau_m_ms : p.tau_out_ms;
    const double alpha = std::exp(-net.dt_ms / tau_ms);
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
    w.string(g + "/type", spiking ? "LIF" : "LI");
    w.numeric(g + "/tau", {n}, vec(n, tau));
    w.numeric(g + "/r", {n}, vec(n, r));
    w.numeric(g + "/v_leak", {n}, vec(n, 0.0));
    if (spiking) {
      w.numeric(g + "/v_threshold", {n}, vec(n, p.v_th));
      w.numeric(g + "/v_reset", {n}, vec(n, 0.0));
    }
    w.group(g + "/metadata");
    w.numeric(g + "/metadata/nchip_tau_ms", {}, {tau_ms});
    if (spiking && p.t_ref_ms > 0) {
      // NIR's LIF has no refractory period: kept as an nchip extension other tools ignore.
      w.numeric(g + "/metadata/nchip_t_ref_ms", {}, {p.t_ref_ms});
      warnings.push_back(fmt::format("population '{}': t_ref_ms = {} written as metadata/nchip_t_ref_ms; NIR's LIF "
                                     "has no refractory period, so other tools simulate it without one",
                                     p.name, p.t_ref_ms));
    }
    // Readouts, and spiking populations that feed nothing, are the network's outputs.
    bool feeds = false;
    for (const auto& proj : net.projections) feeds = feeds || (proj.source == p.name && proj.target != p.name);
    if (!spiking || !feeds) {
      const std::string out = "/node/nodes/" + node_name(p.name) + "_output";
      w.group(out);
      w.string(out + "/type", "Output");
      w.integers(out + "/shape", {1}, {int64_t{n}});
      edges.push_back(node_name(p.name));
      edges.push_back(node_name(p.name) + "_output");
    }
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
    const bool carries_bias = post.type == ir::PopulationType::readout && !post.bias.empty() &&
                              std::find(bias_done.begin(), bias_done.end(), post.name) == bias_done.end();
    w.string(g + "/type", carries_bias ? "Affine" : "Linear");
    w.numeric(g + "/weight", {post.size, pre.size}, weights);
    if (carries_bias) {
      w.numeric(g + "/bias", {post.size}, post.bias);
      bias_done.push_back(post.name);
    }
    for (const std::string& e : {node_name(proj.source), name, name, node_name(proj.target)}) edges.push_back(e);
  }
  w.strings("/node/edges", {edges.size() / 2, 2}, edges);
  w.close();
  return warnings;
}

}  // namespace nchip::nir
