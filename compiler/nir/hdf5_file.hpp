// A small RAII layer over the HDF5 C API, just what NIR files need: groups, numeric datasets of
// any integer or float type (read as double, with their shape), and string datasets (variable- or
// fixed-length, scalar or N x 2 for NIR's edge lists). Every failure throws nchip::InputError
// naming the file and the HDF5 path; HDF5's own error stack printing is switched off.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "compiler/nir/hdf5_file_image.hpp"
#include "compiler/nir/hdf5_handle.hpp"
#include "compiler/nir/nir_tree.hpp"

namespace nchip::nir {

// Read access to one file, opened from its bytes in memory (read_nir_graph parses them in a guarded
// child first: hdf5_guard.hpp). Paths are absolute HDF5 paths ("/node/nodes/lif1/tau").
class Hdf5Reader final : public NirTree {
 public:
  explicit Hdf5Reader(const hdf5::FileImage& image);  // InputError if not HDF5
  const std::string& file_name() const override { return file_name_; }
  bool exists(const std::string& path) const override;
  bool is_group(const std::string& path) const override;
  bool is_string(const std::string& path) const override;
  std::vector<std::string> children(const std::string& group_path) const override;
  NumericArray read_numeric(const std::string& path) const override;
  std::string read_string(const std::string& path) const override;
  std::vector<std::string> read_strings(const std::string& path, std::vector<uint64_t>* shape) const override;

 private:
  std::string file_name_;
  hdf5::Handle file_;
};

// Write access, for `nchip export` and for tests building NIR files: creates (truncates) the file.
class Hdf5Writer {
 public:
  explicit Hdf5Writer(const std::string& file_name);
  void group(const std::string& path);
  void numeric(const std::string& path, const std::vector<uint64_t>& shape, const std::vector<double>& values);
  void integers(const std::string& path, const std::vector<uint64_t>& shape, const std::vector<int64_t>& values);
  // Variable-length UTF-8 strings, as h5py's string_dtype() writes them ({} shape = scalar).
  void strings(const std::string& path, const std::vector<uint64_t>& shape, const std::vector<std::string>& values);
  void string(const std::string& path, const std::string& value) { strings(path, {}, {value}); }
  void close();  // flush and close; the destructor closes too (without reporting errors)

 private:
  std::string file_name_;
  hdf5::Handle file_;
};

}  // namespace nchip::nir
