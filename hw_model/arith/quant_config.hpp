// QuantConfig: the fixed-point format of every quantity and the rounding modes. Defaults are
// chosen so the paper's example networks behave like the float reference (see README of
// hw_model/arith for the reasoning behind each width). They are the one set of defaults of every
// command (compile, run, train, cosim) and of etu.sv's parameters.
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

  // Empty when every format holds its quantity's typical range in the e-prop networks (a trace
  // grows by 1 per spike, h reaches gamma = 0.3, ...), else one line "formats.NAME: ..." naming
  // the format, what it holds and what it must. Catches a fraction wider than the width (trace
  // u12.16 holds at most 0.0625). Weights (per-projection exponents rescale them), decays and
  // gains (checked by problem()) are not judged here. Checked where a config file is read; the
  // arithmetic itself (problem()) works with any valid format.
  std::string range_problem() const;

  static std::array<Format, kQuantityCount> default_formats();
};

}  // namespace nchip::arith
