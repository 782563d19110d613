// SystemC testbench around the SystemC-verilated unit. The driver thread wakes on each rising
// edge, when signals still hold their pre-edge values (writes land in the update phase): it sees
// what the unit samples, decides which input and output were taken, then drives the next cycle.
#include "rtl/cosim/etu_sc_bench.hpp"

#include <systemc.h>

#include <chrono>
#include <stdexcept>

#include "Vetu_sc.h"
#include "hw_model/arith/counter_rng.hpp"
#include "rtl/cosim/etu_ports.hpp"

namespace nchip::rtl {

using arith::Quantity;

namespace {

SC_MODULE(EtuScTestbench) {
  sc_clock clk{"clk", 10, SC_NS};
  sc_signal<bool> rst{"rst"}, in_valid{"in_valid"}, in_ready{"in_ready"}, in_adaptive{"in_adaptive"},
      out_valid{"out_valid"}, out_ready{"out_ready"};
  sc_signal<uint32_t> in_addr{"in_addr"}, in_h{"in_h"}, in_rho{"in_rho"}, in_beta{"in_beta"},
      in_kappa{"in_kappa"}, in_l{"in_l"}, in_zbar{"in_zbar"}, in_eps_a{"in_eps_a"},
      in_filtered{"in_filtered"}, in_acc{"in_acc"}, in_stream{"in_stream"}, in_index{"in_index"};
  sc_signal<uint64_t> in_seed{"in_seed"}, in_step{"in_step"};
  sc_signal<uint32_t> out_addr{"out_addr"}, out_eps_a{"out_eps_a"}, out_filtered{"out_filtered"},
      out_acc{"out_acc"}, out_e{"out_e"}, out_sat_elig{"out_sat_elig"}, out_sat_acc{"out_sat_acc"};

  Vetu_sc dut{"dut"};
  EtuSource* source = nullptr;
  EtuChecker* checker = nullptr;
  arith::QuantConfig formats;  // the verilated formats (defaults)
  double stall_rate = 0.0, bubble_rate = 0.0;
  uint64_t handshake_seed = 1;
  uint64_t cycles = 0;
  std::optional<Mismatch> mismatch;

  SC_CTOR(EtuScTestbench) {
    dut.clk(clk);
    dut.rst(rst);
    dut.in_valid(in_valid);
    dut.in_ready(in_ready);
    dut.in_addr(in_addr);
    dut.in_h(in_h);
    dut.in_rho(in_rho);
    dut.in_beta(in_beta);
    dut.in_kappa(in_kappa);
    dut.in_l(in_l);
    dut.in_adaptive(in_adaptive);
    dut.in_zbar(in_zbar);
    dut.in_eps_a(in_eps_a);
    dut.in_filtered(in_filtered);
    dut.in_acc(in_acc);
    dut.in_seed(in_seed);
    dut.in_stream(in_stream);
    dut.in_index(in_index);
    dut.in_step(in_step);
    dut.out_valid(out_valid);
    dut.out_ready(out_ready);
    dut.out_addr(out_addr);
    dut.out_eps_a(out_eps_a);
    dut.out_filtered(out_filtered);
    dut.out_acc(out_acc);
    dut.out_e(out_e);
    dut.out_sat_elig(out_sat_elig);
    dut.out_sat_acc(out_sat_acc);
    SC_THREAD(drive);
    sensitive << clk.posedge_event();
  }

  bool chance(double rate, uint64_t cycle, uint32_t stream) const {
    return rate > 0.0 && arith::counter_uniform({handshake_seed, stream, 0, cycle}) < rate;
  }

  void present(const EtuRecord& r) {
    const auto& q = formats;
    in_addr.write(etu_address(r.key.index));
    in_h.write(static_cast<uint32_t>(to_port(r.h, q[Quantity::pseudo_derivative])));
    in_rho.write(static_cast<uint32_t>(to_port(r.rho, q[Quantity::decay])));
    in_beta.write(static_cast<uint32_t>(to_port(r.beta, q[Quantity::voltage])));
    in_kappa.write(static_cast<uint32_t>(to_port(r.kappa, q[Quantity::decay])));
    in_l.write(static_cast<uint32_t>(to_port(r.L, q[Quantity::learning_signal])));
    in_adaptive.write(r.adaptive);
    in_zbar.write(static_cast<uint32_t>(to_port(r.zbar, q[Quantity::trace])));
    in_eps_a.write(static_cast<uint32_t>(to_port(r.eps_a, q[Quantity::eligibility])));
    in_filtered.write(static_cast<uint32_t>(to_port(r.filtered, q[Quantity::eligibility])));
    in_acc.write(static_cast<uint32_t>(to_port(r.accumulator, q[Quantity::update_accumulator])));
    in_seed.write(r.key.seed);
    in_stream.write(r.key.stream);
    in_index.write(r.key.index);
    in_step.write(r.key.step);
  }

  EtuResult sample_output() const {
    const auto& q = formats;
    EtuResult out;
    out.addr = out_addr.read();
    out.eps_a = from_port(out_eps_a.read(), q[Quantity::eligibility]);
    out.filtered = from_port(out_filtered.read(), q[Quantity::eligibility]);
    out.accumulator = from_port(out_acc.read(), q[Quantity::update_accumulator]);
    out.e = from_port(out_e.read(), q[Quantity::eligibility]);
    out.sat_eligibility = out_sat_elig.read();
    out.sat_accumulator = out_sat_acc.read();
    return out;
  }

  void drive() {
    rst.write(true);
    in_valid.write(false);
    out_ready.write(false);
    for (int i = 0; i < 3; ++i) wait();
    rst.write(false);

    EtuRecord pending;
    bool have = source->next(pending);
    uint64_t idle = 0;
    for (uint64_t c = 0;; ++c) {
      const bool valid = have && !chance(bubble_rate, c, 1);
      const bool ready = !chance(stall_rate, c, 2);
      if (valid) present(pending);
      in_valid.write(valid);
      out_ready.write(ready);
      wait();  // rising edge of cycle c: signals hold what the unit samples
      ++idle;
      if (out_valid.read() && ready) {
        idle = 0;
        if (auto m = checker->check(sample_output(), c)) {
          mismatch = m;
          cycles = c + 1;
          sc_stop();
          return;
        }
      }
      if (valid && in_ready.read()) {
        idle = 0;
        checker->expect(pending);
        have = source->next(pending);
      }
      if ((!have && checker->in_flight() == 0) || idle > 1000) {
        if (idle > 1000) {
          Mismatch m;
          m.update = checker->compared();
          m.cycle = c;
          m.field = "out_valid (no output for 1000 cycles with updates in flight)";
          m.expected = 1;
          mismatch = m;
        }
        cycles = c + 1;
        sc_stop();
        return;
      }
    }
  }
};

}  // namespace

arith::Rounding systemc_etu_rounding() { return arith::Rounding::nearest; }

ScCosimReport run_systemc_cosim(EtuSource& source, const arith::QuantConfig& reference,
                                double stall_rate, double bubble_rate, uint64_t handshake_seed) {
  static bool elaborated = false;
  if (elaborated)
    throw std::logic_error("run_systemc_cosim: SystemC elaborates once per process");
  elaborated = true;

  EtuChecker checker(reference);
  // Owned for the rest of the process: SystemC objects must outlive the simulation context.
  static EtuScTestbench* bench = new EtuScTestbench("etu_tb");
  bench->source = &source;
  bench->checker = &checker;
  bench->formats = arith::QuantConfig{};
  bench->stall_rate = stall_rate;
  bench->bubble_rate = bubble_rate;
  bench->handshake_seed = handshake_seed;

  const auto t0 = std::chrono::steady_clock::now();
  sc_start();
  ScCosimReport report;
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  report.compared = checker.compared();
  report.cycles = bench->cycles;
  report.mismatch = bench->mismatch;
  bench->source = nullptr;
  bench->checker = nullptr;
  return report;
}

}  // namespace nchip::rtl
