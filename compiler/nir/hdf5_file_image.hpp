// An HDF5 file read into memory once and opened from there (HDF5's core driver with a file image,
// no backing store): both HDF5 readers (NIR graphs, compiler/nir/hdf5_file.*, and trial sets,
// runtime/data/trial_set_h5_read.cpp) parse these bytes, first in a guarded child process
// (hdf5_guard.hpp) and then in-process, so both parses see exactly the same bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "compiler/nir/hdf5_handle.hpp"

namespace nchip::hdf5 {

// Larger files are refused before they are read: an HDF5 input of nchip (a NIR graph, a trial
// set) is far smaller, and the bytes are held in memory while they are parsed.
inline constexpr uint64_t kMaxFileImageBytes = uint64_t{2} << 30;

struct FileImage {
  std::string path;  // for messages
  std::vector<unsigned char> bytes;
};

// The whole file; InputError "PATH: cannot read file" when it cannot be opened or read, and one
// line naming the size and the limit when it is larger than kMaxFileImageBytes.
FileImage read_file_image(const std::string& path);

// Whether the bytes carry HDF5's signature where HDF5 looks for it (offset 0, 512, 1024, ...).
bool has_hdf5_signature(const FileImage& image);

// The image opened read-only in memory; an invalid handle when libhdf5 refuses it.
Handle open_file_image(const FileImage& image);

}  // namespace nchip::hdf5
