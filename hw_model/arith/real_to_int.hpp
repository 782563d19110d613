// The one conversion from a real parameter to an integer field. A static_cast of a double that is
// NaN or outside the integer's range is undefined behaviour (in practice it wraps: t_ref_ms 65536
// became a refractory counter of 0, a weight of 1e308 an exponent of INT_MIN), so every such
// conversion goes through one of these two.
#pragma once

#include <cmath>
#include <optional>

namespace nchip::arith {

// `value` rounded to the nearest integer (ties away from zero, as std::round), or nothing when
// `value` is not finite or the rounded value lies outside [lo, hi]: the caller names the
// parameter and the limit in its error.
template <class Int>
std::optional<Int> checked_round(double value, Int lo, Int hi) {
  const double r = std::round(value);
  if (!(r >= static_cast<double>(lo) && r <= static_cast<double>(hi))) return std::nullopt;  // also NaN
  return static_cast<Int>(r);
}

// `value` clamped to [lo, hi] and truncated (the caller rounds first, e.g. with std::ceil);
// +inf gives hi, -inf gives lo and NaN gives lo.
template <class Int>
Int saturating_cast(double value, Int lo, Int hi) {
  if (!(value >= static_cast<double>(lo))) return lo;
  if (value >= static_cast<double>(hi)) return hi;
  return static_cast<Int>(value);
}

}  // namespace nchip::arith
