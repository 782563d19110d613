#include "compiler/nir/hdf5_file_image.hpp"

#include <fmt/core.h>
#include <hdf5.h>

#include <atomic>
#include <cstdio>
#include <cstring>
#include <memory>

#include "hw_model/error.hpp"

namespace nchip::hdf5 {

static_assert(sizeof(hid_t) == sizeof(int64_t), "HDF5 1.10+ identifiers are 64-bit");

FileImage read_file_image(const std::string& path) {
  FileImage image{path, {}};
  const std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "rb"), std::fclose);
  if (!file || std::fseek(file.get(), 0, SEEK_END) != 0) throw InputError(path + ": cannot read file");
  const long size = std::ftell(file.get());  // a directory opens on Linux but has no size
  if (size < 0 || std::fseek(file.get(), 0, SEEK_SET) != 0) throw InputError(path + ": cannot read file");
  if (static_cast<uint64_t>(size) > kMaxFileImageBytes)
    throw InputError(fmt::format("{}: {} bytes, larger than the {} MB an HDF5 input of nchip may have", path, size,
                                 kMaxFileImageBytes >> 20));
  image.bytes.resize(static_cast<size_t>(size));
  if (size > 0 && std::fread(image.bytes.data(), 1, image.bytes.size(), file.get()) != image.bytes.size())
    throw InputError(path + ": cannot read file");
  return image;
}

bool has_hdf5_signature(const FileImage& image) {
  static const unsigned char kSignature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  // HDF5 looks for its superblock at 0 and at every power of two from 512 (a user block before it).
  for (uint64_t offset = 0; offset + sizeof kSignature <= image.bytes.size(); offset = offset ? 2 * offset : 512)
    if (std::memcmp(image.bytes.data() + offset, kSignature, sizeof kSignature) == 0) return true;
  return false;
}

Handle open_file_image(const FileImage& image) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become nchip's one line, not HDF5's stderr
  const Handle access(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  // The core driver without a backing store never touches the disk; H5Pset_file_image copies the
  // bytes (HDF5 owns its copy for the file's lifetime).
  if (!access.valid() || H5Pset_fapl_core(access.get(), 1 << 16, 0) < 0 ||
      (!image.bytes.empty() && H5Pset_file_image(access.get(), const_cast<unsigned char*>(image.bytes.data()),
                                                 image.bytes.size()) < 0))
    return Handle();
  // libhdf5 1.10 refuses to open an image under the name of a file that exists ("file already
  // exists"), and takes two files of one name for the same file: a name no file can have, unique
  // per open.
  static std::atomic<uint64_t> opened{0};
  const std::string name = fmt::format("/proc/nchip-hdf5-file-image-{}", opened++);
  return Handle(H5Fopen(name.c_str(), H5F_ACC_RDONLY, access.get()), H5Fclose);
}

}  // namespace nchip::hdf5
