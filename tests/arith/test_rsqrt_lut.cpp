// The chip's 1 / sqrt (hw_model/arith/rsqrt_lut.hpp) against the exact function: every x below 2^22,
// and both ends of every table interval at every even shift up to 2^64 (the approximation is
// exactly scale-invariant by powers of 4, so these are its worst cases everywhere). The stated
// bound kRsqrtMaxRelError must hold, and be tight (the worst case comes within 1 % of it), so a
// coarser table or a wrong index fails.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>

#include "hw_model/arith/rsqrt_lut.hpp"

using namespace nchip::arith;

namespace {
double relative_error(uint64_t x) {
  const double exact = 1.0 / std::sqrt(static_cast<double>(x));
  return std::fabs(rsqrt_value(rsqrt_lut(x)) - exact) / exact;
}
}  // namespace

TEST_CASE("rsqrt LUT: exact values at powers of four and at the table's ends") {
  // x = 1: M = 2^30, index 64, entry round(2^18 / (64 x 65)^(1/4)) = 32641, shift 30 - 15.
  CHECK(rsqrt_lut(1).mantissa == 32641);
  CHECK(rsqrt_lut(1).shift == 15);
  CHECK(rsqrt_lut(4).mantissa == 32641);  // a power of 4 only moves the shift
  CHECK(rsqrt_lut(4).shift == 16);
  CHECK(rsqrt_lut(2).mantissa == rsqrt_table()[128]);  // M = 2^31: index 128
  CHECK(rsqrt_lut(2).shift == 15);
  CHECK(rsqrt_lut(~uint64_t{0}).mantissa == rsqrt_table()[255]);
  CHECK(rsqrt_lut(~uint64_t{0}).shift == 30 + 16);
}

TEST_CASE("rsqrt LUT: relative error within the stated bound over every x below 2^22") {
  double worst = 0;
  for (uint64_t x = 1; x < (uint64_t{1} << 22); ++x) worst = std::max(worst, relative_error(x));
  INFO("worst relative error " << worst);
  CHECK(worst <= kRsqrtMaxRelError);
  CHECK(worst > 0.99 * kRsqrtMaxRelError);
}

TEST_CASE("rsqrt LUT: relative error within the stated bound at every interval end and even shift up to 2^64") {
  double worst = 0;
  for (int e = 0; e <= 32; e += 2)
    for (uint64_t i = 64; i < 256; ++i)
      for (uint64_t M : {i << 24, ((i + 1) << 24) - 1}) {
        const uint64_t x = M << e;
        INFO("x = " << x);
        REQUIRE(relative_error(x) <= kRsqrtMaxRelError);
        worst = std::max(worst, relative_error(x));
      }
  CHECK(worst > 0.99 * kRsqrtMaxRelError);
}
