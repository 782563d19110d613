#include "rtl/cosim/etu_cosim.hpp"

#include <chrono>

#include "hw_model/arith/counter_rng.hpp"

namespace nchip::rtl {

namespace {

// Bernoulli draws for bubbles and stalls: counter-based, so a replay sees the same handshake.
bool chance(double rate, uint64_t seed, uint64_t cycle, uint32_t stream) {
  if (rate <= 0.0) return false;
  return arith::counter_uniform({seed, stream, 0, cycle}) < rate;
}

struct LoopResult {
  uint64_t cycles = 0;
  std::optional<Mismatch> mismatch;
};

// One pass over the stream. With a VCD open, dumping is enabled for cycles [from, to].
LoopResult drive(EtuDut& dut, EtuSource& source, EtuChecker& checker, const CosimOptions& o,
                 bool tracing, uint64_t from, uint64_t to) {
  LoopResult result;
  dut.reset();
  const uint64_t start = dut.cycle();
  EtuRecord pending;
  bool have = source.next(pending);
  uint64_t idle = 0;
  EtuResult out;
  for (uint64_t c = 0;; ++c) {
    if (tracing) dut.set_vcd_enabled(c >= from && c <= to);
    if (tracing && c > to) break;
    const bool present = have && !chance(o.bubble_rate, o.handshake_seed, c, 1);
    const bool ready = !chance(o.stall_rate, o.handshake_seed, c, 2);
    const EtuDut::Cycle step = dut.step(present ? &pending : nullptr, ready, out);
    ++idle;
    if (step.accepted) {
      checker.expect(pending);
      have = source.next(pending);
      idle = 0;
    }
    if (step.produced) {
      idle = 0;
      if (auto m = checker.check(out, c)) {
        result.mismatch = m;
        if (!tracing) {
          result.cycles = c + 1;
          return result;
        }
      }
    }
    if (!tracing && !have && checker.in_flight() == 0) {
      result.cycles = c + 1;
      return result;
    }
    if (idle > o.hang_cycles && checker.in_flight() > 0 && !tracing) {
      Mismatch m;
      m.update = checker.compared();
      m.cycle = c;
      m.field = "out_valid (no output for " + std::to_string(o.hang_cycles) +
                " cycles with updates in flight)";
      m.expected = 1;
      m.actual = 0;
      result.mismatch = m;
      result.cycles = c + 1;
      return result;
    }
    if (o.progress && (c & ((uint64_t{1} << 20) - 1)) == 0 && c > 0 && !tracing)
      o.progress(checker.compared());
  }
  result.cycles = dut.cycle() - start;
  return result;
}

}  // namespace

CosimReport run_cosim(const DutFactory& make_dut, const SourceFactory& make_source,
                      const arith::QuantConfig& reference, const CosimOptions& options) {
  CosimReport report;
  {
    auto dut = make_dut();
    auto source = make_source();
    EtuChecker checker(reference);
    const auto t0 = std::chrono::steady_clock::now();
    const LoopResult r = drive(*dut, *source, checker, options, false, 0, 0);
    report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    report.compared = checker.compared();
    report.cycles = r.cycles;
    report.saturations_eligibility = checker.saturations_eligibility();
    report.saturations_accumulator = checker.saturations_accumulator();
    report.mismatch = r.mismatch;
  }
  if (options.vcd_path.empty()) return report;

  // Replay with tracing: the stream and the handshake are deterministic, so the same cycles
  // recur; dump a window around the mismatch, or the first cycles of a clean run.
  const uint64_t centre = report.mismatch ? report.mismatch->cycle : 0;
  const uint64_t from = centre > options.vcd_window ? centre - options.vcd_window : 0;
  const uint64_t to = report.mismatch ? centre + options.vcd_window
                                      : std::min<uint64_t>(report.cycles, 2 * options.vcd_window);
  auto dut = make_dut();
  auto source = make_source();
  EtuChecker checker(reference);
  dut->open_vcd(options.vcd_path);
  drive(*dut, *source, checker, options, true, from, to);
  dut->close_vcd();
  report.vcd_written = options.vcd_path;
  report.vcd_first_cycle = from;
  report.vcd_last_cycle = to;
  return report;
}

}  // namespace nchip::rtl
