// QuantConfig: the fixed-point format of every quantity and the rounding modes. Defaults are
// chosen so the paper's example networks behave like the float reference (see README of
// hw_model/arith for the reasoning behind each width).
#pragma once

#include <array>
#include <string>

#include "hw_model/arith/fixed_point.hpp"
#include "hw_model/arith/quantity.hpp"

namespace nchip::arith {

struct QuantConfig {
  std::array<Format, kQuantityCount> formats = default_formats();
  Rounding rounding = Rounding::nearest;         // neuron, trace and eligibility arithmetic
  Rounding update_rounding = Rounding::nearest;  // applying weight changes (e-prop)
  // Per-projection weight exponents: the compiler picks for each projection the exponent that
  // fits its largest |w| times 2^weight_headroom_bits (room for learning to grow weights) into
  // the weight format; with weight_exponents = false every exponent is 0.
  bool weight_exponents = true;
  int weight_headroom_bits = 1;

  const Format& operator[](Quantity q) const { return formats[index_of(q)]; }
  Format& operator[](Quantity q) { return formats[index_of(q)]; }

  // Empty when the configuration is usable, else one line naming the field and the problem.
  std::string problem() const;

  static std::array<Format, kQuantityCount> default_formats();
};

}  // namespace nchip::arith
