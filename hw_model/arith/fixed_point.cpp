#include "hw_model/arith/fixed_point.hpp"

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

int64_t quantize_real(double value, const Format& format, Rounding rounding, uint64_t random_bits,
                      uint64_t& saturations) {
  if (std::isnan(value)) {
    ++saturations;
    return 0;
  }
  const double scaled = std::ldexp(value, format.frac);
  const double limit = 0x1.0p40;  // far beyond any 32-bit format, so it saturates
  if (scaled >= limit) return saturate(std::numeric_limits<int64_t>::max() / 2, format, saturations);
  if (scaled <= -limit) return saturate(std::numeric_limits<int64_t>::min() / 2, format, saturations);
  // Split into an integer part and a 20-bit binary fraction, then reuse the integer rounding so
  // real -> raw rounds exactly like every datapath shift does.
  const double floor_part = std::floor(scaled);
  const double fraction = scaled - floor_part;  // exact in double
  const int64_t with_fraction =
      static_cast<int64_t>(floor_part) * (int64_t{1} << 20) +
      static_cast<int64_t>(std::ldexp(fraction, 20));
  const bool inexact_below = std::ldexp(fraction, 20) != std::floor(std::ldexp(fraction, 20));
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
