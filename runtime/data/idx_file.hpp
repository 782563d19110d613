// IDX files (the MNIST / Fashion-MNIST format, optionally gzip-compressed): a big-endian header
// (two zero bytes, a type byte, the rank, one uint32 per dimension) and the values. Only unsigned
// bytes (type 0x08) are read: images [n, rows, cols] and labels [n].
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nchip::runtime {

struct IdxArray {
  std::vector<uint32_t> dims;
  std::vector<uint8_t> values;  // row-major
};

// Reads at most `max_items` entries of the first dimension (the rest of the file is not read).
// InputError "PATH: problem" for a missing file, a bad header or a short file.
IdxArray read_idx_file(const std::string& path, uint64_t max_items = UINT64_MAX);

}  // namespace nchip::runtime
