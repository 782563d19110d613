// 64-bit FNV-1a: the image checksum and the chip-description hash. Not cryptographic; it catches
// truncation, bit flips and edits, which is what a loader needs to refuse a damaged file.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace nchip::image {

class Fnv1a64 {
 public:
  void add(const void* data, size_t size) {
    const auto* p = static_cast<const unsigned char*>(data);
    uint64_t h = state_;
    for (size_t i = 0; i < size; ++i) {
      h ^= p[i];
      h *= kPrime;
    }
    state_ = h;
  }
  // Integers are hashed as their little-endian bytes so the value is the same on any host.
  void add_u64(uint64_t v) {
    unsigned char bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(v >> (8 * i));
    add(bytes, 8);
  }
  void add_string(const std::string& s) {
    add_u64(s.size());
    add(s.data(), s.size());
  }
  uint64_t value() const { return state_; }

 private:
  static constexpr uint64_t kOffsetBasis = 0xcbf29ce484222325ull;
  static constexpr uint64_t kPrime = 0x100000001b3ull;
  uint64_t state_ = kOffsetBasis;
};

}  // namespace nchip::image
