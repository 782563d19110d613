// 1 / sqrt(x) for an unsigned integer x >= 1 by shift and look-up table: the chip's Adam divider
// (adam_update.hpp). No multiplier, no iteration: a leading-one detector, a shifter and a ROM.
//
//   x = M 2^e with e even and M's leading one at bit 30 or 31 (M in [2^30, 2^32))
//   1 / sqrt(x) = 2^(-e/2) / sqrt(M)
//   1 / sqrt(M) ~ kRsqrtLut[M >> 24] 2^-30          (192 entries of 15 bits, index 64..255)
//
// e even makes 2^(-e/2) a pure shift; the table covers a factor 4 of M (two octaves), which is why
// the index has 8 bits but only 64..255 occur. Each entry is 2^18 / sqrt of the geometric middle of
// its interval [i, i + 1) (in units of 2^24), rounded to the nearest integer, so the relative error
// of the interval's two ends is equal: for index i it is about 1 / (4 i) <= 1 / 256.
// Max relative error |approx - exact| / exact over every x in [1, 2^64): 0.3876 % (at the top of
// interval 64; tests/arith/test_rsqrt_lut.cpp checks every x below 2^22 and every table interval's
// ends at every even shift up to 2^64). Exactness: the entries come from IEEE sqrt (correctly
// rounded) once at start-up, so every platform builds the same table.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>

namespace nchip::arith {

inline constexpr int kRsqrtIndexBits = 8;         // M >> 24: the top 8 bits of a 32-bit M
inline constexpr int kRsqrtEntryFrac = 30;        // 1 / sqrt(M) = entry 2^-30
inline constexpr double kRsqrtMaxRelError = 0.00388;  // stated above, tested

// 1 / sqrt(x) = mantissa 2^-shift.
struct RsqrtApprox {
  uint32_t mantissa = 0;  // 15 bits: 16403 (index 255) .. 32641 (index 64)
  int shift = 0;
};

inline const std::array<uint16_t, 256>& rsqrt_table() {
  static const std::array<uint16_t, 256> table = [] {
    std::array<uint16_t, 256> t{};
    for (int i = 64; i < 256; ++i) {
      const double middle = std::sqrt(double(i) * double(i + 1));  // geometric middle of [i, i + 1)
      t[i] = static_cast<uint16_t>(std::lround(std::ldexp(1.0, 18) / std::sqrt(middle)));
    }
    return t;
  }();
  return table;
}

// The leading-one position of x (0 for x = 1); x != 0.
inline int leading_one(uint64_t x) { return 63 - __builtin_clzll(x); }

// x >= 1 (callers floor x at 1: v's LSB is Adam's epsilon, adam_update.hpp).
inline RsqrtApprox rsqrt_lut(uint64_t x) {
  const int p = leading_one(x);
  const int e = (p - 30) % 2 == 0 ? p - 30 : p - 31;  // even; M = x 2^-e has its leading one at 30 or 31
  const uint64_t M = e >= 0 ? x >> e : x << -e;      // dropping low bits only picks the interval
  return RsqrtApprox{rsqrt_table()[M >> 24], kRsqrtEntryFrac + e / 2};
}

inline double rsqrt_value(RsqrtApprox r) { return std::ldexp(double(r.mantissa), -r.shift); }

}  // namespace nchip::arith
