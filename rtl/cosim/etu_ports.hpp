// Raw fixed-point values <-> the bit patterns on the unit's W-bit ports (two's complement for
// signed formats), shared by the C++ and SystemC drivers.
#pragma once

#include <cstdint>

#include "hw_model/arith/fixed_point.hpp"

namespace nchip::rtl {

inline uint64_t to_port(int64_t raw, const arith::Format& f) {
  return static_cast<uint64_t>(raw) & ((uint64_t{1} << f.width) - 1);
}

inline int32_t from_port(uint64_t bits, const arith::Format& f) {
  const uint64_t mask = (uint64_t{1} << f.width) - 1;
  bits &= mask;
  if (f.is_signed && (bits >> (f.width - 1)) != 0) bits |= ~mask;
  return static_cast<int32_t>(static_cast<int64_t>(bits));
}

}  // namespace nchip::rtl
