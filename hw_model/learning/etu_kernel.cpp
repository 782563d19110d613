// The vectorized eligibility-trace unit (see etu_kernel.hpp). Highway compiles the code between
// HWY_BEFORE_NAMESPACE and HWY_AFTER_NAMESPACE once per instruction set (this file re-includes
// itself through foreach_target.h); the dispatch at the end picks the best one the CPU runs.
//
// Fixed point runs in 64-bit lanes: every raw value is at most 32 bits wide, so a product of two
// (at most 2^62 in magnitude) and every rounding and saturating step is exact in int64, exactly as
// in arith::round_shift / arith::saturate. Each operation of arith::etu_datapath appears here once
// in the same order, with the same rounding shift, the same clamp and the same draw key; a clamp
// that fires adds one to a per-lane count (a vector compare), so the saturation counts are the
// reference's. Float runs the same expressions in double lanes; this file is built with
// -ffp-contract=off so no multiply-add is fused and every result is the scalar one.
#include "hw_model/learning/etu_kernel.hpp"

#include <cpuid.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>
#include <vector>

#include "hw_model/error.hpp"

#ifndef NCHIP_ETU_KERNEL_SHARED
#define NCHIP_ETU_KERNEL_SHARED
namespace nchip::learning::kernel_detail {

// A window's work, independent of the instruction set.
template <class Ops>
struct Call {
  const EtuRows* rows;
  size_t row_begin, row_end;
  const EtuNeuronConstants<Ops>* constants;
  const EtuWindow<Ops>* window;
  EtuColumns<Ops>* state;
};

// What a fixed-point window needs of the config: the right shift of each operation of
// arith::etu_datapath (fraction bits of the operands minus those of the result) and the ranges
// of the two formats the unit writes.
struct FixedPlan {
  arith::Rounding rounding;
  int conv;       // zbar (trace) -> eligibility
  int h_trace;    // h * zbar
  int h_elig;     // h * (zbar - beta eps_a), h * eps_a
  int beta_elig;  // beta * eps_a, beta * (h eps_a)
  int decay;      // rho * eps_a, kappa * filtered
  int accum;      // L * filtered -> accumulator
  int64_t elig_lo, elig_hi, acc_lo, acc_hi;
  uint64_t saturations_elig = 0, saturations_acc = 0;  // out
};

inline FixedPlan make_plan(const arith::FixedOps& ops) {
  using Q = arith::Quantity;
  const int f_pd = ops.range<Q::pseudo_derivative>().frac, f_tr = ops.range<Q::trace>().frac;
  const int f_el = ops.range<Q::eligibility>().frac, f_v = ops.range<Q::voltage>().frac;
  const int f_dc = ops.range<Q::decay>().frac, f_ls = ops.range<Q::learning_signal>().frac;
  const int f_acc = ops.range<Q::update_accumulator>().frac;
  FixedPlan p{};
  p.rounding = ops.rounding;
  p.conv = f_tr - f_el;
  p.h_trace = f_pd + f_tr - f_el;
  p.h_elig = f_pd;
  p.beta_elig = f_v;
  p.decay = f_dc;
  p.accum = f_ls + f_el - f_acc;
  p.elig_lo = ops.range<Q::eligibility>().lo;
  p.elig_hi = ops.range<Q::eligibility>().hi;
  p.acc_lo = ops.range<Q::update_accumulator>().lo;
  p.acc_hi = ops.range<Q::update_accumulator>().hi;
  return p;
}

// The vector path covers right shifts by 0..62 (arith::round_shift's branch-free case) and left
// shifts by 1..62 (a product or trace with fewer fraction bits than its result).
inline bool plan_vectorizes(const FixedPlan& p) {
  for (int s : {p.conv, p.h_trace, p.h_elig, p.beta_elig, p.decay, p.accum})
    if (s < -62 || s > 62) return false;
  return true;
}

constexpr size_t kMaxLanes = 8;  // 64-bit lanes of the widest vector Highway targets on x86 (512 bits)

}  // namespace nchip::learning::kernel_detail
#endif  // NCHIP_ETU_KERNEL_SHARED

// Instruction sets compiled: AVX-512 (Highway's AVX3), AVX2, SSE4 and the portable baseline.
// (AVX3_DL adds nothing this kernel uses; SSSE3 machines take the baseline.) The sanitizer build
// compiles AVX2 and the baseline only (NCHIP_ETU_FEW_TARGETS): instrumenting every target costs
// many minutes of compile, and the Release suite checks each target against the definition.
#ifndef HWY_DISABLED_TARGETS
#ifdef NCHIP_ETU_FEW_TARGETS
#define HWY_DISABLED_TARGETS (HWY_AVX3_DL | HWY_AVX3 | HWY_SSE4 | HWY_SSSE3)
#else
#define HWY_DISABLED_TARGETS (HWY_AVX3_DL | HWY_SSSE3)
#endif
#endif
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "hw_model/learning/etu_kernel.cpp"
#include <hwy/foreach_target.h>  // re-includes this file once per target
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace nchip::learning {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
using arith::FixedOps;
using arith::FloatOps;
using arith::Rounding;
using kernel_detail::Call;
using kernel_detail::FixedPlan;
using kernel_detail::kMaxLanes;

using DI = hn::ScalableTag<int64_t>;
using VI = hn::Vec<DI>;
using DU = hn::RebindToUnsigned<DI>;
using VU = hn::Vec<DU>;
using DI32 = hn::Rebind<int32_t, DI>;  // as many int32 lanes as DI has int64 lanes
static_assert(HWY_LANES(int64_t) <= kMaxLanes, "the chunk buffers hold kMaxLanes 64-bit lanes");

// ---- counter_random in lanes (arith/counter_rng.hpp) -----------------------------------------
// Low 64 bits of a * c, from 32 x 32 -> 64 products (no 64-bit lane multiply below AVX-512DQ).
#if HWY_TARGET == HWY_SCALAR
HWY_INLINE VU mul_u64(VU a, uint64_t c) { return hn::Set(DU(), hn::GetLane(a) * c); }
#elif HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
// AVX-512DQ (part of Highway's AVX3 targets) has the 64-bit lane multiply.
HWY_INLINE VU mul_u64(VU a, uint64_t c) { return VU{_mm512_mullo_epi64(a.raw, hn::Set(DU(), c).raw)}; }
#else
HWY_INLINE VU mul_u64(VU a, uint64_t c) {
  const DU du;
  const hn::Repartition<uint32_t, DU> du32;
  const auto c_lo = hn::BitCast(du32, hn::Set(du, c & 0xFFFFFFFFu));
  const auto c_hi = hn::BitCast(du32, hn::Set(du, c >> 32));
  const auto a32 = hn::BitCast(du32, a);
  const auto a_hi = hn::BitCast(du32, hn::ShiftRight<32>(a));
  const VU cross = hn::Add(hn::MulEven(a_hi, c_lo), hn::MulEven(a32, c_hi));
  return hn::Add(hn::MulEven(a32, c_lo), hn::ShiftLeft<32>(cross));
}
#endif
HWY_INLINE VU splitmix64_mix(VU x) {
  const DU du;
  x = hn::Add(x, hn::Set(du, 0x9E3779B97F4A7C15ULL));
  x = mul_u64(hn::Xor(x, hn::ShiftRight<30>(x)), 0xBF58476D1CE4E5B9ULL);
  x = mul_u64(hn::Xor(x, hn::ShiftRight<27>(x)), 0x94D049BB133111EBULL);
  return hn::Xor(x, hn::ShiftRight<31>(x));
}

// One draw stream of a chunk of synapses: counter_random({seed, stream, index, step}) is
// mix(mix(mix(seed ^ stream << 32) ^ index) ^ step); the first two mixes do not depend on the
// step, so they are taken once per window and each step costs one mix.
struct DrawStream {
  VU keyed;  // mix(mix(seed ^ stream << 32) ^ index), per lane
  HWY_INLINE void init(uint64_t seed, uint32_t stream, VU index) {
    const DU du;
    const uint64_t h = arith::splitmix64_mix(seed ^ (uint64_t{stream} << 32));
    keyed = splitmix64_mix(hn::Xor(hn::Set(du, h), index));
  }
  HWY_INLINE VU at(uint64_t step) const { return splitmix64_mix(hn::Xor(keyed, hn::Set(DU(), step))); }
};

// ---- fixed-point operations in lanes -----------------------------------------------------------
// One operation's rounding right shift by s in 0..62 with its constants taken once per window
// (in the step loop they would cost scalar shifts and broadcasts per operation). s = 0 needs no
// branch: its bias, parity bit and remainder mask are all 0, so every mode returns x itself.
struct Shift {
  int s = 0;
  VI half_minus_one, parity, mask;  // 2^(s-1) - 1, 1, 2^s - 1 (all 0 for s <= 0)
  bool rounds = false;              // s > 0: a stochastic rounding reads random bits
  // s < 0, a left shift by k = -s: arith::round_shift_general's result is x * 2^k, or +-2^62 where
  // that would pass 2^62 (far outside every format: the clamp after it saturates and counts).
  bool left = false;
  VI left_limit, far, neg_left_limit, neg_far;  // 2^62 >> k, 2^62 and their negatives
};
HWY_INLINE Shift make_shift(int s) {
  const DI d;
  constexpr int64_t kFar = int64_t{1} << 62;
  Shift sh;
  sh.s = s;
  sh.rounds = s > 0;
  sh.left = s < 0;
  sh.half_minus_one = hn::Set(d, s > 0 ? (int64_t{1} << (s - 1)) - 1 : 0);
  sh.parity = hn::Set(d, s > 0 ? 1 : 0);
  sh.mask = hn::Set(d, s > 0 ? static_cast<int64_t>((uint64_t{1} << s) - 1) : 0);
  sh.left_limit = hn::Set(d, s < 0 ? kFar >> -s : kFar);
  sh.neg_left_limit = hn::Neg(sh.left_limit);
  sh.far = hn::Set(d, kFar);
  sh.neg_far = hn::Neg(sh.far);
  return sh;
}
struct Shifts {
  Shift conv, h_trace, h_elig, beta_elig, decay, accum;
  bool conv_is_identity = false;  // zbar -> eligibility changes no trace of this window
};

// arith::round_shift for a shift by sh.s (right for s > 0, exact left with the 2^62 cap for s < 0).
template <Rounding M>
HWY_INLINE VI round_shift(VI x, const Shift& sh, VU random_bits) {
  const DI d;
  if (HWY_UNLIKELY(sh.left)) {
    (void)random_bits;
    const VI shifted = hn::ShiftLeftSame(x, -sh.s);
    const VI capped_high = hn::IfThenElse(hn::Gt(x, sh.left_limit), sh.far, shifted);
    return hn::IfThenElse(hn::Lt(x, sh.neg_left_limit), sh.neg_far, capped_high);
  }
  const VI floor_q = hn::ShiftRightSame(x, sh.s);
  if constexpr (M == Rounding::truncate) {
    (void)random_bits;
    return floor_q;
  } else if constexpr (M == Rounding::nearest) {
    // floor((x + half - 1 + (floor_q & 1)) / 2^s): up when the remainder exceeds half, or equals
    // it and floor_q is odd (ties to even).
    (void)random_bits;
    const VI bias = hn::Add(sh.half_minus_one, hn::And(floor_q, sh.parity));
    return hn::ShiftRightSame(hn::Add(x, bias), sh.s);
  } else {
    // Up when the draw's low s bits are below the remainder (both in [0, 2^s)).
    const VI rem = hn::And(x, sh.mask);
    const VI draw = hn::And(hn::BitCast(d, random_bits), sh.mask);
    return hn::Sub(floor_q, hn::VecFromMask(d, hn::Lt(draw, rem)));
  }
}

// What the reference does after each operation (arith::saturate): clamp into [lo, hi] and count
// a clamped lane (kExact), or - the fast pass - keep the value and remember whether any lane was
// outside [lo, hi]. A window in which no value left its range computed exactly what the clamped
// datapath computes, with no saturation; a chunk where one did is run again with kExact (rare:
// saturation is an event to count, not the common case). Ranges are [-2^(w-1), 2^(w-1)) or
// [0, 2^w), so x is inside iff x - lo has no bit set outside the low w bits: one subtract and one
// OR per operation record it, for every lane and step of the window.
struct Range {
  VI lo, hi;
  VI outside;  // ~(hi - lo): the bits above the format's width
};
HWY_INLINE Range make_range(int64_t lo, int64_t hi) {
  const DI d;
  return {hn::Set(d, lo), hn::Set(d, hi), hn::Set(d, ~(hi - lo))};
}
template <bool kExact>
HWY_INLINE VI guard(const Range& r, VI x, VI& record) {
  if constexpr (kExact) {
    const VI y = hn::Min(hn::Max(x, r.lo), r.hi);
    record = hn::Sub(record, hn::VecFromMask(DI(), hn::Ne(x, y)));  // + 1 per clamped lane
    return y;
  } else {
    record = hn::Or(record, hn::Sub(x, r.lo));
    return x;
  }
}
HWY_INLINE bool stayed_inside(const Range& r, VI record) {
  const DI d;
  return hn::AllTrue(d, hn::Eq(hn::And(record, r.outside), hn::Zero(d)));
}

// Signed 32 x 32 -> 64-bit products of lanes holding sign-extended 32-bit values.
#if HWY_TARGET == HWY_SCALAR
// As MulEven: the low 32 bits of each operand, as signed (no int64 overflow whatever the lanes hold).
HWY_INLINE VI mul_wide(VI a, VI b) {
  return hn::Set(DI(), int64_t{static_cast<int32_t>(hn::GetLane(a))} * static_cast<int32_t>(hn::GetLane(b)));
}
#else
HWY_INLINE VI mul_wide(VI a, VI b) {
  const hn::Repartition<int32_t, DI> d32;
  return hn::MulEven(hn::BitCast(d32, a), hn::BitCast(d32, b));
}
#endif

// One row's neuron-side values that do not change over the window.
struct FixedRowConstants {
  VI rho, beta, kappa;
};

// The draw streams of arith::etu_datapath (arith/eligibility.hpp), one per rounded operation.
struct FixedDraws {
  DrawStream conv, elig, beta_eps, eps_decay, eps_drive, eps_damp, h_eps, filtered_decay, accumulate;
};

// Vectors per chunk: two independent chains per step hide the latency of the serial
// filtered -> accumulator dependence (multiply, round, add) behind each other.
constexpr size_t kUnroll = 2;

// One chunk of up to U * Lanes(DI) synapses of one row through every step of the window.
// `count` synapses are real; the others (a row's tail) run on zero traces from zero state, which
// no operation can round or saturate away from zero, so they add no counts and are not stored.
// Returns false (and stores nothing) when the fast pass saw a value leave its range.
// Not inlined: a call per chunk and window is nothing next to its 32 steps, and separate functions
// keep the compile (above all the sanitizer build's) fast.
template <Rounding M, bool kAdaptive, size_t U, bool kContiguous, bool kExact>
HWY_NOINLINE bool fixed_chunk(const Shifts& sh, const Range& range_e, const Range& range_acc,
                            const FixedRowConstants& rc, const Call<FixedOps>& call, uint32_t neuron,
                            uint32_t p, size_t count, VI& sat_e, VI& sat_acc) {
  const DI d;
  const DI32 d32;
  const DU du;
  const auto& w = *call.window;
  auto& s = *call.state;
  const auto& rows = *call.rows;
  const size_t lanes = hn::Lanes(d);
  constexpr bool kDraws = M == Rounding::stochastic;

  // State columns hold raw int32 values; a full chunk moves them with vector loads and stores, a
  // partial one through a zero-padded buffer.
  static_assert(sizeof(arith::Fx<arith::Quantity::eligibility>) == sizeof(int32_t), "raw values are int32");
  const bool full = count == U * lanes;
  (void)full;  // the scalar target moves state through the buffer only
  HWY_ALIGN int64_t buf[kMaxLanes] = {};
  HWY_ALIGN int32_t slot[U * kMaxLanes] = {};
  const auto load_state = [&](const auto* column, size_t u) {
#if HWY_TARGET != HWY_SCALAR
    if (full) return hn::PromoteTo(d, hn::LoadU(d32, reinterpret_cast<const int32_t*>(column + p + u * lanes)));
#endif
    for (size_t i = 0; i < lanes; ++i) {
      const size_t j = u * lanes + i;
      buf[i] = j < count ? column[p + j].raw : 0;
    }
    return hn::Load(d, buf);
  };
  VI eps_a[U], filtered[U], acc[U];
  hn::Vec<DI32> slots[U];
  hn::Mask<DI> real_lanes[U];
  FixedDraws draws[U];
  if constexpr (!kContiguous)
    for (size_t i = 0; i < U * lanes; ++i) slot[i] = static_cast<int32_t>(rows.trace_slot[p + (i < count ? i : 0)]);
  else
    slot[0] = static_cast<int32_t>(rows.trace_slot[p]);
  for (size_t u = 0; u < U; ++u) {
    eps_a[u] = kAdaptive ? load_state(s.eps_a.data(), u) : hn::Zero(d);
    filtered[u] = load_state(s.filtered.data(), u);
    acc[u] = load_state(s.accumulator.data(), u);
    if constexpr (!kContiguous) {
      slots[u] = hn::LoadU(d32, slot + u * lanes);
      real_lanes[u] = hn::FirstN(d, count > u * lanes ? count - u * lanes : 0);
    }
    if constexpr (kDraws) {
      HWY_ALIGN uint64_t index[kMaxLanes] = {};
      for (size_t i = 0; i < lanes; ++i) {
        const size_t j = u * lanes + i;
        index[i] = rows.key_index[p + (j < count ? j : 0)];
      }
      const VU idx = hn::Load(du, index);
      FixedDraws& dr = draws[u];
      dr.conv.init(w.seed, 0, idx);  // read only where the conversion rounds (sh.conv.rounds)
      dr.elig.init(w.seed, arith::kStreamEligibility, idx);
      dr.filtered_decay.init(w.seed, arith::kStreamFilteredDecay, idx);
      dr.accumulate.init(w.seed, arith::kStreamAccumulate, idx);
      if constexpr (kAdaptive) {
        dr.beta_eps.init(w.seed, arith::kStreamBetaEps, idx);
        dr.eps_decay.init(w.seed, arith::kStreamEpsDecay, idx);
        dr.eps_drive.init(w.seed, arith::kStreamEpsDrive, idx);
        dr.eps_damp.init(w.seed, arith::kStreamEpsDamp, idx);
        dr.h_eps.init(w.seed, arith::kStreamHEps, idx);
      }
    }
  }
  // A draw only where the operation really rounds (a shift by 0 reads no random bits).
  const auto bits = [&](const DrawStream& stream, const Shift& shift, uint64_t step) {
    if constexpr (kDraws) {
      if (shift.rounds) return stream.at(step);
    }
    (void)stream, (void)shift, (void)step;
    return hn::Zero(du);
  };
  VI record_e = hn::Zero(d), record_acc = hn::Zero(d);
  VI& rec_e = kExact ? sat_e : record_e;
  VI& rec_acc = kExact ? sat_acc : record_acc;
  const auto fit_e = [&](VI x) { return guard<kExact>(range_e, x, rec_e); };
  const auto fit_acc = [&](VI x) { return guard<kExact>(range_acc, x, rec_acc); };

  const auto* traces = reinterpret_cast<const int32_t*>(w.traces);
  static_assert(sizeof(arith::Fx<arith::Quantity::trace>) == sizeof(int32_t), "raw values are int32");
  for (size_t k = 0; k < w.steps; ++k) {
    const int32_t* step_traces = traces + k * w.trace_stride;
    const uint64_t step = w.step[k];
    const VI h = hn::Set(d, w.h[k * w.neuron_stride + neuron].raw);
    const VI L = hn::Set(d, w.L[k * w.neuron_stride + neuron].raw);
#pragma GCC unroll 4
    for (size_t u = 0; u < U; ++u) {
      VI zbar;
      if constexpr (kContiguous) {
        zbar = hn::PromoteTo(d, hn::LoadU(d32, step_traces + slot[0] + u * lanes));
      } else {
        zbar = hn::IfThenElseZero(real_lanes[u], hn::PromoteTo(d, hn::GatherIndex(d32, step_traces, slots[u])));
      }
      const FixedDraws& dr = draws[u];
      // arith::etu_datapath, operation by operation.
      // A conversion that is the identity for every trace of the window (no rounding, in range)
      // is skipped: it could neither change a value nor count a saturation.
      const VI zbar_e = sh.conv_is_identity ? zbar : fit_e(round_shift<M>(zbar, sh.conv, bits(dr.conv, sh.conv, step)));
      VI e;
      if constexpr (kAdaptive) {
        const VI ea = eps_a[u];
        const VI beta_eps = fit_e(round_shift<M>(mul_wide(rc.beta, ea), sh.beta_elig, bits(dr.beta_eps, sh.beta_elig, step)));
        e = fit_e(round_shift<M>(mul_wide(h, fit_e(hn::Sub(zbar_e, beta_eps))), sh.h_elig, bits(dr.elig, sh.h_elig, step)));
        const VI decayed = fit_e(round_shift<M>(mul_wide(rc.rho, ea), sh.decay, bits(dr.eps_decay, sh.decay, step)));
        const VI drive = fit_e(round_shift<M>(mul_wide(h, zbar), sh.h_trace, bits(dr.eps_drive, sh.h_trace, step)));
        const VI h_eps = fit_e(round_shift<M>(mul_wide(h, ea), sh.h_elig, bits(dr.h_eps, sh.h_elig, step)));
        const VI damp = fit_e(round_shift<M>(mul_wide(rc.beta, h_eps), sh.beta_elig, bits(dr.eps_damp, sh.beta_elig, step)));
        eps_a[u] = fit_e(hn::Add(fit_e(hn::Sub(decayed, damp)), drive));
      } else {
        (void)zbar_e;
        e = fit_e(round_shift<M>(mul_wide(h, zbar), sh.h_trace, bits(dr.elig, sh.h_trace, step)));
      }
      const VI decayed_filtered =
          fit_e(round_shift<M>(mul_wide(rc.kappa, filtered[u]), sh.decay, bits(dr.filtered_decay, sh.decay, step)));
      filtered[u] = fit_e(hn::Add(decayed_filtered, e));
      const VI increment = fit_acc(round_shift<M>(mul_wide(L, filtered[u]), sh.accum, bits(dr.accumulate, sh.accum, step)));
      acc[u] = fit_acc(hn::Add(acc[u], increment));
    }
  }
  if constexpr (!kExact) {
    if (!stayed_inside(range_e, record_e) || !stayed_inside(range_acc, record_acc)) return false;
  }

  const auto store_state = [&](VI v, auto* column, size_t u) {
#if HWY_TARGET != HWY_SCALAR
    if (full) {  // every lane holds a value of a format at most 32 bits wide: its low half is it
      const hn::Rebind<uint32_t, DI> du32;
      hn::StoreU(hn::BitCast(d32, hn::TruncateTo(du32, hn::BitCast(du, v))), d32,
                 reinterpret_cast<int32_t*>(column + p + u * lanes));
      return;
    }
#endif
    hn::Store(v, d, buf);
    for (size_t i = 0; i < lanes && u * lanes + i < count; ++i) column[p + u * lanes + i].raw = static_cast<int32_t>(buf[i]);
  };
  for (size_t u = 0; u < U; ++u) {
    if constexpr (kAdaptive) store_state(eps_a[u], s.eps_a.data(), u);
    store_state(filtered[u], s.filtered.data(), u);
    store_state(acc[u], s.accumulator.data(), u);
  }
  return true;
}

// True when the `width` positions from p read consecutive trace slots (a dense stretch of a
// projection; a recurrent row misses only its own neuron): the chunk loads its traces with one
// vector load per step instead of a gather. Checked per chunk and window: `width` compares against
// `width` x steps updates.
inline bool consecutive_slots(const EtuRows& rows, uint32_t p, size_t width) {
  const uint32_t* slot = rows.trace_slot.data() + p;
  for (size_t i = 1; i < width; ++i)
    if (slot[i] != slot[0] + i) return false;
  return true;
}

// A row in chunks of kUnroll vectors, then its rest one vector at a time (the last one partial),
// so a short row's tail costs one vector, not a whole chunk. A chunk over consecutive trace slots
// takes vector loads, others (and the partial vector) gathers; a chunk whose fast pass saw a value leave its
// range is run again exactly.
template <Rounding M, bool kAdaptive>
HWY_INLINE void fixed_row(const Shifts& sh, const Range& range_e, const Range& range_acc,
                          const FixedRowConstants& rc, const Call<FixedOps>& call, uint32_t neuron,
                          uint32_t begin, uint32_t end, VI& sat_e, VI& sat_acc) {
  const size_t lanes = hn::Lanes(DI());
  // A rerun with exact clamps and counts (rare) goes one vector at a time through the gather path:
  // one more instantiation instead of one per chunk shape.
  const auto exact = [&](uint32_t from, size_t count) {
    for (size_t done = 0; done < count; done += lanes)
      fixed_chunk<M, kAdaptive, 1, false, true>(sh, range_e, range_acc, rc, call, neuron, from + static_cast<uint32_t>(done),
                                                std::min(lanes, count - done), sat_e, sat_acc);
  };
#if HWY_TARGET == HWY_SCALAR
  // The scalar target clamps every operation (no unclamped fast pass): its lanes are C++ int64,
  // whose overflow on an out-of-range value would be undefined behaviour, not a wrap.
  exact(begin, end - begin);
  return;
#endif
  uint32_t p = begin;
  for (; p + kUnroll * lanes <= end; p += static_cast<uint32_t>(kUnroll * lanes)) {
    const size_t count = kUnroll * lanes;
    const bool done =
        consecutive_slots(*call.rows, p, count)
            ? fixed_chunk<M, kAdaptive, kUnroll, true, false>(sh, range_e, range_acc, rc, call, neuron, p, count, sat_e, sat_acc)
            : fixed_chunk<M, kAdaptive, kUnroll, false, false>(sh, range_e, range_acc, rc, call, neuron, p, count, sat_e, sat_acc);
    if (!done) exact(p, count);
  }
  for (; p < end; p += static_cast<uint32_t>(lanes)) {  // the rest, one (gathered) vector at a time
    const size_t count = std::min<size_t>(lanes, end - p);
    if (!fixed_chunk<M, kAdaptive, 1, false, false>(sh, range_e, range_acc, rc, call, neuron, p, count, sat_e, sat_acc))
      exact(p, count);
  }
}

// True when converting the window's traces to the eligibility format (arith::etu_datapath's
// first operation) is a shift by 0 and every trace lies in the eligibility range: one pass over
// the window's traces, against one conversion per synapse and step.
inline bool conversion_is_identity(const FixedPlan& plan, const EtuWindow<FixedOps>& w) {
  if (plan.conv != 0) return false;
  const auto* traces = w.traces;
  const size_t n = w.steps * w.trace_stride;
  for (size_t i = 0; i < n; ++i)
    if (traces[i].raw < plan.elig_lo || traces[i].raw > plan.elig_hi) return false;
  return true;
}

template <Rounding M>
void fixed_rows(FixedPlan& plan, const Call<FixedOps>& call) {
  const DI d;
  Shifts sh{make_shift(plan.conv),      make_shift(plan.h_trace), make_shift(plan.h_elig),
            make_shift(plan.beta_elig), make_shift(plan.decay),   make_shift(plan.accum)};
  sh.conv_is_identity = conversion_is_identity(plan, *call.window);
  const Range range_e = make_range(plan.elig_lo, plan.elig_hi);
  const Range range_acc = make_range(plan.acc_lo, plan.acc_hi);
  const auto& rows = *call.rows;
  const auto& c = *call.constants;
  VI sat_e = hn::Zero(d), sat_acc = hn::Zero(d);
  for (size_t r = call.row_begin; r < call.row_end; ++r) {
    const uint32_t n = rows.row_neuron[r];
    const FixedRowConstants rc{hn::Set(d, c.rho[n].raw), hn::Set(d, c.beta[n].raw), hn::Set(d, c.kappa.raw)};
    const uint32_t begin = rows.row_start[r], end = rows.row_start[r + 1];
    if (rows.row_adaptive[r] != 0) fixed_row<M, true>(sh, range_e, range_acc, rc, call, n, begin, end, sat_e, sat_acc);
    else fixed_row<M, false>(sh, range_e, range_acc, rc, call, n, begin, end, sat_e, sat_acc);
  }
  plan.saturations_elig = static_cast<uint64_t>(hn::GetLane(hn::SumOfLanes(d, sat_e)));
  plan.saturations_acc = static_cast<uint64_t>(hn::GetLane(hn::SumOfLanes(d, sat_acc)));
}

void RunFixed(FixedPlan& plan, const Call<FixedOps>& call) {
  switch (plan.rounding) {
    case Rounding::nearest: return fixed_rows<Rounding::nearest>(plan, call);
    case Rounding::truncate: return fixed_rows<Rounding::truncate>(plan, call);
    case Rounding::stochastic: return fixed_rows<Rounding::stochastic>(plan, call);
  }
}

// ---- float reference in lanes ------------------------------------------------------------------
using DF = hn::ScalableTag<double>;
using VF = hn::Vec<DF>;

// Vectors per float chunk: the filtered -> accumulator chain is a multiply and an add per step
// (8 cycles of latency); four independent chains keep the floating-point units busy.
constexpr size_t kFloatUnroll = 4;

template <bool kAdaptive, size_t U, bool kContiguous>
HWY_NOINLINE void float_chunk(const Call<FloatOps>& call, uint32_t neuron, uint32_t p, size_t count) {
  const DF d;
  const hn::RebindToSigned<DF> di;
  const auto& w = *call.window;
  const auto& c = *call.constants;
  auto& s = *call.state;
  const auto& rows = *call.rows;
  const size_t lanes = hn::Lanes(d);

  const bool full = count == U * lanes;
  HWY_ALIGN double buf[kMaxLanes] = {};
  HWY_ALIGN int64_t slot[U * kMaxLanes] = {};
  const auto load_state = [&](const double* column, size_t u) {
    if (full) return hn::LoadU(d, column + p + u * lanes);
    for (size_t i = 0; i < lanes; ++i) {
      const size_t j = u * lanes + i;
      buf[i] = j < count ? column[p + j] : 0.0;
    }
    return hn::Load(d, buf);
  };
  VF eps_a[U], filtered[U], acc[U];
  hn::Vec<decltype(di)> slots[U];
  hn::Mask<DF> real_lanes[U];
  if constexpr (!kContiguous)
    for (size_t i = 0; i < U * lanes; ++i) slot[i] = rows.trace_slot[p + (i < count ? i : 0)];
  else
    slot[0] = rows.trace_slot[p];
  for (size_t u = 0; u < U; ++u) {
    eps_a[u] = kAdaptive ? load_state(s.eps_a.data(), u) : hn::Zero(d);
    filtered[u] = load_state(s.filtered.data(), u);
    acc[u] = load_state(s.accumulator.data(), u);
    if constexpr (!kContiguous) {
      slots[u] = hn::LoadU(di, slot + u * lanes);
      real_lanes[u] = hn::FirstN(d, count > u * lanes ? count - u * lanes : 0);
    }
  }
  const VF rho = hn::Set(d, c.rho[neuron]), beta = hn::Set(d, c.beta[neuron]), kappa = hn::Set(d, c.kappa);

  for (size_t k = 0; k < w.steps; ++k) {
    const double* step_traces = w.traces + k * w.trace_stride;
    const VF h = hn::Set(d, w.h[k * w.neuron_stride + neuron]);
    const VF L = hn::Set(d, w.L[k * w.neuron_stride + neuron]);
#pragma GCC unroll 4
    for (size_t u = 0; u < U; ++u) {
      VF zbar;
      if constexpr (kContiguous) zbar = hn::LoadU(d, step_traces + slot[0] + u * lanes);
      else zbar = hn::IfThenElseZero(real_lanes[u], hn::GatherIndex(d, step_traces, slots[u]));
      VF e;
      if constexpr (kAdaptive) {  // arith::etu_datapath's adaptive branch, same order of operations
        e = hn::Mul(h, hn::Sub(zbar, hn::Mul(beta, eps_a[u])));
        eps_a[u] = hn::Add(hn::Sub(hn::Mul(rho, eps_a[u]), hn::Mul(beta, hn::Mul(h, eps_a[u]))), hn::Mul(h, zbar));
      } else {
        e = hn::Mul(h, zbar);
      }
      filtered[u] = hn::Add(hn::Mul(kappa, filtered[u]), e);
      acc[u] = hn::Add(acc[u], hn::Mul(L, filtered[u]));
    }
  }
  const auto store_state = [&](VF v, double* column, size_t u) {
    if (full) return hn::StoreU(v, d, column + p + u * lanes);
    hn::Store(v, d, buf);
    for (size_t i = 0; i < lanes && u * lanes + i < count; ++i) column[p + u * lanes + i] = buf[i];
  };
  for (size_t u = 0; u < U; ++u) {
    if constexpr (kAdaptive) store_state(eps_a[u], s.eps_a.data(), u);
    store_state(filtered[u], s.filtered.data(), u);
    store_state(acc[u], s.accumulator.data(), u);
  }
}

template <bool kAdaptive>
HWY_INLINE void float_row(const Call<FloatOps>& call, uint32_t neuron, uint32_t begin, uint32_t end) {
  const size_t lanes = hn::Lanes(DF());
  uint32_t p = begin;
  for (; p + kFloatUnroll * lanes <= end; p += static_cast<uint32_t>(kFloatUnroll * lanes)) {
    if (consecutive_slots(*call.rows, p, kFloatUnroll * lanes)) float_chunk<kAdaptive, kFloatUnroll, true>(call, neuron, p, kFloatUnroll * lanes);
    else float_chunk<kAdaptive, kFloatUnroll, false>(call, neuron, p, kFloatUnroll * lanes);
  }
  for (; p < end; p += static_cast<uint32_t>(lanes))  // the rest, one (gathered) vector at a time
    float_chunk<kAdaptive, 1, false>(call, neuron, p, std::min<size_t>(lanes, end - p));
}

void RunFloat(const Call<FloatOps>& call) {
  const auto& rows = *call.rows;
  for (size_t r = call.row_begin; r < call.row_end; ++r) {
    const uint32_t begin = rows.row_start[r], end = rows.row_start[r + 1];
    if (rows.row_adaptive[r] != 0) float_row<true>(call, rows.row_neuron[r], begin, end);
    else float_row<false>(call, rows.row_neuron[r], begin, end);
  }
}

}  // namespace HWY_NAMESPACE
}  // namespace nchip::learning
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
// Our own dispatch over the compiled targets rather than HWY_DYNAMIC_DISPATCH: that one lives in
// libhwy.so, whose static initialisers (timer calibration) add ~6 ms to the start of every process
// that links it, more than a whole `nchip run` of a small network. The CPU checks mirror the
// features Highway compiles each target for (hwy/ops/set_macros-inl.h).
namespace nchip::learning {
namespace {

struct Target {
  const char* name;
  bool (*runs_here)();
  void (*fixed)(kernel_detail::FixedPlan&, const kernel_detail::Call<arith::FixedOps>&);
  void (*floating)(const kernel_detail::Call<arith::FloatOps>&);
};

// F16C through CPUID (leaf 1, ECX bit 29): clang 14's __builtin_cpu_supports has no "f16c".
[[maybe_unused]] bool has_f16c() {
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  return __get_cpuid(1, &eax, &ebx, &ecx, &edx) != 0 && (ecx & bit_F16C) != 0;
}
[[maybe_unused]] bool has_sse4() {
  return __builtin_cpu_supports("ssse3") && __builtin_cpu_supports("sse4.1") && __builtin_cpu_supports("sse4.2") &&
         __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("aes");
}
[[maybe_unused]] bool has_avx2() {
  return has_sse4() && __builtin_cpu_supports("avx") && __builtin_cpu_supports("avx2") &&
         __builtin_cpu_supports("bmi") && __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("fma") &&
         has_f16c();
}
[[maybe_unused]] bool has_avx3() {
  return has_avx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
         __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw");
}
bool always() { return true; }

// Best first; the last one (the baseline Highway compiles without extra flags) runs anywhere.
const Target kTargets[] = {
#if HWY_TARGETS & HWY_AVX3
    {"AVX3", &has_avx3, &N_AVX3::RunFixed, &N_AVX3::RunFloat},
#endif
#if HWY_TARGETS & HWY_AVX2
    {"AVX2", &has_avx2, &N_AVX2::RunFixed, &N_AVX2::RunFloat},
#endif
#if HWY_TARGETS & HWY_SSE4
    {"SSE4", &has_sse4, &N_SSE4::RunFixed, &N_SSE4::RunFloat},
#endif
#if HWY_TARGETS & HWY_EMU128
    {"EMU128", &always, &N_EMU128::RunFixed, &N_EMU128::RunFloat},
#endif
#if HWY_TARGETS & HWY_SCALAR
    {"SCALAR", &always, &N_SCALAR::RunFixed, &N_SCALAR::RunFloat},
#endif
};
constexpr size_t kTargetCount = sizeof(kTargets) / sizeof(kTargets[0]);

size_t best_target() {
  for (size_t i = 0; i < kTargetCount; ++i)
    if (kTargets[i].runs_here()) return i;
  return kTargetCount - 1;
}
std::atomic<size_t>& chosen_target() {
  static std::atomic<size_t> chosen{best_target()};
  return chosen;
}
const Target& target() { return kTargets[chosen_target().load(std::memory_order_relaxed)]; }

}  // namespace

std::vector<std::string> etu_kernel_targets() {
  std::vector<std::string> names;
  for (const Target& t : kTargets)
    if (t.runs_here()) names.push_back(t.name);
  return names;
}

void etu_kernel_use_target(const std::string& name) {
  if (name.empty()) {
    chosen_target() = best_target();
    return;
  }
  for (size_t i = 0; i < kTargetCount; ++i)
    if (name == kTargets[i].name && kTargets[i].runs_here()) {
      chosen_target() = i;
      return;
    }
  throw InputError("ETU kernel: instruction set '" + name + "' is not compiled in or not supported by this CPU");
}

const char* etu_kernel_target() { return target().name; }

bool etu_kernel_vectorizes(const arith::FixedOps& ops) {
  return kernel_detail::plan_vectorizes(kernel_detail::make_plan(ops));
}

void etu_run_rows(const arith::FixedOps& ops, const EtuRows& rows, size_t row_begin, size_t row_end,
                  const EtuNeuronConstants<arith::FixedOps>& c, const EtuWindow<arith::FixedOps>& w,
                  EtuColumns<arith::FixedOps>& s) {
  kernel_detail::FixedPlan plan = kernel_detail::make_plan(ops);
  if (!kernel_detail::plan_vectorizes(plan)) {
    etu_run_rows_reference(ops, rows, row_begin, row_end, c, w, s);
    return;
  }
  if (row_begin >= row_end || w.steps == 0) return;
  target().fixed(plan, kernel_detail::Call<arith::FixedOps>{&rows, row_begin, row_end, &c, &w, &s});
  ops.sat->add(arith::Quantity::eligibility, plan.saturations_elig);
  ops.sat->add(arith::Quantity::update_accumulator, plan.saturations_acc);
}

void etu_run_rows(const arith::FloatOps&, const EtuRows& rows, size_t row_begin, size_t row_end,
                  const EtuNeuronConstants<arith::FloatOps>& c, const EtuWindow<arith::FloatOps>& w,
                  EtuColumns<arith::FloatOps>& s) {
  if (row_begin >= row_end || w.steps == 0) return;
  target().floating(kernel_detail::Call<arith::FloatOps>{&rows, row_begin, row_end, &c, &w, &s});
}

}  // namespace nchip::learning
#endif  // HWY_ONCE
