// Makes a mutated chip image self-consistent in the two fields a random mutation almost never gets
// right, the total size in the header and the FNV-1a checksum at the end, so the fuzzer reaches
// the section readers and the consistency checks behind them (issue #15 rows 1-3 lived there).
// Layout (hw_model/image/chip_image.cpp): magic[8], u32 version, u32 flags, u64 total size at
// byte 16, ..., 40-byte header, sections, u64 checksum of everything before it.
#pragma once

#include <cstdint>
#include <string>

#include "hw_model/image/checksum.hpp"

namespace nchip::fuzz {

inline constexpr size_t kImageHeaderBytes = 40;
inline constexpr size_t kImageTotalSizeOffset = 16;
inline constexpr size_t kImageChecksumBytes = 8;

inline void put_u64(std::string& bytes, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) bytes[at + i] = static_cast<char>(v >> (8 * i));
}

// Inputs shorter than a header stay as they are (the reader's truncation checks get those).
inline std::string with_valid_checksum(std::string bytes) {
  if (bytes.size() < kImageHeaderBytes + kImageChecksumBytes) return bytes;
  put_u64(bytes, kImageTotalSizeOffset, bytes.size());
  image::Fnv1a64 h;
  h.add(bytes.data(), bytes.size() - kImageChecksumBytes);
  put_u64(bytes, bytes.size() - kImageChecksumBytes, h.value());
  return bytes;
}

}  // namespace nchip::fuzz
