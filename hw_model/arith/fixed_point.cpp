#include "hw_model/arith/fixed_point.hpp"

#include <cmath>
#include <cstring>
#include <limits>

namespace nchip::arith {

const char* to_string(Rounding rounding) {
  switch (rounding) {
    case Rounding::nearest: return "nearest";
    case Rounding::truncate: return "truncate";
    case Rounding::stochastic: return "stochastic";
  }
  return "?";
}

bool rounding_from_string(const std::string& text, Rounding& out) {
  for (Rounding r : {Rounding::nearest, Rounding::truncate, Rounding::stochastic}) {
    if (text == to_string(r)) {
      out = r;
      return true;
    }
  }
  return false;
}

int64_t round_shift_general(int64_t x, int shift, Rounding rounding, uint64_t random_bits) {
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
  // 1 <= shift <= 63: the plain case analysis (round_shift inlines a branch-free form of it for
  // shift <= 62).
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

std::string Format::problem() const {
  if (width < 2 || width > 32) return "width must be between 2 and 32 bits, got " + std::to_string(width);
  if (!is_signed && width > 31)
    return "width of an unsigned format must be at most 31 bits (raw values are held in int32), got " +
           std::to_string(width);
  if (frac < 0 || frac > 40) return "frac must be between 0 and 40 bits, got " + std::to_string(frac);
  return {};
}

std::string Format::describe() const {
  return (is_signed ? "s" : "u") + std::to_string(width) + "." + std::to_string(frac);
}

namespace {

// std::ldexp(value, n) without the call: multiplying by the power of two (a normal double for
// these n) rounds the exact product once, as ldexp does, so the result is the same in every case
// (subnormal, overflow, signed zero). quantize_real runs once per synapse when a network is lowered.
double times_power_of_two(double value, int n) {
  if (n < -1022 || n > 1023) return std::ldexp(value, n);
  const uint64_t bits = static_cast<uint64_t>(n + 1023) << 52;
  double power;
  std::memcpy(&power, &bits, sizeof power);
  return value * power;
}

}  // namespace

int64_t quantize_real(double value, const Format& format, Rounding rounding, uint64_t random_bits,
                      uint64_t& saturations) {
  if (std::isnan(value)) {
    ++saturations;
    return 0;
  }
  const double scaled = times_power_of_two(value, format.frac);
  const double limit = 0x1.0p40;  // far beyond any 32-bit format, so it saturates
  if (scaled >= limit) return saturate(std::numeric_limits<int64_t>::max() / 2, format, saturations);
  if (scaled <= -limit) return saturate(std::numeric_limits<int64_t>::min() / 2, format, saturations);
  // Split into an integer part and a 20-bit binary fraction, then reuse the integer rounding so
  // real -> raw rounds exactly like every datapath shift does.
  const double floor_part = std::floor(scaled);
  const double fraction = scaled - floor_part;  // exact in double
  const double fraction_20 = fraction * 0x1.0p20;  // exact: fraction is in [0, 1)
  const int64_t with_fraction =
      static_cast<int64_t>(floor_part) * (int64_t{1} << 20) + static_cast<int64_t>(fraction_20);
  const bool inexact_below = fraction_20 != std::floor(fraction_20);
  int64_t raw;
  if (inexact_below && rounding == Rounding::nearest) {
    // the dropped bits below 2^-20 break a tie in favour of rounding up
    raw = round_shift(with_fraction * 2 + 1, 21, rounding, random_bits);
  } else {
    raw = round_shift(with_fraction, 20, rounding, random_bits);
  }
  return saturate(raw, format, saturations);
}

}  // namespace nchip::arith
