// What a NIR file is before it is a graph: a tree of groups and datasets (numbers or strings)
// addressed by absolute paths ("/node/nodes/lif1/tau"). The HDF5 file reader implements it for
// `nchip import`; the in-process fuzz target (tests/fuzz/fuzz_nir_graph.cpp) implements it in memory,
// so nchip's flattening and import are fuzzed without libhdf5 (and without its guarded child).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nchip::nir {

// A numeric dataset: values in row-major order and the shape ({} for a scalar).
struct NumericArray {
  std::vector<uint64_t> shape;
  std::vector<double> values;
};

// Read access; every failure throws InputError naming the file and the path.
class NirTree {
 public:
  virtual ~NirTree() = default;
  virtual const std::string& file_name() const = 0;
  virtual bool exists(const std::string& path) const = 0;
  virtual bool is_group(const std::string& path) const = 0;
  virtual bool is_string(const std::string& path) const = 0;  // a dataset of strings
  virtual std::vector<std::string> children(const std::string& group_path) const = 0;  // sorted by name
  virtual NumericArray read_numeric(const std::string& path) const = 0;
  // A scalar (or 1-element) string dataset.
  virtual std::string read_string(const std::string& path) const = 0;
  virtual std::vector<std::string> read_strings(const std::string& path, std::vector<uint64_t>* shape) const = 0;
};

}  // namespace nchip::nir
