// FixedOps / FloatOps primitives (hw_model/arith/ops.hpp): exact results, saturation at both ends,
// and each clamp counted once in the slot of the *result* quantity.
#include <catch2/catch.hpp>

#include <cstdint>
#include <set>
#include <string>

#include "hw_model/arith/ops.hpp"

using namespace nchip::arith;

namespace {
using W = Fx<Quantity::weight>;          // s16.12 by default: raw -32768 .. 32767
using V = Fx<Quantity::voltage>;         // s24.16: raw -2^23 .. 2^23 - 1
using Ad = Fx<Quantity::adaptation>;     // u24.16
using L = Fx<Quantity::learning_signal>; // s16.12

constexpr int32_t kVMax = (1 << 23) - 1;
constexpr int32_t kVMin = -(1 << 23);

// Every slot other than `q` is zero and `q` holds exactly `n`.
void check_only(const SaturationCounts& counts, Quantity q, uint64_t n) {
  for (Quantity other : kAllQuantities) {
    INFO("slot " << to_string(other));
    CHECK(counts[other] == (other == q ? n : 0));
  }
}
}  // namespace

TEST_CASE("default formats are the documented ones") {
  const QuantConfig c;
  CHECK(c[Quantity::weight].describe() == "s16.12");
  CHECK(c[Quantity::voltage].describe() == "s24.16");
  CHECK(c[Quantity::adaptation].describe() == "u24.16");
  CHECK(c[Quantity::decay].describe() == "u24.24");
  CHECK(c[Quantity::gain].describe() == "u24.16");
  CHECK(c[Quantity::pseudo_derivative].describe() == "u16.16");
  CHECK(c[Quantity::update_accumulator].describe() == "s32.16");
  CHECK(c.rounding == Rounding::nearest);
  CHECK(c.update_rounding == Rounding::nearest);
}

TEST_CASE("FixedOps add and sub saturate at both ends and count in their quantity's slot") {
  const QuantConfig config;
  SaturationCounts counts;
  const FixedOps ops(config, counts);
  CHECK(add(ops, V{kVMax - 1}, V{1}).raw == kVMax);
  CHECK(sub(ops, V{kVMin + 1}, V{1}).raw == kVMin);
  CHECK(add(ops, V{-5}, V{3}).raw == -2);
  CHECK(counts.total() == 0);
  CHECK(add(ops, V{kVMax}, V{1}).raw == kVMax);
  check_only(counts, Quantity::voltage, 1);
  CHECK(add(ops, V{kVMin}, V{-1}).raw == kVMin);
  CHECK(sub(ops, V{kVMin}, V{kVMax}).raw == kVMin);
  CHECK(sub(ops, V{kVMax}, V{kVMin}).raw == kVMax);
  check_only(counts, Quantity::voltage, 4);

  counts = {};
  CHECK(add(ops, W{32767}, W{32767}).raw == 32767);
  CHECK(sub(ops, W{-32768}, W{1}).raw == -32768);
  check_only(counts, Quantity::weight, 2);

  counts = {};  // unsigned: below zero clamps to 0
  CHECK(sub(ops, Ad{0}, Ad{1}).raw == 0);
  CHECK(sub(ops, Ad{5}, Ad{3}).raw == 2);
  CHECK(add(ops, Ad{(1 << 24) - 1}, Ad{1}).raw == (1 << 24) - 1);
  check_only(counts, Quantity::adaptation, 2);
}

TEST_CASE("FixedOps mul rounds to the result format and saturates into the result's slot") {
  const QuantConfig config;
  SaturationCounts counts;
  const FixedOps ops(config, counts);
  const DrawKey key{};
  // 1.5 * -0.5 = -0.75 -> -3072 in s16.12
  CHECK(mul<Quantity::weight>(ops, W{6144}, W{-2048}, key).raw == -3072);
  // 3 LSB * 0.5 = 1.5 LSB -> 2 (tie to even); 5 LSB * 0.5 = 2.5 LSB -> 2; -5 LSB * 0.5 -> -2
  CHECK(mul<Quantity::weight>(ops, W{3}, W{2048}, key).raw == 2);
  CHECK(mul<Quantity::weight>(ops, W{5}, W{2048}, key).raw == 2);
  CHECK(mul<Quantity::weight>(ops, W{-5}, W{2048}, key).raw == -2);
  CHECK(counts.total() == 0);
  // 7.99 * 7.99 in s16.12 (range [-8, 8)): clamps high; 7.99 * -7.99 clamps low.
  CHECK(mul<Quantity::weight>(ops, W{32767}, W{32767}, key).raw == 32767);
  CHECK(mul<Quantity::weight>(ops, W{32767}, W{-32768}, key).raw == -32768);
  check_only(counts, Quantity::weight, 2);
  // Mixed quantities: the clamp is counted for the result quantity R, not for A or B.
  counts = {};
  const V big{100 << 16};  // 100.0
  CHECK(mul<Quantity::learning_signal>(ops, big, big, key).raw == 32767);
  CHECK(mul<Quantity::learning_signal>(ops, big, V{-(100 << 16)}, key).raw == -32768);
  CHECK(mul<Quantity::learning_signal>(ops, V{1 << 16}, V{-(1 << 15)}, key).raw == -2048);  // -0.5
  check_only(counts, Quantity::learning_signal, 2);
  // decay x voltage -> voltage: 0.5 * 3 LSB = 1.5 LSB -> 2; truncate config -> 1
  counts = {};
  const Fx<Quantity::decay> half{1 << 23};
  CHECK(mul<Quantity::voltage>(ops, half, V{3}, key).raw == 2);
  CHECK(mul<Quantity::voltage>(ops, half, V{-3}, key).raw == -2);
  QuantConfig trunc_config;
  trunc_config.rounding = Rounding::truncate;
  const FixedOps trunc(trunc_config, counts);
  CHECK(mul<Quantity::voltage>(trunc, half, V{3}, key).raw == 1);
  CHECK(mul<Quantity::voltage>(trunc, half, V{-3}, key).raw == -2);
  CHECK(counts.total() == 0);
}

TEST_CASE("FixedOps convert rounds or shifts exactly and saturates into the target's slot") {
  const QuantConfig config;
  SaturationCounts counts;
  const FixedOps ops(config, counts);
  const DrawKey key{};
  // voltage (16 fraction bits) -> weight (12): shift right by 4 with ties to even.
  CHECK(convert<Quantity::weight>(ops, V{24}, key).raw == 2);   // 1.5 -> 2
  CHECK(convert<Quantity::weight>(ops, V{40}, key).raw == 2);   // 2.5 -> 2
  CHECK(convert<Quantity::weight>(ops, V{-24}, key).raw == -2);
  CHECK(convert<Quantity::weight>(ops, V{-40}, key).raw == -2);
  CHECK(convert<Quantity::weight>(ops, V{-41}, key).raw == -3);  // -2.5625 -> -3
  // weight -> voltage: exact left shift by 4.
  CHECK(convert<Quantity::voltage>(ops, W{-32768}, key).raw == -32768 * 16);
  CHECK(counts.total() == 0);
  // 100.0 doesn't fit s16.12 ([-8, 8)).
  CHECK(convert<Quantity::weight>(ops, V{100 << 16}, key).raw == 32767);
  CHECK(convert<Quantity::weight>(ops, V{-(100 << 16)}, key).raw == -32768);
  check_only(counts, Quantity::weight, 2);
  // signed -> unsigned: a negative voltage clamps to 0 in the adaptation format.
  counts = {};
  CHECK(convert<Quantity::adaptation>(ops, V{-(1 << 16)}, key).raw == 0);
  check_only(counts, Quantity::adaptation, 1);
}

TEST_CASE("FixedOps wide left shifts saturate instead of overflowing int64") {
  // A valid configuration whose conversions shift left by 40: s32.0 weights into s32.40 voltages.
  // 2^30 * 2^40 = 2^70 does not fit int64; it must clamp to the voltage range and be counted.
  QuantConfig config;
  config[Quantity::weight] = Format{32, 0, true};
  config[Quantity::voltage] = Format{32, 40, true};
  REQUIRE(config.problem().empty());
  SaturationCounts counts;
  const FixedOps ops(config, counts);
  const DrawKey key{};
  CHECK(convert<Quantity::voltage>(ops, W{1 << 30}, key).raw == INT32_MAX);
  CHECK(convert<Quantity::voltage>(ops, W{-(1 << 30)}, key).raw == INT32_MIN);
  // Weight sums are in units of 2^-(0 + 8), shifted left by 40 - 8 = 32: 2^40 * 2^32 overflows.
  CHECK(from_weight_sum<Quantity::voltage>(ops, int64_t{1} << 40, key).raw == INT32_MAX);
  CHECK(from_weight_sum<Quantity::voltage>(ops, -(int64_t{1} << 40), key).raw == INT32_MIN);
  check_only(counts, Quantity::voltage, 4);
  // mul: (2^30 * 2^30) << (40 - 0 - 0)
  counts = {};
  CHECK(mul<Quantity::voltage>(ops, W{1 << 30}, W{1 << 30}, key).raw == INT32_MAX);
  CHECK(mul<Quantity::voltage>(ops, W{1 << 30}, W{-(1 << 30)}, key).raw == INT32_MIN);
  check_only(counts, Quantity::voltage, 2);
}

TEST_CASE("FixedOps abs_value max_zero greater one zero real from_real and weight sums") {
  const QuantConfig config;
  SaturationCounts counts;
  const FixedOps ops(config, counts);
  CHECK(abs_value(ops, V{-7}).raw == 7);
  CHECK(abs_value(ops, V{7}).raw == 7);
  CHECK(abs_value(ops, V{kVMin}).raw == kVMax);  // |min| doesn't fit: clamps
  check_only(counts, Quantity::voltage, 1);
  counts = {};
  CHECK(max_zero(ops, V{-7}).raw == 0);
  CHECK(max_zero(ops, V{7}).raw == 7);
  CHECK(greater(ops, V{1}, V{0}));
  CHECK_FALSE(greater(ops, V{0}, V{0}));
  CHECK(one<Quantity::voltage>(ops).raw == 1 << 16);
  CHECK(one<Quantity::weight>(ops).raw == 1 << 12);
  CHECK(one<Quantity::decay>(ops).raw == (1 << 24) - 1);  // 1.0 is just outside u24.24 ...
  check_only(counts, Quantity::decay, 1);                 // ... and that clamp is counted
  counts = {};
  CHECK(zero<Quantity::voltage>(ops).raw == 0);
  CHECK(real(ops, V{-(3 << 15)}) == -1.5);
  CHECK(from_real<Quantity::voltage>(ops, 0.6).raw == 39322);  // 39321.6
  CHECK(from_real<Quantity::decay>(ops, 0.95).raw == 15938355);  // 15938355.2
  CHECK(counts.total() == 0);
  CHECK(from_real<Quantity::weight>(ops, 5.0).raw == 20480);
  CHECK(from_real<Quantity::weight>(ops, 9.0).raw == 32767);
  CHECK(from_real<Quantity::weight>(ops, -9.0).raw == -32768);
  check_only(counts, Quantity::weight, 2);
  counts = {};
  // Weight sums: exact integer accumulation in units of 2^-(frac(weight) - kWeightExponentMin)
  // = 2^-20, a weight with exponent e counting raw * 2^(e + 8); then one rounding shift (by 4 into
  // s24.16, by 8 into s16.12).
  int64_t sum = 0;
  accumulate(ops, sum, W{4096}, 0);   // 1.0
  accumulate(ops, sum, W{-1024}, 1);  // -0.25 * 2 = -0.5
  accumulate(ops, sum, W{3}, -8);     // 3 * 2^-20
  CHECK(sum == 4096 * 256 - 1024 * 512 + 3);
  CHECK(from_weight_sum<Quantity::voltage>(ops, sum, DrawKey{}).raw == 32768);  // 0.5 + 3/16 LSB
  CHECK(from_weight_sum<Quantity::learning_signal>(ops, sum, DrawKey{}).raw == 2048);
  accumulate(ops, sum, W{5}, -8);     // now 0.5 + 8/16 LSB of s24.16: a tie, to even
  CHECK(from_weight_sum<Quantity::voltage>(ops, sum, DrawKey{}).raw == 32768);
  accumulate(ops, sum, W{16}, -8);    // 0.5 + 1.5 LSB: tie, to even (32770)
  CHECK(from_weight_sum<Quantity::voltage>(ops, sum, DrawKey{}).raw == 32770);
  CHECK(counts.total() == 0);
  CHECK(from_weight_sum<Quantity::voltage>(ops, int64_t{1} << 50, DrawKey{}).raw == kVMax);
  CHECK(from_weight_sum<Quantity::voltage>(ops, -(int64_t{1} << 50), DrawKey{}).raw == kVMin);
  check_only(counts, Quantity::voltage, 2);
  counts = {};
  // The largest weight at the largest exponent: 32767 * 2^16 per synapse, still exact.
  int64_t big = 0;
  for (int i = 0; i < 1000; ++i) accumulate(ops, big, W{32767}, kWeightExponentMax);
  CHECK(big == int64_t{1000} * 32767 * 65536);
}

TEST_CASE("FloatOps is exact double arithmetic") {
  const FloatOps f;
  const DrawKey key{};
  CHECK(mul<Quantity::voltage>(f, 0.1, 3.0, key) == 0.1 * 3.0);
  CHECK(convert<Quantity::weight>(f, 123.456, key) == 123.456);
  CHECK(add(f, 1e300, 1e300) == 2e300);  // no saturation in the reference
  CHECK(sub(f, 0.5, 2.0) == -1.5);
  CHECK(abs_value(f, -2.0) == 2.0);
  CHECK(max_zero(f, -2.0) == 0.0);
  CHECK(max_zero(f, 2.0) == 2.0);
  CHECK(greater(f, 1.0, 0.5));
  CHECK_FALSE(greater(f, 1.0, 1.0));
  CHECK(one<Quantity::decay>(f) == 1.0);
  CHECK(zero<Quantity::decay>(f) == 0.0);
  CHECK(from_real<Quantity::decay>(f, 0.95) == 0.95);
  double sum = 0;
  accumulate(f, sum, 0.25, 3);  // a float weight is its real value: the exponent is ignored
  accumulate(f, sum, -1.0, -2);
  CHECK(from_weight_sum<Quantity::voltage>(f, sum, key) == -0.75);
}

TEST_CASE("SaturationCounts and quantity names") {
  SaturationCounts a, b;
  a.add(Quantity::trace);
  a.add(Quantity::weight, 5);
  b.add(Quantity::weight, 2);
  CHECK(a[Quantity::trace] == 1);
  CHECK(a.total() == 6);
  a += b;
  CHECK(a[Quantity::weight] == 7);
  CHECK(a.total() == 8);
  CHECK_FALSE(a == b);
  std::set<std::string> names;
  for (Quantity q : kAllQuantities) {
    const std::string name = to_string(q);
    CHECK(name != "?");
    names.insert(name);
    CHECK(index_of(q) < kQuantityCount);
  }
  CHECK(names.size() == kQuantityCount);
}
