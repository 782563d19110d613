// The two number systems every per-timestep update is written against, once:
//   FloatOps - double precision, no rounding, no saturation: the float reference;
//   FixedOps - raw integers in the QuantConfig's formats, rounded and saturated like the chip.
// Update rules (neuron.hpp, eligibility.hpp) are templates over the ops type and call the free
// functions below, so the two models share one written form of each equation.
#pragma once

#include <cstdint>
#include <cstdlib>

#include "hw_model/arith/counter_rng.hpp"
#include "hw_model/arith/fixed_point.hpp"
#include "hw_model/arith/quant_config.hpp"

namespace nchip::arith {

// A raw fixed-point value tagged with its quantity, so a voltage can't be added to a weight.
// Per-projection weight exponents: the compiler scales each projection by 2^e (e in
// [kWeightExponentMin, kWeightExponentMax]) so its weights use the weight format's range.
inline constexpr int kWeightExponentMin = -8;
inline constexpr int kWeightExponentMax = 8;

template <Quantity Q>
struct Fx {
  int32_t raw = 0;
  bool operator==(Fx other) const { return raw == other.raw; }
  bool operator!=(Fx other) const { return raw != other.raw; }
};

struct FloatOps {
  template <Quantity Q>
  using Num = double;
  using WeightSum = double;  // synaptic input accumulated over a step
};

// Holds the formats and counts saturations. The config must outlive the FixedOps and not change
// while it is in use: what every operation reads from it (fraction bits, raw range, rounding) is
// taken once here, so an operation does no format lookups through `q` and no range arithmetic
// (the fixed-point training spends most of its time in these operations).
struct FixedOps {
  template <Quantity Q>
  using Num = Fx<Q>;
  using WeightSum = int64_t;  // exact sum of raw weights (fan-in * 2^16 << 2^63)

  // A quantity's format as the operations use it.
  struct Range {
    int64_t lo = 0, hi = 0;  // min_raw(), max_raw()
    int frac = 0;
  };

  FixedOps(const QuantConfig& config, SaturationCounts& counts)
      : q(&config), sat(&counts), rounding(config.rounding) {
    for (Quantity quantity : kAllQuantities) {
      const Format& f = config[quantity];
      Range& r = range_[index_of(quantity)];
      r.frac = f.frac;
      // A width outside 1..62 would make min_raw()/max_raw() undefined shifts; such a config is
      // rejected by QuantConfig::problem, but may still be held (unused) by a FixedOps.
      if (f.width >= 1 && f.width <= 62) {
        r.lo = f.min_raw();
        r.hi = f.max_raw();
      }
    }
  }
  const QuantConfig* q;
  SaturationCounts* sat;
  Rounding rounding;  // q->rounding

  template <Quantity Q>
  const Range& range() const { return range_[index_of(Q)]; }

  template <Quantity Q>
  NCHIP_ALWAYS_INLINE Fx<Q> clamp(int64_t raw) const {
    const Range& r = range<Q>();
    return Fx<Q>{static_cast<int32_t>(saturate(raw, r.lo, r.hi, sat->count[index_of(Q)]))};
  }

 private:
  std::array<Range, kQuantityCount> range_{};
};

template <class Ops, Quantity Q>
using Num = typename Ops::template Num<Q>;

// ---- float reference --------------------------------------------------------------------------
template <Quantity R>
inline double mul(const FloatOps&, double a, double b, const DrawKey&) { return a * b; }
template <Quantity R>
inline double convert(const FloatOps&, double a, const DrawKey&) { return a; }
inline double add(const FloatOps&, double a, double b) { return a + b; }
inline double sub(const FloatOps&, double a, double b) { return a - b; }
inline double abs_value(const FloatOps&, double a) { return a < 0 ? -a : a; }
inline double max_zero(const FloatOps&, double a) { return a > 0 ? a : 0.0; }
inline bool greater(const FloatOps&, double a, double b) { return a > b; }
template <Quantity Q>
inline double one(const FloatOps&) { return 1.0; }
template <Quantity Q>
inline double zero(const FloatOps&) { return 0.0; }
inline double real(const FloatOps&, double a) { return a; }
template <Quantity Q>
inline double from_real(const FloatOps&, double value) { return value; }
// `exponent` is the synapse's weight exponent (see kWeightExponentMin); a float weight is already
// its real value, so the float reference ignores it.
inline void accumulate(const FloatOps&, double& sum, double w, int /*exponent*/) { sum += w; }
template <Quantity R>
inline double from_weight_sum(const FloatOps&, double sum, const DrawKey&) { return sum; }

// ---- fixed point ------------------------------------------------------------------------------
// The product a * b has frac(A) + frac(B) fraction bits; it is shifted to R's fraction with the
// config's rounding (stochastic rounding draws from `key`) and saturated to R's range.
// Forced inline (also add, sub): see NCHIP_ALWAYS_INLINE. Written once in detail:: with the mode
// as an argument, for FixedOps (the config's mode) and FixedOpsWith (a compile-time mode).
namespace detail {
template <Quantity R, Quantity A, Quantity B>
NCHIP_ALWAYS_INLINE Fx<R> mul(const FixedOps& ops, Rounding mode, Fx<A> a, Fx<B> b,
                              const DrawKey& key) {
  const int shift = ops.range<A>().frac + ops.range<B>().frac - ops.range<R>().frac;
  const int64_t product = int64_t{a.raw} * int64_t{b.raw};
  const uint64_t bits = mode == Rounding::stochastic ? counter_random(key) : 0;
  return ops.clamp<R>(round_shift(product, shift, mode, bits));
}
template <Quantity R, Quantity A>
NCHIP_ALWAYS_INLINE Fx<R> convert(const FixedOps& ops, Rounding mode, Fx<A> a, const DrawKey& key) {
  const int shift = ops.range<A>().frac - ops.range<R>().frac;
  const uint64_t bits = mode == Rounding::stochastic ? counter_random(key) : 0;
  return ops.clamp<R>(round_shift(a.raw, shift, mode, bits));
}
}  // namespace detail

template <Quantity R, Quantity A, Quantity B>
NCHIP_ALWAYS_INLINE Fx<R> mul(const FixedOps& ops, Fx<A> a, Fx<B> b, const DrawKey& key) {
  return detail::mul<R>(ops, ops.rounding, a, b, key);
}
template <Quantity R, Quantity A>
NCHIP_ALWAYS_INLINE Fx<R> convert(const FixedOps& ops, Fx<A> a, const DrawKey& key) {
  return detail::convert<R>(ops, ops.rounding, a, key);
}
template <Quantity Q>
NCHIP_ALWAYS_INLINE Fx<Q> add(const FixedOps& ops, Fx<Q> a, Fx<Q> b) {
  return ops.clamp<Q>(int64_t{a.raw} + b.raw);
}
template <Quantity Q>
NCHIP_ALWAYS_INLINE Fx<Q> sub(const FixedOps& ops, Fx<Q> a, Fx<Q> b) {
  return ops.clamp<Q>(int64_t{a.raw} - b.raw);
}

// FixedOps whose rounding mode (equal to the config's) is a compile-time constant, so the rounding
// switch and the test for stochastic draws fold away instead of running in every operation. Only
// the operations the eligibility-trace unit uses; etu_update picks the mode once per update.
template <Rounding M>
struct FixedOpsWith {
  template <Quantity Q>
  using Num = Fx<Q>;
  const FixedOps& ops;
};
template <Quantity R, Quantity A, Quantity B, Rounding M>
NCHIP_ALWAYS_INLINE Fx<R> mul(const FixedOpsWith<M>& with, Fx<A> a, Fx<B> b, const DrawKey& key) {
  return detail::mul<R>(with.ops, M, a, b, key);
}
template <Quantity R, Quantity A, Rounding M>
NCHIP_ALWAYS_INLINE Fx<R> convert(const FixedOpsWith<M>& with, Fx<A> a, const DrawKey& key) {
  return detail::convert<R>(with.ops, M, a, key);
}
template <Quantity Q, Rounding M>
NCHIP_ALWAYS_INLINE Fx<Q> add(const FixedOpsWith<M>& with, Fx<Q> a, Fx<Q> b) {
  return add(with.ops, a, b);
}
template <Quantity Q, Rounding M>
NCHIP_ALWAYS_INLINE Fx<Q> sub(const FixedOpsWith<M>& with, Fx<Q> a, Fx<Q> b) {
  return sub(with.ops, a, b);
}

template <Quantity Q>
inline Fx<Q> abs_value(const FixedOps& ops, Fx<Q> a) {
  return ops.clamp<Q>(std::llabs(int64_t{a.raw}));
}
template <Quantity Q>
inline Fx<Q> max_zero(const FixedOps&, Fx<Q> a) { return Fx<Q>{a.raw > 0 ? a.raw : 0}; }
template <Quantity Q>
inline bool greater(const FixedOps&, Fx<Q> a, Fx<Q> b) { return a.raw > b.raw; }
template <Quantity Q>
inline Fx<Q> one(const FixedOps& ops) { return ops.clamp<Q>(int64_t{1} << (*ops.q)[Q].frac); }
template <Quantity Q>
inline Fx<Q> zero(const FixedOps&) { return Fx<Q>{0}; }
template <Quantity Q>
inline double real(const FixedOps& ops, Fx<Q> a) { return to_real(a.raw, (*ops.q)[Q]); }
// Used by the compiler when it quantizes constants and weights, never by a model at run time.
template <Quantity Q>
inline Fx<Q> from_real(const FixedOps& ops, double value) {
  const int64_t raw = quantize_real(value, (*ops.q)[Q], Rounding::nearest, 0,
                                    ops.sat->count[index_of(Q)]);
  return Fx<Q>{static_cast<int32_t>(raw)};
}
// Synaptic input is summed exactly (integer adds, so the order of delivery cannot matter) in units
// of 2^-(frac(weight) - kWeightExponentMin); a weight with exponent e is worth raw * 2^(e - frac).
inline void accumulate(const FixedOps&, int64_t& sum, Fx<Quantity::weight> w, int exponent) {
  sum += int64_t{w.raw} * (int64_t{1} << (exponent - kWeightExponentMin));
}
template <Quantity R>
inline Fx<R> from_weight_sum(const FixedOps& ops, int64_t sum, const DrawKey& key) {
  const int shift = ops.range<Quantity::weight>().frac - kWeightExponentMin - ops.range<R>().frac;
  const uint64_t bits = ops.rounding == Rounding::stochastic ? counter_random(key) : 0;
  return ops.clamp<R>(round_shift(sum, shift, ops.rounding, bits));
}

}  // namespace nchip::arith
