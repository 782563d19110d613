// A NIR file (github.com/neuromorphs/NIR, versions 0.1.x through 1.x) read into one flat graph:
// root `version` dataset and `node` group; a NIRGraph node holds `nodes/<name>/...` and an `edges`
// dataset of (source, target) name pairs; every node a `type` string plus one dataset per
// parameter. Subgraphs are flattened: their nodes are named "graph.child", edges to a subgraph go
// to its Input node (from its Output node), and nested Input/Output nodes become identities.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "compiler/nir/nir_tree.hpp"

namespace nchip::nir {

struct NirNode {
  std::string name;       // flattened: "sub.lif1"
  std::string type;       // "LIF", "Affine", ...; nested Input/Output become "Identity"
  std::string hdf5_path;  // "/node/nodes/sub/nodes/lif1", for messages
  std::map<std::string, NumericArray> params;  // datasets by name; metadata as "metadata/KEY"
  std::map<std::string, std::string> strings;  // string parameters (a Conv's padding 'same' / 'valid')
  bool top_level = true;
};

struct NirEdge {
  std::string source;
  std::string target;
};

struct NirGraph {
  std::string file_name;
  std::string version;  // the root `version` string ("" if absent)
  std::vector<NirNode> nodes;  // in file order (HDF5 lists a group's members sorted by name)
  std::vector<NirEdge> edges;
  std::map<std::string, NumericArray> metadata;  // numeric datasets of the root graph's metadata
  const NirNode* find(const std::string& name) const;
};

// Reads and flattens; InputError "FILE: /hdf5/path: problem" for a missing `type`, a dangling
// edge, an unreadable dataset, or a file that is not HDF5.
NirGraph read_nir_graph(const std::string& file_name);

// The same from a tree already in memory (what read_nir_graph does after opening the HDF5 file).
NirGraph read_nir_tree(const NirTree& tree);

}  // namespace nchip::nir
