// Fixed-point formats and the primitive operations every chip datapath is built from: rounding
// right shifts (nearest-even, truncate, stochastic) and saturation. Raw values are at most 32
// bits wide and every intermediate fits in int64, so nothing here can overflow silently.
#pragma once

#include <cmath>
#include <cstdint>
#include <string>

#include "hw_model/arith/counter_rng.hpp"

// For the per-synapse path (etu_update and the operations it calls): left to itself GCC kept
// etu_update<FixedOps> out of line, a call per synapse update, and it declines to inline helpers
// once their callers grow. Functions so marked are also `inline` in the ODR sense.
#define NCHIP_ALWAYS_INLINE inline __attribute__((always_inline))

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

// round_shift by the plain case analysis, for every shift. round_shift calls it for left shifts,
// shifts past 62 and the rare shift 0 with |x| > 2^62 (kept out of line: no datapath shift of the
// default formats is one), and tests/arith/test_fixed_fast_path.cpp checks that both agree.
int64_t round_shift_general(int64_t x, int shift, Rounding rounding, uint64_t random_bits);

// x * 2^-shift rounded to an integer; shift <= 0 is an exact left shift. `random_bits` is only
// read for stochastic rounding. |x| must be below 2^62. A left shift whose result would reach
// 2^62 returns +-2^62 instead (far outside every format, so the caller's saturate() clamps and
// counts it) rather than overflowing int64.
// Hot (up to 9 calls per synapse and step in the eligibility-trace unit), so it is forced inline
// and branch-free for right shifts by 1..62 and for shift 0 with |x| <= 2^62 (x itself: a
// conversion between formats with equal fraction bits), with round_shift_general's results.
NCHIP_ALWAYS_INLINE int64_t round_shift(int64_t x, int shift, Rounding rounding, uint64_t random_bits) {
  constexpr uint64_t kFar = uint64_t{1} << 62;
  const bool common =
      shift > 0 ? shift <= 62 : shift == 0 && static_cast<uint64_t>(x) + kFar <= 2 * kFar;  // |x| <= 2^62
  if (__builtin_expect(!common, 0)) return round_shift_general(x, shift, rounding, random_bits);
  const int64_t floor_q = x >> shift;
  const uint64_t mask = (uint64_t{1} << shift) - 1;
  const uint64_t rem = static_cast<uint64_t>(x) & mask;  // x - floor_q * 2^shift, in [0, 2^shift)
  switch (rounding) {
    case Rounding::truncate:
      return floor_q;
    case Rounding::nearest: {
      // Up when rem > half, or rem == half and floor_q is odd (ties to even): one compare.
      // half = 2^(shift - 1); for shift 0 it is 1 and rem 0, so nothing rounds.
      const uint64_t half = (mask >> 1) + 1;
      return floor_q + (rem + static_cast<uint64_t>(floor_q & 1) > half);
    }
    case Rounding::stochastic:
      return floor_q + ((random_bits & mask) < rem);
  }
  return floor_q;
}

// Clamp to [lo, hi]; a clamp increments `saturations`. Clamps are rare, so the branches are
// predicted and the counter is only touched when one happens.
NCHIP_ALWAYS_INLINE int64_t saturate(int64_t x, int64_t lo, int64_t hi, uint64_t& saturations) {
  if (__builtin_expect(x > hi, 0)) {
    ++saturations;
    return hi;
  }
  if (__builtin_expect(x < lo, 0)) {
    ++saturations;
    return lo;
  }
  return x;
}

// Clamp to the format's range; a clamp increments `saturations`.
inline int64_t saturate(int64_t x, const Format& format, uint64_t& saturations) {
  return saturate(x, format.min_raw(), format.max_raw(), saturations);
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
