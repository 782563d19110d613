#include "compiler/nir/hdf5_file.hpp"

#include <hdf5.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fmt/core.h>
#include <limits>

#include "compiler/nir/hdf5_number_type.hpp"
#include "hw_model/error.hpp"
#include "hw_model/text_check.hpp"

namespace nchip::nir {

static_assert(sizeof(hid_t) == sizeof(int64_t), "HDF5 1.10+ identifiers are 64-bit");

namespace {

// HDF5 prints its error stack to stderr by default; nchip reports one line of its own instead.
void silence_hdf5() {
  static const bool done = [] {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)done;
}

// HDF5 paths hold the file's names: escaped, so the message stays one line.
[[noreturn]] void fail(const std::string& file, const std::string& path, const std::string& what) {
  throw InputError(escaped_text(fmt::format("{}: {}: {}", file, path, what)));
}

// Each link of an absolute path must exist before H5Oopen, or HDF5 fails with a generic error.
bool link_exists(hid_t file, const std::string& path) {
  if (path == "/") return true;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    const std::string prefix = path.substr(0, pos);
    if (H5Lexists(file, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
  }
  return true;
}

hdf5::Handle open_dataset(hid_t file, const std::string& file_name, const std::string& path) {
  if (!link_exists(file, path)) fail(file_name, path, "missing");
  const hid_t id = H5Dopen2(file, path.c_str(), H5P_DEFAULT);
  if (id < 0) fail(file_name, path, "not a dataset");
  return hdf5::Handle(id, H5Dclose);
}

std::vector<uint64_t> dataset_shape(hid_t dataset, const std::string& file, const std::string& path) {
  hdf5::Handle space(H5Dget_space(dataset), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) fail(file, path, "unreadable dataspace");
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return std::vector<uint64_t>(dims.begin(), dims.end());
}

uint64_t element_count(const std::vector<uint64_t>& shape, const std::string& file, const std::string& path) {
  uint64_t n = 1;
  for (uint64_t d : shape) {
    if (d != 0 && n > (uint64_t{1} << 40) / d) fail(file, path, "dataset too large");
    n *= d;
  }
  return n;
}

}  // namespace

Hdf5Reader::Hdf5Reader(const hdf5::FileImage& image) : file_name_(image.path) {
  silence_hdf5();
  if (!hdf5::has_hdf5_signature(image))
    throw InputError(fmt::format("{}: not an HDF5 file (a NIR file is HDF5)", file_name_));
  file_ = hdf5::open_file_image(image);
  if (!file_.valid()) throw InputError(fmt::format("{}: cannot open as HDF5", file_name_));
}

bool Hdf5Reader::exists(const std::string& path) const { return link_exists(file_.get(), path); }

bool Hdf5Reader::is_group(const std::string& path) const {
  if (!exists(path)) return false;
  H5O_info_t info;
  if (H5Oget_info_by_name(file_.get(), path.c_str(), &info, H5P_DEFAULT) < 0) return false;
  return info.type == H5O_TYPE_GROUP;
}

bool Hdf5Reader::is_string(const std::string& path) const {
  if (!exists(path) || is_group(path)) return false;
  hdf5::Handle dataset = open_dataset(file_.get(), file_name_, path);
  hdf5::Handle type(H5Dget_type(dataset.get()), H5Tclose);
  return H5Tget_class(type.get()) == H5T_STRING;
}

std::vector<std::string> Hdf5Reader::children(const std::string& group_path) const {
  if (!is_group(group_path)) fail(file_name_, group_path, "missing group");
  hdf5::Handle group(H5Gopen2(file_.get(), group_path.c_str(), H5P_DEFAULT), H5Gclose);
  H5G_info_t info;
  if (H5Gget_info(group.get(), &info) < 0) fail(file_name_, group_path, "unreadable group");
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t len = H5Lget_name_by_idx(group.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (len < 0) fail(file_name_, group_path, "unreadable link name");
    std::string name(static_cast<size_t>(len) + 1, '\0');
    H5Lget_name_by_idx(group.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
    name.resize(static_cast<size_t>(len));
    names.push_back(std::move(name));
  }
  std::sort(names.begin(), names.end());
  return names;
}

NumericArray Hdf5Reader::read_numeric(const std::string& path) const {
  hdf5::Handle dataset = open_dataset(file_.get(), file_name_, path);
  hdf5::Handle type(H5Dget_type(dataset.get()), H5Tclose);
  const H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT)
    fail(file_name_, path, "expected a number or an array of numbers (integer or float dataset)");
  const std::string type_problem = number_type_problem(type.get());
  if (!type_problem.empty()) fail(file_name_, path, type_problem);
  NumericArray out;
  out.shape = dataset_shape(dataset.get(), file_name_, path);
  out.values.resize(element_count(out.shape, file_name_, path));
  // HDF5 converts any integer or float type to native double on read.
  if (!out.values.empty() &&
      H5Dread(dataset.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.values.data()) < 0)
    fail(file_name_, path, "cannot read the dataset (unsupported compression filter?)");
  return out;
}

std::vector<std::string> Hdf5Reader::read_strings(const std::string& path, std::vector<uint64_t>* shape_out) const {
  hdf5::Handle dataset = open_dataset(file_.get(), file_name_, path);
  hdf5::Handle type(H5Dget_type(dataset.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING) fail(file_name_, path, "expected a string dataset");
  const std::vector<uint64_t> shape = dataset_shape(dataset.get(), file_name_, path);
  const uint64_t n = element_count(shape, file_name_, path);
  if (shape_out) *shape_out = shape;
  std::vector<std::string> out;
  if (n == 0) return out;
  if (H5Tis_variable_str(type.get()) > 0) {
    hdf5::Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
    std::vector<char*> raw(n, nullptr);
    if (H5Dread(dataset.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0)
      fail(file_name_, path, "cannot read the strings");
    for (char* s : raw) out.emplace_back(s ? s : "");
    hdf5::Handle space(H5Dget_space(dataset.get()), H5Sclose);
    H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, raw.data());
    return out;
  }
  const size_t size = H5Tget_size(type.get());
  std::vector<char> raw(n * size);
  if (H5Dread(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0)
    fail(file_name_, path, "cannot read the strings");
  for (uint64_t i = 0; i < n; ++i) {
    const char* s = raw.data() + i * size;
    out.emplace_back(s, strnlen(s, size));  // fixed-length strings are null-padded or -terminated
  }
  return out;
}

std::string Hdf5Reader::read_string(const std::string& path) const {
  std::vector<uint64_t> shape;
  std::vector<std::string> all = read_strings(path, &shape);
  if (all.size() != 1) fail(file_name_, path, fmt::format("expected one string, got {}", all.size()));
  return all[0];
}

// ---- writer -------------------------------------------------------------------------------------

namespace {

hdf5::Handle make_space(const std::vector<uint64_t>& shape) {
  if (shape.empty()) return hdf5::Handle(H5Screate(H5S_SCALAR), H5Sclose);
  std::vector<hsize_t> dims(shape.begin(), shape.end());
  return hdf5::Handle(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
}

}  // namespace

Hdf5Writer::Hdf5Writer(const std::string& file_name) : file_name_(file_name) {
  silence_hdf5();
  const hid_t id = H5Fcreate(file_name.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (id < 0) throw InputError(fmt::format("{}: cannot create file", file_name));
  file_ = hdf5::Handle(id, H5Fclose);
}

void Hdf5Writer::group(const std::string& path) {
  const hid_t id = H5Gcreate2(file_.get(), path.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (id < 0) throw InputError(fmt::format("{}: {}: cannot create group", file_name_, path));
  hdf5::Handle g(id, H5Gclose);
}

void Hdf5Writer::numeric(const std::string& path, const std::vector<uint64_t>& shape,
                         const std::vector<double>& values) {
  hdf5::Handle space = make_space(shape);
  hdf5::Handle d(H5Dcreate2(file_.get(), path.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        H5Dclose);
  if (!d.valid() || (!values.empty() &&
                     H5Dwrite(d.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0))
    throw InputError(fmt::format("{}: {}: cannot write dataset", file_name_, path));
}

void Hdf5Writer::integers(const std::string& path, const std::vector<uint64_t>& shape,
                          const std::vector<int64_t>& values) {
  hdf5::Handle space = make_space(shape);
  hdf5::Handle d(H5Dcreate2(file_.get(), path.c_str(), H5T_STD_I64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        H5Dclose);
  if (!d.valid() || (!values.empty() &&
                     H5Dwrite(d.get(), H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0))
    throw InputError(fmt::format("{}: {}: cannot write dataset", file_name_, path));
}

void Hdf5Writer::strings(const std::string& path, const std::vector<uint64_t>& shape,
                         const std::vector<std::string>& values) {
  hdf5::Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  hdf5::Handle space = make_space(shape);
  std::vector<const char*> raw;
  for (const auto& v : values) raw.push_back(v.c_str());
  hdf5::Handle d(H5Dcreate2(file_.get(), path.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
        H5Dclose);
  if (!d.valid() ||
      (!raw.empty() && H5Dwrite(d.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()) < 0))
    throw InputError(fmt::format("{}: {}: cannot write dataset", file_name_, path));
}

void Hdf5Writer::close() {
  if (file_.valid() && H5Fflush(file_.get(), H5F_SCOPE_GLOBAL) < 0)
    throw InputError(fmt::format("{}: cannot flush file", file_name_));
  file_ = hdf5::Handle();
}

}  // namespace nchip::nir
