// Nanoseconds per synapse-update of the eligibility-trace unit alone: the vectorized kernel
// (etu_run_rows) on every instruction set it was compiled for that this CPU runs, next to the
// plain definition (etu_run_rows_reference) in the same run. Rows of dense synapses (the 600-LIF
// network's recurrent matrix by default: 600 rows x 600 synapses), windows of 32 steps, default
// formats; LIF and ALIF targets; float, fixed nearest / truncate / stochastic. Min and median over
// the repeats. Usage: nchip_bench_etu_kernel [--rows N] [--fan-in M] [--repeats R] [--steps K]
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "hw_model/arith/counter_rng.hpp"
#include "hw_model/learning/etu_kernel.hpp"

using namespace nchip;
using arith::Quantity;

namespace {

struct Shape {
  uint32_t rows = 600, fan_in = 600, steps = 32;
  int repeats = 7;
};

// Realistic magnitudes: h up to 0.3, traces up to ~5, L ~ +-0.5, decays near 1.
template <class Ops>
struct Data {
  learning::EtuRows rows;
  learning::EtuColumns<Ops> state;
  std::vector<uint64_t> step;
  std::vector<arith::Num<Ops, Quantity::pseudo_derivative>> h;
  std::vector<arith::Num<Ops, Quantity::learning_signal>> L;
  std::vector<arith::Num<Ops, Quantity::trace>> traces;
  std::vector<arith::Num<Ops, Quantity::decay>> rho;
  std::vector<arith::Num<Ops, Quantity::voltage>> beta;
  arith::Num<Ops, Quantity::decay> kappa{};
  learning::EtuWindow<Ops> window;
};

double uniform(uint64_t i) { return arith::counter_uniform({99, 3, static_cast<uint32_t>(i), i >> 32}); }

template <class Ops, class Make>
Data<Ops> make_data(const Shape& s, bool adaptive, Make make) {
  Data<Ops> d;
  for (uint32_t j = 0; j < s.rows; ++j) {
    d.rows.row_neuron.push_back(j);
    d.rows.row_adaptive.push_back(adaptive);
    d.rows.row_start.push_back(d.rows.row_start.back() + s.fan_in);
    for (uint32_t i = 0; i < s.fan_in; ++i) {
      d.rows.trace_slot.push_back(i);
      d.rows.key_index.push_back(j * s.fan_in + i);
    }
  }
  d.state.resize(d.rows.positions());
  uint64_t k = 0;
  for (uint32_t t = 0; t < s.steps; ++t) d.step.push_back(t);
  for (size_t i = 0; i < size_t{s.steps} * s.rows; ++i) {
    d.h.push_back(make.template operator()<Quantity::pseudo_derivative>(0.3 * uniform(++k)));
    d.L.push_back(make.template operator()<Quantity::learning_signal>(uniform(++k) - 0.5));
  }
  for (size_t i = 0; i < size_t{s.steps} * s.fan_in; ++i)
    d.traces.push_back(make.template operator()<Quantity::trace>(5 * uniform(++k)));
  for (uint32_t j = 0; j < s.rows; ++j) {
    d.rho.push_back(make.template operator()<Quantity::decay>(0.999));
    d.beta.push_back(make.template operator()<Quantity::voltage>(1.7));
  }
  d.kappa = make.template operator()<Quantity::decay>(0.95);
  d.window.steps = s.steps;
  d.window.step = d.step.data();
  d.window.h = d.h.data();
  d.window.L = d.L.data();
  d.window.neuron_stride = s.rows;
  d.window.traces = d.traces.data();
  d.window.trace_stride = s.fan_in;
  d.window.seed = 7;
  return d;
}

struct Timing {
  double min_ns = 0, median_ns = 0;
};

template <class Ops, class Run>
Timing time_ns_per_update(const Shape& s, const Ops& ops, Data<Ops>& d, Run run) {
  std::vector<double> ns;
  const double updates = double(d.rows.positions()) * s.steps;
  run(ops, d);  // warm-up
  for (int r = 0; r < s.repeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    run(ops, d);
    ns.push_back(std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() / updates);
  }
  std::sort(ns.begin(), ns.end());
  return {ns.front(), ns[ns.size() / 2]};
}

struct FixedMake {
  const arith::QuantConfig* q;
  template <Quantity Q>
  arith::Fx<Q> operator()(double v) const {
    uint64_t sat = 0;
    return arith::Fx<Q>{static_cast<int32_t>(arith::quantize_real(v, (*q)[Q], arith::Rounding::nearest, 0, sat))};
  }
};
struct FloatMake {
  template <Quantity Q>
  double operator()(double v) const { return v; }
};

}  // namespace

int main(int argc, char** argv) {
  Shape s;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const int value = std::max(1, std::stoi(argv[i + 1]));
    if (flag == "--rows") s.rows = value;
    else if (flag == "--fan-in") s.fan_in = value;
    else if (flag == "--repeats") s.repeats = value;
    else if (flag == "--steps") s.steps = std::min(value, 64);
  }
  fmt::print("ETU kernel alone: {} rows x {} synapses, windows of {} steps, default formats; ns per "
             "synapse-update, min / median of {} repeats, one thread\n",
             s.rows, s.fan_in, s.steps, s.repeats);
  fmt::print("{:<6} {:<19} {:<10} {:>9} {:>9} {:>9}\n", "target", "mode", "kernel", "ns min", "ns med", "speed-up");
  const std::vector<std::string> targets = learning::etu_kernel_targets();
  for (const bool adaptive : {false, true}) {
    const char* kind = adaptive ? "ALIF" : "LIF";
    // float
    {
      Data<arith::FloatOps> d = make_data<arith::FloatOps>(s, adaptive, FloatMake{});
      const auto ref = time_ns_per_update(s, arith::FloatOps{}, d, [&](const auto& ops, auto& x) {
        learning::etu_run_rows_reference(ops, x.rows, 0, x.rows.rows(), {x.rho.data(), x.beta.data(), x.kappa}, x.window, x.state);
      });
      fmt::print("{:<6} {:<19} {:<10} {:>9.3f} {:>9.3f} {:>8.1f}x\n", "-", fmt::format("{} float", kind), "reference",
                 ref.min_ns, ref.median_ns, 1.0);
      for (const std::string& t : targets) {
        learning::etu_kernel_use_target(t);
        const auto fast = time_ns_per_update(s, arith::FloatOps{}, d, [&](const auto& ops, auto& x) {
          learning::etu_run_rows(ops, x.rows, 0, x.rows.rows(), {x.rho.data(), x.beta.data(), x.kappa}, x.window, x.state);
        });
        fmt::print("{:<6} {:<19} {:<10} {:>9.3f} {:>9.3f} {:>8.1f}x\n", t,
                   fmt::format("{} float", kind), "fast", fast.min_ns, fast.median_ns, ref.min_ns / fast.min_ns);
      }
      learning::etu_kernel_use_target("");
    }
    for (const arith::Rounding rounding : {arith::Rounding::nearest, arith::Rounding::truncate, arith::Rounding::stochastic}) {
      arith::QuantConfig q;
      q.rounding = rounding;
      arith::SaturationCounts counts;
      const arith::FixedOps ops(q, counts);
      Data<arith::FixedOps> d = make_data<arith::FixedOps>(s, adaptive, FixedMake{&q});
      const std::string mode = fmt::format("{} fixed {}", kind, arith::to_string(rounding));
      const auto ref = time_ns_per_update(s, ops, d, [&](const auto& o, auto& x) {
        learning::etu_run_rows_reference(o, x.rows, 0, x.rows.rows(), {x.rho.data(), x.beta.data(), x.kappa}, x.window, x.state);
      });
      fmt::print("{:<6} {:<19} {:<10} {:>9.3f} {:>9.3f} {:>8.1f}x\n", "-", mode, "reference", ref.min_ns, ref.median_ns, 1.0);
      for (const std::string& t : targets) {
        learning::etu_kernel_use_target(t);
        const auto fast = time_ns_per_update(s, ops, d, [&](const auto& o, auto& x) {
          learning::etu_run_rows(o, x.rows, 0, x.rows.rows(), {x.rho.data(), x.beta.data(), x.kappa}, x.window, x.state);
        });
        fmt::print("{:<6} {:<19} {:<10} {:>9.3f} {:>9.3f} {:>8.1f}x\n", t, mode, "fast", fast.min_ns,
                   fast.median_ns, ref.min_ns / fast.min_ns);
        std::fflush(stdout);
      }
      learning::etu_kernel_use_target("");
    }
  }
  return 0;
}
