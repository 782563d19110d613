#include "compiler/nir/nir_graph.hpp"

#include <fmt/core.h>

#include <set>

#include "compiler/nir/hdf5_file.hpp"
#include "compiler/nir/hdf5_guard.hpp"
#include "hw_model/error.hpp"
#include "hw_model/text_check.hpp"

namespace nchip::nir {

const NirNode* NirGraph::find(const std::string& name) const {
  for (const auto& n : nodes)
    if (n.name == name) return &n;
  return nullptr;
}

namespace {

struct Flattener {
  const NirTree& file;
  NirGraph& out;

  // The flattened name a subgraph's boundary resolves to, for edges that name the subgraph.
  struct Boundary {
    std::vector<std::string> inputs, outputs;
  };
  std::map<std::string, Boundary> subgraphs;

  // Node names are the file's bytes: escaped, so a newline or a byte that is not UTF-8 cannot break
  // the message's one line.
  [[noreturn]] void fail(const std::string& path, const std::string& what) const {
    throw InputError(escaped_text(fmt::format("{}: {}: {}", file.file_name(), path, what)));
  }

  std::string read_type(const std::string& path) const {
    if (!file.exists(path + "/type")) fail(path, "missing 'type' (every NIR node names its type)");
    return file.read_string(path + "/type");
  }

  // Resolves a name used in the edge list of the graph at `prefix` to a flattened node name.
  std::string resolve(const std::string& prefix, const std::string& name, bool as_source,
                      const std::string& edges_path) const {
    const std::string full = prefix + name;
    auto sub = subgraphs.find(full);
    if (sub != subgraphs.end()) {
      const auto& ends = as_source ? sub->second.outputs : sub->second.inputs;
      if (ends.size() != 1)
        fail(edges_path, fmt::format("edge names subgraph '{}', which has {} {} nodes (name one as '{}.NODE')", name,
                                     ends.size(), as_source ? "Output" : "Input", name));
      return ends[0];
    }
    for (const auto& n : out.nodes)
      if (n.name == full) return full;
    fail(edges_path, fmt::format("edge {} '{}' is not a node of this graph", as_source ? "source" : "target", name));
  }

  void read_params(const std::string& path, NirNode& node) const {
    for (const std::string& key : file.children(path)) {
      if (key == "type" || key == "nodes" || key == "edges") continue;
      const std::string child = path + "/" + key;
      if (file.is_group(child)) {
        if (key != "metadata") continue;  // e.g. input_type dictionaries: shapes are re-derived
        for (const std::string& m : file.children(child))
          if (!file.is_group(child + "/" + m) && !file.is_string(child + "/" + m)) {
            try {
              node.params["metadata/" + m] = file.read_numeric(child + "/" + m);
            } catch (const InputError&) {
              // metadata that is not a number (a tool's flags, enums) is not nchip's business
            }
          }
        continue;
      }
      if (file.is_string(child))
        node.strings[key] = file.read_string(child);  // a Conv's padding 'same' / 'valid'
      else
        node.params[key] = file.read_numeric(child);
    }
  }

  // Reads the graph at `path` whose nodes get names prefixed by `prefix`.
  void read_graph(const std::string& path, const std::string& prefix, bool top_level, Boundary& boundary) {
    const std::string nodes_path = path + "/nodes";
    if (!file.is_group(nodes_path)) fail(path, "a NIRGraph needs a 'nodes' group");
    for (const std::string& name : file.children(nodes_path)) {
      const std::string node_path = nodes_path + "/" + name;
      if (!file.is_group(node_path)) fail(node_path, "expected a node group");
      const std::string type = read_type(node_path);
      const std::string full = prefix + name;
      if (type == "NIRGraph") {
        Boundary inner;
        read_graph(node_path, full + ".", false, inner);
        subgraphs[full] = inner;
        continue;
      }
      NirNode node;
      node.name = full;
      node.type = type;
      node.hdf5_path = node_path;
      node.top_level = top_level;
      read_params(node_path, node);
      if (type == "Input") boundary.inputs.push_back(full);
      if (type == "Output") boundary.outputs.push_back(full);
      if (!top_level && (type == "Input" || type == "Output")) node.type = "Identity";
      out.nodes.push_back(std::move(node));
    }
    const std::string edges_path = path + "/edges";
    if (!file.exists(edges_path)) fail(path, "a NIRGraph needs an 'edges' dataset");
    std::vector<uint64_t> shape;
    if (!file.is_string(edges_path)) {
      // h5py writes an empty edge list as an empty float array
      if (!file.read_numeric(edges_path).values.empty())
        fail(edges_path, "expected an N x 2 array of (source, target) node names");
      return;
    }
    const std::vector<std::string> names = file.read_strings(edges_path, &shape);
    if (names.empty()) return;
    if (shape.size() != 2 || shape[1] != 2)
      fail(edges_path, "expected an N x 2 array of (source, target) node names");
    for (size_t i = 0; i + 1 < names.size(); i += 2)
      out.edges.push_back({resolve(prefix, names[i], true, edges_path), resolve(prefix, names[i + 1], false, edges_path)});
  }
};

}  // namespace

NirGraph read_nir_tree(const NirTree& file) {
  const std::string& file_name = file.file_name();
  NirGraph graph;
  graph.file_name = file_name;
  if (file.exists("/version")) {
    try {
      graph.version = file.read_string("/version");
    } catch (const InputError&) {
      graph.version = "";  // a version that is not a string says nothing about the layout
    }
  }
  if (!file.is_group("/node")) throw InputError(fmt::format("{}: /node: missing (a NIR file has a root 'node' group)", file_name));
  Flattener f{file, graph, {}};
  const std::string type = f.read_type("/node");
  if (type != "NIRGraph") {
    // A file holding a single node: a graph of that node alone.
    NirNode node;
    node.name = "node";
    node.type = type;
    node.hdf5_path = "/node";
    f.read_params("/node", node);
    graph.nodes.push_back(std::move(node));
    return graph;
  }
  Flattener::Boundary top;
  f.read_graph("/node", "", true, top);
  NirNode root;
  f.read_params("/node", root);
  for (auto& [key, value] : root.params)
    if (key.rfind("metadata/", 0) == 0) graph.metadata[key.substr(9)] = std::move(value);
  return graph;
}

namespace {

NirGraph parse_nir_graph(const hdf5::FileImage& image) { return read_nir_tree(Hdf5Reader(image)); }

}  // namespace

NirGraph read_nir_graph(const std::string& file_name) {
  const hdf5::FileImage image = hdf5::read_file_image(file_name);
  // libhdf5 may crash, hang or exhaust memory on a damaged file: parse in a guarded child first.
  hdf5::check_parse_in_child(image, [&] { parse_nir_graph(image); });
  return parse_nir_graph(image);
}

}  // namespace nchip::nir
