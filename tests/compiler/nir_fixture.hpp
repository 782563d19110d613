// Builds small NIR files in the layout nir.write produces (root `version`, `node` NIRGraph with
// `nodes/<name>/type` + parameter datasets, N x 2 `edges` strings), through nchip's HDF5 writer,
// so the tests need no Python.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "compiler/nir/hdf5_file.hpp"

namespace nchip::test {

struct NirFixtureNode {
  std::string name, type;
  std::vector<std::pair<std::string, std::pair<std::vector<uint64_t>, std::vector<double>>>> params;
  NirFixtureNode& p(const std::string& key, std::vector<double> v) {
    params.push_back({key, {{v.size()}, std::move(v)}});
    return *this;
  }
  NirFixtureNode& scalar(const std::string& key, double v) {
    params.push_back({key, {{}, {v}}});
    return *this;
  }
  NirFixtureNode& matrix(const std::string& key, uint64_t rows, uint64_t cols, std::vector<double> v) {
    params.push_back({key, {{rows, cols}, std::move(v)}});
    return *this;
  }
};

struct NirFixture {
  std::vector<NirFixtureNode> nodes;
  std::vector<std::pair<std::string, std::string>> edges;
  bool write_types = true;
  NirFixtureNode& add(const std::string& name, const std::string& type) {
    nodes.push_back({name, type, {}});
    return nodes.back();
  }
  void edge(const std::string& a, const std::string& b) { edges.push_back({a, b}); }

  void write(const std::string& file) const {
    nir::Hdf5Writer w(file);
    w.string("/version", "0.2.0");
    w.group("/node");
    w.string("/node/type", "NIRGraph");
    w.group("/node/nodes");
    for (const auto& n : nodes) {
      const std::string g = "/node/nodes/" + n.name;
      w.group(g);
      if (write_types) w.string(g + "/type", n.type);
      for (const auto& [key, value] : n.params) w.numeric(g + "/" + key, value.first, value.second);
    }
    std::vector<std::string> flat;
    for (const auto& [a, b] : edges) {
      flat.push_back(a);
      flat.push_back(b);
    }
    w.strings("/node/edges", {edges.size(), 2}, flat);
    w.close();
  }
};

// Input(3) -> w (Linear 2x3) -> lif (LIF, 2) -> out (Output).
inline NirFixture lif_fixture(double tau_s, double r, double v_th, std::vector<double> w = {0.5, -0.25, 1.0, 0.125, 2.0, -1.5}) {
  NirFixture f;
  f.add("in", "Input").p("shape", {3});
  f.add("w", "Linear").matrix("weight", 2, 3, std::move(w));
  f.add("lif", "LIF").scalar("tau", tau_s).scalar("r", r).scalar("v_leak", 0.0).scalar("v_threshold", v_th);
  f.add("out", "Output").p("shape", {2});
  f.edge("in", "w");
  f.edge("w", "lif");
  f.edge("lif", "out");
  return f;
}

}  // namespace nchip::test
