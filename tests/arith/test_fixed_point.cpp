// Rounding shifts, real -> raw quantization and saturation (hw_model/arith/fixed_point.hpp).
// Every expected value below is worked out by hand in the comment beside it.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>

#include "hw_model/arith/fixed_point.hpp"

using nchip::arith::Format;
using nchip::arith::quantize_real;
using nchip::arith::round_shift;
using nchip::arith::Rounding;
using nchip::arith::saturate;

namespace {
constexpr uint64_t kAllOnes = ~uint64_t{0};

// x / 2^shift with x = 2 * value: a shift of 1 puts the value's .5 exactly on the tie.
int64_t nearest_half(int64_t twice) { return round_shift(twice, 1, Rounding::nearest, 0); }
}  // namespace

TEST_CASE("round_shift nearest: ties go to the even neighbour for both signs") {
  CHECK(nearest_half(5) == 2);    // 2.5 -> 2
  CHECK(nearest_half(7) == 4);    // 3.5 -> 4
  CHECK(nearest_half(1) == 0);    // 0.5 -> 0
  CHECK(nearest_half(3) == 2);    // 1.5 -> 2
  CHECK(nearest_half(-5) == -2);  // -2.5 -> -2
  CHECK(nearest_half(-7) == -4);  // -3.5 -> -4
  CHECK(nearest_half(-1) == 0);   // -0.5 -> 0
  CHECK(nearest_half(-3) == -2);  // -1.5 -> -2
  // Off the tie, with 4 fraction bits: 37/16 = 2.3125 -> 2, 39/16 = 2.4375 -> 2, 41/16 = 2.5625 -> 3
  CHECK(round_shift(37, 4, Rounding::nearest, 0) == 2);
  CHECK(round_shift(39, 4, Rounding::nearest, 0) == 2);
  CHECK(round_shift(41, 4, Rounding::nearest, 0) == 3);
  CHECK(round_shift(-37, 4, Rounding::nearest, 0) == -2);
  CHECK(round_shift(-39, 4, Rounding::nearest, 0) == -2);
  CHECK(round_shift(-41, 4, Rounding::nearest, 0) == -3);
  // A tie with many fraction bits: (3 * 2^16 + 2^15) / 2^16 = 3.5 -> 4; 2.5 * 2^16 -> 2
  CHECK(round_shift(3 * 65536 + 32768, 16, Rounding::nearest, 0) == 4);
  CHECK(round_shift(2 * 65536 + 32768, 16, Rounding::nearest, 0) == 2);
  CHECK(round_shift(-(3 * 65536 + 32768), 16, Rounding::nearest, 0) == -4);
  CHECK(round_shift(-(2 * 65536 + 32768), 16, Rounding::nearest, 0) == -2);
  // One LSB either side of the tie decides it regardless of parity.
  CHECK(round_shift(2 * 65536 + 32769, 16, Rounding::nearest, 0) == 3);
  CHECK(round_shift(3 * 65536 + 32767, 16, Rounding::nearest, 0) == 3);
  CHECK(round_shift(-(2 * 65536 + 32769), 16, Rounding::nearest, 0) == -3);
  CHECK(round_shift(-(3 * 65536 + 32767), 16, Rounding::nearest, 0) == -3);
}

TEST_CASE("round_shift truncate rounds toward minus infinity") {
  CHECK(round_shift(5, 1, Rounding::truncate, 0) == 2);     // 2.5 -> 2
  CHECK(round_shift(7, 1, Rounding::truncate, 0) == 3);     // 3.5 -> 3
  CHECK(round_shift(-5, 1, Rounding::truncate, 0) == -3);   // -2.5 -> -3
  CHECK(round_shift(-7, 1, Rounding::truncate, 0) == -4);   // -3.5 -> -4
  CHECK(round_shift(47, 4, Rounding::truncate, 0) == 2);    // 2.9375 -> 2
  CHECK(round_shift(-33, 4, Rounding::truncate, 0) == -3);  // -2.0625 -> -3
  CHECK(round_shift(-32, 4, Rounding::truncate, 0) == -2);  // exact
  CHECK(round_shift(-1, 16, Rounding::truncate, 0) == -1);  // -2^-16 -> -1
  CHECK(round_shift(1, 16, Rounding::truncate, 0) == 0);
}

TEST_CASE("round_shift stochastic: floor or floor + 1 decided by the low random bits") {
  // 37/16 = 2 + 5/16: rounds up exactly when (bits & 15) < 5.
  for (uint64_t low = 0; low < 16; ++low) {
    const uint64_t bits = (uint64_t{0xABCDE} << 4) | low;  // high bits must not matter
    CHECK(round_shift(37, 4, Rounding::stochastic, bits) == (low < 5 ? 3 : 2));
    // -37/16 = -3 + 11/16: rounds up to -2 exactly when (bits & 15) < 11.
    CHECK(round_shift(-37, 4, Rounding::stochastic, bits) == (low < 11 ? -2 : -3));
  }
  // Exact values never move, whatever the draw.
  CHECK(round_shift(48, 4, Rounding::stochastic, 0) == 3);
  CHECK(round_shift(-48, 4, Rounding::stochastic, 0) == -3);
  CHECK(round_shift(48, 4, Rounding::stochastic, kAllOnes) == 3);
}

TEST_CASE("round_shift with shift 0 and negative shifts is exact") {
  for (Rounding r : {Rounding::nearest, Rounding::truncate, Rounding::stochastic}) {
    CHECK(round_shift(12345, 0, r, kAllOnes) == 12345);
    CHECK(round_shift(-12345, 0, r, 0) == -12345);
    CHECK(round_shift(-7, 0, r, 0) == -7);
    CHECK(round_shift(3, -4, r, 0) == 48);
    CHECK(round_shift(-3, -4, r, kAllOnes) == -48);
    CHECK(round_shift(-(int64_t{1} << 30), -31, r, 0) == -(int64_t{1} << 61));
    CHECK(round_shift(0, -80, r, 0) == 0);
  }
}

TEST_CASE("round_shift left shifts that would overflow int64 clamp far outside every format") {
  // The result must stay beyond any 32-bit format (so saturate() clamps and counts it), with the
  // right sign, and never wrap (signed overflow would be undefined behaviour).
  const int64_t far = int64_t{1} << 40;
  for (Rounding r : {Rounding::nearest, Rounding::truncate, Rounding::stochastic}) {
    CHECK(round_shift(int64_t{1} << 31, -40, r, 0) >= far);
    CHECK(round_shift(-(int64_t{1} << 31), -40, r, 0) <= -far);
    CHECK(round_shift(1, -63, r, 0) >= far);
    CHECK(round_shift(-1, -63, r, 0) <= -far);
    CHECK(round_shift(1, -200, r, 0) >= far);
    CHECK(round_shift(-5, -200, r, 0) <= -far);
    CHECK(round_shift(int64_t{1} << 61, -1, r, 0) == int64_t{1} << 62);  // still exact
  }
}

TEST_CASE("round_shift with big right shifts") {
  const int64_t big = (int64_t{1} << 61) + 12345;
  // Shift 62: big / 2^62 = 0.5 + tiny -> nearest 1, truncate 0; negative: -0.5 - tiny -> -1 / -1.
  CHECK(round_shift(big, 62, Rounding::nearest, 0) == 1);
  CHECK(round_shift(big, 62, Rounding::truncate, 0) == 0);
  CHECK(round_shift(-big, 62, Rounding::nearest, 0) == -1);
  CHECK(round_shift(-big, 62, Rounding::truncate, 0) == -1);
  // Exactly one half at shift 62 and 63: ties to even (0).
  CHECK(round_shift(int64_t{1} << 61, 62, Rounding::nearest, 0) == 0);
  CHECK(round_shift(-(int64_t{1} << 61), 62, Rounding::nearest, 0) == 0);
  CHECK(round_shift(int64_t{1} << 62, 63, Rounding::nearest, 0) == 0);
  CHECK(round_shift(-(int64_t{1} << 62), 63, Rounding::nearest, 0) == 0);
  // Beyond: everything is fraction below one half.
  for (int shift : {63, 64, 70, 100, 1000}) {
    INFO("shift " << shift);
    CHECK(round_shift(big, shift, Rounding::nearest, 0) == 0);
    CHECK(round_shift(-big, shift, Rounding::nearest, 0) == 0);
    CHECK(round_shift(big, shift, Rounding::truncate, 0) == 0);
    CHECK(round_shift(-big, shift, Rounding::truncate, 0) == -1);
    CHECK(round_shift(1, shift, Rounding::truncate, 0) == 0);
    CHECK(round_shift(-1, shift, Rounding::truncate, 0) == -1);
    CHECK(round_shift(0, shift, Rounding::stochastic, 0) == 0);
    CHECK(round_shift(0, shift, Rounding::stochastic, kAllOnes) == 0);
    // A draw of all ones is the largest uniform value: never rounds a positive fraction up, and
    // always rounds a negative one up (to 0) as long as the fraction is far from 0.
    CHECK(round_shift(big, shift, Rounding::stochastic, kAllOnes) == 0);
  }
  // Shift 63: big / 2^63 = 0.25 + tiny. Up iff (bits mod 2^63) < big.
  CHECK(round_shift(big, 63, Rounding::stochastic, 0) == 1);
  CHECK(round_shift(big, 63, Rounding::stochastic, uint64_t(big)) == 0);
  CHECK(round_shift(big, 63, Rounding::stochastic, uint64_t(big) - 1) == 1);
}

TEST_CASE("round_shift stochastic beyond 63 bits keeps the probability equal to the fraction") {
  // x / 2^shift with shift >= 64 is below 2^-2: rounding up must happen with that (tiny)
  // probability, not with probability x / 2^63. With x = 2^61 and shift 70 the fraction is
  // 2^-9, so of the 512 draws k * 2^55 exactly one (k = 0) rounds up.
  const int64_t x = int64_t{1} << 61;
  int ups = 0, downs_neg = 0;
  for (uint64_t k = 0; k < 512; ++k) {
    const uint64_t bits = k << 55;
    ups += round_shift(x, 70, Rounding::stochastic, bits) == 1 ? 1 : 0;
    // -2^61 / 2^70 = -2^-9 = -1 + (1 - 2^-9): stays at -1 with probability 2^-9.
    downs_neg += round_shift(-x, 70, Rounding::stochastic, bits) == -1 ? 1 : 0;
  }
  CHECK(ups == 1);
  CHECK(downs_neg == 1);
  // Shift 64: 2^61 / 2^64 = 1/8, so draws below 2^61 round up.
  CHECK(round_shift(x, 64, Rounding::stochastic, (uint64_t{1} << 61) - 1) == 1);
  CHECK(round_shift(x, 64, Rounding::stochastic, uint64_t{1} << 61) == 0);
  CHECK(round_shift(x, 200, Rounding::stochastic, 0) == 0);  // fraction 2^-139, below any draw
}

TEST_CASE("quantize_real gives exact raw values per rounding mode") {
  const Format s16_8{16, 8, true};
  uint64_t sat = 0;
  auto q = [&](double v, Rounding r, uint64_t bits = 0) { return quantize_real(v, s16_8, r, bits, sat); };
  // 1.5 = 384/256 exactly
  CHECK(q(1.5, Rounding::nearest) == 384);
  CHECK(q(-1.5, Rounding::truncate) == -384);
  // 0.1 * 256 = 25.6
  CHECK(q(0.1, Rounding::nearest) == 26);
  CHECK(q(0.1, Rounding::truncate) == 25);
  CHECK(q(-0.1, Rounding::nearest) == -26);
  CHECK(q(-0.1, Rounding::truncate) == -26);
  // Ties: 2.5 LSB -> 2, 3.5 LSB -> 4, -2.5 LSB -> -2, -3.5 LSB -> -4 (truncate: 2, 3, -3, -4)
  CHECK(q(2.5 / 256, Rounding::nearest) == 2);
  CHECK(q(3.5 / 256, Rounding::nearest) == 4);
  CHECK(q(-2.5 / 256, Rounding::nearest) == -2);
  CHECK(q(-3.5 / 256, Rounding::nearest) == -4);
  CHECK(q(2.5 / 256, Rounding::truncate) == 2);
  CHECK(q(3.5 / 256, Rounding::truncate) == 3);
  CHECK(q(-2.5 / 256, Rounding::truncate) == -3);
  CHECK(q(-3.5 / 256, Rounding::truncate) == -4);
  // Just off a tie by far less than 2^-20 LSB: the sticky bit must still break it.
  CHECK(q((2.5 + 0x1.0p-30) / 256, Rounding::nearest) == 3);
  CHECK(q((3.5 - 0x1.0p-30) / 256, Rounding::nearest) == 3);
  CHECK(q((-2.5 - 0x1.0p-30) / 256, Rounding::nearest) == -3);
  CHECK(q((-3.5 + 0x1.0p-30) / 256, Rounding::nearest) == -3);
  // Stochastic: 2.25 LSB rounds up iff the low 20 draw bits are below 0.25 * 2^20 = 2^18.
  CHECK(q(2.25 / 256, Rounding::stochastic, 0) == 3);
  CHECK(q(2.25 / 256, Rounding::stochastic, (uint64_t{1} << 18) - 1) == 3);
  CHECK(q(2.25 / 256, Rounding::stochastic, uint64_t{1} << 18) == 2);
  CHECK(q(2.25 / 256, Rounding::stochastic, kAllOnes) == 2);
  // -2.25 LSB = -3 + 0.75: up (to -2) iff low bits < 0.75 * 2^20.
  CHECK(q(-2.25 / 256, Rounding::stochastic, (uint64_t{3} << 18) - 1) == -2);
  CHECK(q(-2.25 / 256, Rounding::stochastic, uint64_t{3} << 18) == -3);
  CHECK(q(2.0 / 256, Rounding::stochastic, 0) == 2);  // exact values never move
  CHECK(q(0.0, Rounding::nearest) == 0);
  CHECK(q(-0.0, Rounding::nearest) == 0);
  CHECK(sat == 0);
  // Other formats: u24.24 decay 0.95 -> 0.95 * 2^24 = 15938355.2 -> 15938355
  CHECK(quantize_real(0.95, Format{24, 24, false}, Rounding::nearest, 0, sat) == 15938355);
  // s24.16: 0.6 * 65536 = 39321.6 -> 39322
  CHECK(quantize_real(0.6, Format{24, 16, true}, Rounding::nearest, 0, sat) == 39322);
  CHECK(quantize_real(-0.6, Format{24, 16, true}, Rounding::nearest, 0, sat) == -39322);
  // frac 0: an integer format
  CHECK(quantize_real(-7.5, Format{8, 0, true}, Rounding::nearest, 0, sat) == -8);
  CHECK(sat == 0);
}

TEST_CASE("quantize_real saturates at both ends and counts each clamp once") {
  const Format s8_4{8, 4, true};    // raw -128..127, real -8 .. 7.9375
  const Format u8_4{8, 4, false};   // raw 0..255, real 0 .. 15.9375
  for (Rounding r : {Rounding::nearest, Rounding::truncate, Rounding::stochastic}) {
    INFO(nchip::arith::to_string(r));
    uint64_t sat = 0;
    CHECK(quantize_real(7.9375, s8_4, r, 0, sat) == 127);
    CHECK(quantize_real(-8.0, s8_4, r, 0, sat) == -128);
    CHECK(quantize_real(15.9375, u8_4, r, 0, sat) == 255);
    CHECK(quantize_real(0.0, u8_4, r, 0, sat) == 0);
    CHECK(sat == 0);
    CHECK(quantize_real(8.0, s8_4, r, 0, sat) == 127);
    CHECK(sat == 1);
    CHECK(quantize_real(-8.0625, s8_4, r, 0, sat) == -128);
    CHECK(sat == 2);
    CHECK(quantize_real(1e300, s8_4, r, 0, sat) == 127);
    CHECK(sat == 3);
    CHECK(quantize_real(-1e300, s8_4, r, 0, sat) == -128);
    CHECK(sat == 4);
    CHECK(quantize_real(std::numeric_limits<double>::infinity(), s8_4, r, 0, sat) == 127);
    CHECK(sat == 5);
    CHECK(quantize_real(-std::numeric_limits<double>::infinity(), s8_4, r, 0, sat) == -128);
    CHECK(sat == 6);
    CHECK(quantize_real(16.0, u8_4, r, 0, sat) == 255);
    CHECK(sat == 7);
    CHECK(quantize_real(-1.0, u8_4, r, 0, sat) == 0);
    CHECK(sat == 8);
    CHECK(quantize_real(-1e300, u8_4, r, 0, sat) == 0);
    CHECK(sat == 9);
  }
  // Rounding decides whether the edge is crossed: 127.4 LSB rounds to 127 (no clamp) with nearest,
  // 127.6 LSB rounds to 128 and clamps; unsigned -0.4 LSB rounds to 0, -0.6 LSB to -1 and clamps.
  uint64_t sat = 0;
  CHECK(quantize_real(127.4 / 16, s8_4, Rounding::nearest, 0, sat) == 127);
  CHECK(sat == 0);
  CHECK(quantize_real(127.6 / 16, s8_4, Rounding::nearest, 0, sat) == 127);
  CHECK(sat == 1);
  CHECK(quantize_real(-0.4 / 16, u8_4, Rounding::nearest, 0, sat) == 0);
  CHECK(sat == 1);
  CHECK(quantize_real(-0.6 / 16, u8_4, Rounding::nearest, 0, sat) == 0);
  CHECK(sat == 2);
  CHECK(quantize_real(-0.6 / 16, u8_4, Rounding::truncate, 0, sat) == 0);
  CHECK(sat == 3);
  // 32-bit signed: the extremes of int32 are reachable and clamp there.
  const Format s32_0{32, 0, true};
  CHECK(quantize_real(2147483647.0, s32_0, Rounding::nearest, 0, sat) == 2147483647);
  CHECK(quantize_real(-2147483648.0, s32_0, Rounding::nearest, 0, sat) == -2147483648LL);
  CHECK(sat == 3);
  CHECK(quantize_real(2147483648.0, s32_0, Rounding::nearest, 0, sat) == 2147483647);
  CHECK(quantize_real(-2147483649.0, s32_0, Rounding::nearest, 0, sat) == -2147483648LL);
  CHECK(sat == 5);
}

TEST_CASE("quantize_real maps NaN to 0 and counts it") {
  uint64_t sat = 0;
  for (Rounding r : {Rounding::nearest, Rounding::truncate, Rounding::stochastic}) {
    CHECK(quantize_real(std::nan(""), Format{16, 8, true}, r, 0, sat) == 0);
    CHECK(quantize_real(-std::nan(""), Format{16, 8, false}, r, kAllOnes, sat) == 0);
  }
  CHECK(sat == 6);
}

TEST_CASE("saturate clamps to the format and counts only clamps") {
  uint64_t sat = 0;
  const Format s8{8, 0, true};
  const Format u8{8, 3, false};
  CHECK(saturate(127, s8, sat) == 127);
  CHECK(saturate(-128, s8, sat) == -128);
  CHECK(saturate(0, u8, sat) == 0);
  CHECK(saturate(255, u8, sat) == 255);
  CHECK(sat == 0);
  CHECK(saturate(128, s8, sat) == 127);
  CHECK(sat == 1);
  CHECK(saturate(-129, s8, sat) == -128);
  CHECK(sat == 2);
  CHECK(saturate(256, u8, sat) == 255);
  CHECK(sat == 3);
  CHECK(saturate(-1, u8, sat) == 0);
  CHECK(sat == 4);
  CHECK(saturate(std::numeric_limits<int64_t>::max(), s8, sat) == 127);
  CHECK(saturate(std::numeric_limits<int64_t>::min(), s8, sat) == -128);
  CHECK(sat == 6);
}

TEST_CASE("Format ranges and description and validity") {
  const Format s16_8{16, 8, true};
  CHECK(s16_8.max_raw() == 32767);
  CHECK(s16_8.min_raw() == -32768);
  CHECK(s16_8.lsb() == 1.0 / 256);
  CHECK(s16_8.max_real() == 32767.0 / 256);
  CHECK(s16_8.min_real() == -128.0);
  CHECK(s16_8.describe() == "s16.8");
  const Format u24_24{24, 24, false};
  CHECK(u24_24.max_raw() == (1 << 24) - 1);
  CHECK(u24_24.min_raw() == 0);
  CHECK(u24_24.describe() == "u24.24");
  CHECK(s16_8.problem().empty());
  CHECK(Format{2, 0, true}.problem().empty());
  CHECK(Format{32, 40, true}.problem().empty());
  CHECK(Format{31, 0, false}.problem().empty());
  CHECK_THAT((Format{1, 0, true}.problem()), Catch::Contains("width"));
  CHECK_THAT((Format{33, 0, true}.problem()), Catch::Contains("width"));
  CHECK_THAT((Format{16, -1, true}.problem()), Catch::Contains("frac"));
  CHECK_THAT((Format{16, 41, true}.problem()), Catch::Contains("frac"));
  // Raw values travel in int32 (Fx<Q>::raw): an unsigned 32-bit format's top half can't be held.
  CHECK_THAT((Format{32, 0, false}.problem()), Catch::Contains("width"));
}

TEST_CASE("Rounding names round-trip") {
  for (Rounding r : {Rounding::nearest, Rounding::truncate, Rounding::stochastic}) {
    Rounding back = r == Rounding::nearest ? Rounding::truncate : Rounding::nearest;
    REQUIRE(nchip::arith::rounding_from_string(nchip::arith::to_string(r), back));
    CHECK(back == r);
  }
  Rounding untouched = Rounding::truncate;
  CHECK_FALSE(nchip::arith::rounding_from_string("Nearest", untouched));
  CHECK_FALSE(nchip::arith::rounding_from_string("", untouched));
  CHECK(untouched == Rounding::truncate);
}
