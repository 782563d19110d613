// Fixed-point formats and the primitive operations every chip datapath is built from: rounding
// right shifts (nearest-even, truncate, stochastic) and saturation. Raw values are at most 32
// bits wide and every intermediate fits in int64, so nothing here can overflow silently.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include "hw_model/arith/counter_rng.hpp"

namespace nchip::arith {

enum class Rounding : uint8_t {
  nearest,     // to nearest, ties to even
  truncate,    // toward minus infinity (an arithmetic right shift)
  stochastic,  // up with probability equal to the discarded fraction (counter-based draw)
};
const char* to_string(Rounding rounding);
bool rounding_from_string(const std::string& text, Rounding& out);

// A two's complement (or unsigned) number of `width` bits whose value is raw * 2^-frac.
struct Format {
  int width = 16;  // 2..32 bits (unsigned: 2..31, raw values are held in int32_t)
  int frac = 8;    // fraction bits, 0..40
  bool is_signed = true;

  int64_t max_raw() const { return (int64_t{1} << (is_signed ? width - 1 : width)) - 1; }
  int64_t min_raw() const { return is_signed ? -(int64_t{1} << (width - 1)) : 0; }
  double lsb() const { return std::ldexp(1.0, -frac); }
  double max_real() const { return static_cast<double>(max_raw()) * lsb(); }
  double min_real() const { return static_cast<double>(min_raw()) * lsb(); }
  // Empty when valid, else why not (for QuantConfig::validate).
  std::string problem() const;
  std::string describe() const;  // e.g. "s16.12" (signed, 16 bits, 12 fraction bits)
  bool operator==(const Format& other) const {
    return width == other.width && frac == other.frac && is_signed == other.is_signed;
  }
};

// x * 2^-shift rounded to an integer; shift <= 0 is an exact left shift. `random_bits` is only
// read for stochastic rounding. |x| must be below 2^62. A left shift whose result would reach
// 2^62 returns +-2^62 instead (far outside every format, so the caller's saturate() clamps and
// counts it) rather than overflowing int64.
inline int64_t round_shift(int64_t x, int shift, Rounding rounding, uint64_t random_bits) {
  if (shift <= 0) {
    constexpr int64_t kFar = int64_t{1} << 62;
    const int left = -shift;
    if (x == 0) return 0;
    if (left >= 62 || (x > 0 ? x > (kFar >> left) : x < -(kFar >> left))) return x > 0 ? kFar : -kFar;
    return x * (int64_t{1} << left);
  }
  if (shift > 63) {
    // |x| / 2^shift < 2^-2: nearest gives 0, truncate the floor (0 or -1), stochastic rounds up
    // with probability frac = (x - floor * 2^shift) / 2^shift, compared against all 64 random bits
    // (the threshold's bits below 2^-64 are dropped: a bias under 2^-64).
    const int64_t floor_q = x < 0 ? -1 : 0;
    if (rounding == Rounding::truncate) return floor_q;
    if (rounding == Rounding::nearest) return 0;
    const int excess = shift - 64;  // >= 0
    const uint64_t magnitude = x < 0 ? uint64_t(0) - static_cast<uint64_t>(x) : static_cast<uint64_t>(x);
    const uint64_t scaled = excess >= 64 ? 0 : magnitude >> excess;  // |x| / 2^shift * 2^64
    if (x >= 0) return random_bits < scaled ? 1 : 0;
    return random_bits >= scaled ? 0 : -1;  // up (to 0) with probability 1 - |x| / 2^shift
  }
  const int64_t floor_q = shift == 63 ? (x < 0 ? -1 : 0) : (x >> shift);
  const uint64_t mask = shift == 63 ? ~uint64_t{0} >> 1 : (uint64_t{1} << shift) - 1;
  const uint64_t rem = static_cast<uint64_t>(x) & mask;  // x - floor_q * 2^shift, in [0, 2^shift)
  switch (rounding) {
    case Rounding::truncate:
      return floor_q;
    case Rounding::nearest: {
      const uint64_t half = uint64_t{1} << (shift - 1);
      if (rem > half || (rem == half && (floor_q & 1) != 0)) return floor_q + 1;
      return floor_q;
    }
    case Rounding::stochastic:
      return (random_bits & mask) < rem ? floor_q + 1 : floor_q;
  }
  return floor_q;
}

// Clamp to the format's range; a clamp increments `saturations`.
inline int64_t saturate(int64_t x, const Format& format, uint64_t& saturations) {
  const int64_t hi = format.max_raw();
  const int64_t lo = format.min_raw();
  if (x > hi) {
    ++saturations;
    return hi;
  }
  if (x < lo) {
    ++saturations;
    return lo;
  }
  return x;
}

// Raw value of a real number rounded with `rounding` (nearest: ties to even, exact for every
// double; stochastic: the real's bits below 2^-20 LSB are ignored); a clamp and a NaN (mapped to
// 0) each count one saturation.
int64_t quantize_real(double value, const Format& format, Rounding rounding, uint64_t random_bits,
                      uint64_t& saturations);

inline double to_real(int64_t raw, const Format& format) {
  return std::ldexp(static_cast<double>(raw), -format.frac);
}

}  // namespace nchip::arith
