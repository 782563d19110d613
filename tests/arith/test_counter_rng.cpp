// Counter-based random numbers and stochastic rounding (hw_model/arith/counter_rng.hpp,
// fixed_point.hpp, ops.hpp): statistics, reproducibility and independence from visit order.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <bitset>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "hw_model/arith/counter_rng.hpp"
#include "hw_model/arith/fixed_point.hpp"
#include "hw_model/arith/ops.hpp"

using nchip::arith::counter_random;
using nchip::arith::counter_uniform;
using nchip::arith::DrawKey;
using nchip::arith::round_shift;
using nchip::arith::Rounding;

namespace {
int popcount(uint64_t x) { return static_cast<int>(std::bitset<64>(x).count()); }
}  // namespace

TEST_CASE("splitmix64_mix matches the published SplitMix64 sequence") {
  // SplitMix64 with state 0 (Vigna's reference splitmix64.c): the generator adds the golden gamma
  // and then applies the finaliser, which is what splitmix64_mix(state) does. First outputs:
  CHECK(nchip::arith::splitmix64_mix(0) == 0xE220A8397B1DCDAFULL);
  CHECK(nchip::arith::splitmix64_mix(0x9E3779B97F4A7C15ULL) == 0x6E789E6AA1B965F4ULL);
  // It is a constant expression, so tables and RTL vectors can be built at compile time.
  static_assert(nchip::arith::splitmix64_mix(0) == 0xE220A8397B1DCDAFULL, "constexpr mixer");
}

TEST_CASE("counter_uniform is uniform in 0..1: mean and quartiles over 1e6 draws") {
  // Standard error of the mean of U(0,1) over 1e6 draws is sqrt(1/12)/1000 = 2.9e-4, so 1e-3 is
  // 3.5 sigma; each quartile count has sd sqrt(1e6 * 3/16) = 433, 3000 is ~7 sigma.
  constexpr int kDraws = 1000000;
  double sum = 0;
  std::array<int, 4> quartile{};
  double lo = 1, hi = 0;
  for (int i = 0; i < kDraws; ++i) {
    const DrawKey key{12345, 7, static_cast<uint32_t>(i), 3};
    const double u = counter_uniform(key);
    REQUIRE(u >= 0.0);
    REQUIRE(u < 1.0);
    sum += u;
    lo = std::min(lo, u);
    hi = std::max(hi, u);
    ++quartile[static_cast<size_t>(u * 4)];
  }
  CHECK(std::abs(sum / kDraws - 0.5) < 1e-3);
  for (int count : quartile) CHECK(std::abs(count - kDraws / 4) < 3000);
  CHECK(lo < 1e-5);
  CHECK(hi > 1 - 1e-5);
  // Varying the step instead of the index.
  sum = 0;
  for (int t = 0; t < kDraws; ++t) sum += counter_uniform(DrawKey{99, 1, 4, static_cast<uint64_t>(t)});
  CHECK(std::abs(sum / kDraws - 0.5) < 1e-3);
}

TEST_CASE("counter_random avalanches: one flipped key bit flips about half the output bits") {
  // Over 2000 keys x each bit of a field, the mean number of flipped output bits of an ideal hash
  // is 32 with sd 4 / sqrt(n) < 0.02 here; a weak mix (e.g. a missing finaliser round) lands far off.
  const DrawKey base{0x0123456789ABCDEFULL, 0x1234, 0x5678, 0x9ABCDEF0ULL};
  auto check_field = [&](const char* name, int bits, auto flip) {
    double total = 0;
    int n = 0;
    int min_flips = 64;
    for (uint32_t k = 0; k < 2000; ++k) {
      DrawKey key = base;
      key.index += k * 7919;
      key.step += k;
      for (int b = 0; b < bits; ++b) {
        const DrawKey other = flip(key, b);
        const int flips = popcount(counter_random(key) ^ counter_random(other));
        total += flips;
        min_flips = std::min(min_flips, flips);
        ++n;
      }
    }
    INFO(name);
    CHECK(std::abs(total / n - 32.0) < 0.2);
    CHECK(min_flips >= 8);
  };
  check_field("seed", 64, [](DrawKey k, int b) { k.seed ^= uint64_t{1} << b; return k; });
  check_field("stream", 32, [](DrawKey k, int b) { k.stream ^= uint32_t{1} << b; return k; });
  check_field("index", 32, [](DrawKey k, int b) { k.index ^= uint32_t{1} << b; return k; });
  check_field("step", 64, [](DrawKey k, int b) { k.step ^= uint64_t{1} << b; return k; });
}

TEST_CASE("counter_random: equal keys give equal values and each key field changes the value") {
  const DrawKey base{42, 3, 17, 1000};
  const uint64_t v = counter_random(base);
  CHECK(counter_random(DrawKey{42, 3, 17, 1000}) == v);  // a pure function of the key
  CHECK(counter_random(DrawKey{43, 3, 17, 1000}) != v);
  CHECK(counter_random(DrawKey{42, 4, 17, 1000}) != v);
  CHECK(counter_random(DrawKey{42, 3, 18, 1000}) != v);
  CHECK(counter_random(DrawKey{42, 3, 17, 1001}) != v);
  CHECK(counter_random(base.with_stream(9)) == counter_random(DrawKey{42, 9, 17, 1000}));
  CHECK(counter_random(DrawKey{0, 0, 1, 0}) != counter_random(DrawKey{0, 0, 0, 1}));
  CHECK(counter_random(DrawKey{0, 1, 0, 0}) != counter_random(DrawKey{0, 0, 1, 0}));
  CHECK(counter_random(DrawKey{1, 0, 0, 0}) != counter_random(DrawKey{0, 1, 0, 0}));
  // No collisions over a grid of every field (an ideal 64-bit hash collides with probability
  // ~ 3e-8 here). Seeds stay below 2^32: the first mixing stage takes seed ^ (stream << 32), so a
  // seed's upper half aliases the stream (seed 2^32 + s, stream k draws what seed s, stream k ^ 1
  // draws). The RTL draw unit (rtl/etu_draw.sv) mirrors that structure bit for bit.
  std::vector<uint64_t> seen;
  for (uint64_t seed : {uint64_t{0}, uint64_t{1}, uint64_t{12345}, uint64_t{0xFFFFFFFF}})
    for (uint32_t stream = 0; stream < 16; ++stream)
      for (uint32_t index = 0; index < 64; ++index)
        for (uint64_t step = 0; step < 256; ++step)
          seen.push_back(counter_random(DrawKey{seed, stream, index, step}));
  REQUIRE(seen.size() == 4u * 16 * 64 * 256);
  std::sort(seen.begin(), seen.end());
  CHECK(std::adjacent_find(seen.begin(), seen.end()) == seen.end());
}

namespace {
// Mean of round_shift(x, shift, stochastic) - x / 2^shift over `draws` counter-based draws whose
// index varies, in LSBs of the result.
double stochastic_mean_error(int64_t x, int shift, int draws, uint64_t seed) {
  double sum = 0;
  for (int i = 0; i < draws; ++i) {
    const uint64_t bits = counter_random(DrawKey{seed, 11, static_cast<uint32_t>(i), 5});
    sum += static_cast<double>(round_shift(x, shift, Rounding::stochastic, bits));
  }
  return sum / draws - std::ldexp(static_cast<double>(x), -shift);
}
}  // namespace

TEST_CASE("stochastic rounding is unbiased: mean error below 1e-3 LSB over 1e6 draws") {
  // The error of one draw is Bernoulli(f) - f with sd sqrt(f (1 - f)) <= 0.5, so the mean of 1e6
  // draws has sd <= 5e-4 LSB: the bound 1e-3 is 2 sigma at f = 1/2 and wider for the others. The
  // draws are deterministic (fixed seed), so this is a fixed check of the generator, not a flake.
  // Truncation would be off by f, nearest by up to 1/2: both fail this by orders of magnitude.
  constexpr int kDraws = 1000000;
  struct Case {
    int64_t x;
    int shift;
  };
  const Case cases[] = {
      {5 * 65536 + 19661, 16},     // 5.3 LSB (f = 0.30000305)
      {-(2 * 65536 + 49152), 16},  // -2.75 LSB (f = 0.25 above floor -3)
      {7 * 256 + 128, 8},          // 7.5 LSB, a tie for nearest rounding
      {-1, 12},                    // -2^-12 LSB (f = 1 - 2^-12)
      {3, 4},                      // 0.1875 LSB
      {(int64_t{1} << 40) + 1234567891, 32},  // big x, shift 32
  };
  for (const Case& c : cases) {
    const double err = stochastic_mean_error(c.x, c.shift, kDraws, 2024);
    INFO("x = " << c.x << ", shift = " << c.shift << ", mean error = " << err);
    CHECK(std::abs(err) < 1e-3);
  }
  // And through quantize_real: 0.3 LSB of s16.8 above 1.0.
  double sum = 0;
  uint64_t sat = 0;
  const nchip::arith::Format s16_8{16, 8, true};
  for (int i = 0; i < kDraws; ++i) {
    const uint64_t bits = counter_random(DrawKey{77, 1, static_cast<uint32_t>(i), 0});
    sum += static_cast<double>(
        nchip::arith::quantize_real(1.0 + 0.3 / 256, s16_8, Rounding::stochastic, bits, sat));
  }
  CHECK(std::abs(sum / kDraws - 256.3) < 1e-3);
  CHECK(sat == 0);
}

TEST_CASE("stochastic rounding is reproducible and independent of the order values are visited") {
  using namespace nchip::arith;
  QuantConfig config;
  config.rounding = Rounding::stochastic;
  SaturationCounts counts;
  const FixedOps ops(config, counts);
  // A set of products (decay x voltage -> voltage, shift 24) with varied fractions.
  constexpr uint32_t kN = 4096;
  std::vector<Fx<Quantity::voltage>> v(kN);
  const Fx<Quantity::decay> alpha = from_real<Quantity::decay>(ops, std::exp(-1.0 / 20));
  for (uint32_t i = 0; i < kN; ++i)
    v[i].raw = static_cast<int32_t>(counter_random(DrawKey{1, 0, i, 0}) % 2000000) - 1000000;
  auto round_all = [&](const std::vector<uint32_t>& order, uint64_t step) {
    std::vector<int32_t> out(kN, 0);
    for (uint32_t i : order) {
      const DrawKey key{99, 5, i, step};  // keyed by element, never by position in the visit
      out[i] = mul<Quantity::voltage>(ops, alpha, v[i], key).raw;
    }
    return out;
  };
  std::vector<uint32_t> order(kN);
  for (uint32_t i = 0; i < kN; ++i) order[i] = i;
  const std::vector<int32_t> reference = round_all(order, 7);
  CHECK(round_all(order, 7) == reference);  // same keys, same results
  std::mt19937 shuffle_rng(31337);  // only permutes the visit order
  for (int trial = 0; trial < 5; ++trial) {
    std::shuffle(order.begin(), order.end(), shuffle_rng);
    CHECK(round_all(order, 7) == reference);
  }
  std::reverse(order.begin(), order.end());
  CHECK(round_all(order, 7) == reference);
  // The rounding really is stochastic: another step draws differently for some elements, and each
  // result is the floor or the ceiling of the exact product.
  const std::vector<int32_t> other_step = round_all(order, 8);
  CHECK(other_step != reference);
  int differing = 0;
  for (uint32_t i = 0; i < kN; ++i) {
    const int64_t product = int64_t{alpha.raw} * v[i].raw;
    const int64_t floor_q = product >> 24;
    CHECK((reference[i] == floor_q || reference[i] == floor_q + 1));
    differing += reference[i] != other_step[i] ? 1 : 0;
  }
  CHECK(differing > static_cast<int>(kN) / 10);
  CHECK(counts.total() == 0);
}
