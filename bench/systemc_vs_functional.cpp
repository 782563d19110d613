// SystemC backend against the functional backend, side by side in one run:
//   1. wall time per training iteration of both seed tasks (fixed point, on-chip e-prop), their
//      ratio, and the chip's emulated time and energy per iteration;
//   2. how SystemC inference wall time grows with mesh size and traffic (each mesh size in its own
//      process, since SystemC elaborates once per process).
//      The SystemC NoC models run beside the functional model: fast (our own tie rule), events (the
//      default: SystemC's order) and, with --threads, the reference threads (hw_model/systemc/README.md),
//      with a check that events and threads time the same;
//   3. (--timing-difference) how far the fast model's timing is from events' on random networks:
//      cycles per step, link-wait and back-pressure cycles, relative differences.
// Usage: nchip_bench_systemc [--pg-iterations N] [--sr-batch B] [--repeats R] [--threads] [--skip-training]
//                            [--skip-scaling] [--timing-difference]
//        nchip_bench_systemc --scaling-one W H RATE R THREADS   (one line; used by the scaling table)
//        nchip_bench_systemc --difference-one W H DEPTH LINK_BITS RATE   (one line of the difference table)
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <vector>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include <nlohmann/json.hpp>

#include "compiler/compile.hpp"
#include "compiler/ir/network_json.hpp"
#include "hw_model/arith/counter_rng.hpp"
#include "hw_model/functional/run.hpp"
#include "hw_model/systemc/timed_chip.hpp"
#include "runtime/train/default_networks.hpp"
#include "runtime/train/trainer.hpp"

using namespace nchip;

namespace {

using Clock = std::chrono::steady_clock;
double since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// The process's CPU seconds: on the shared machine, less disturbed by other jobs than wall time
// (the models are single-threaded, so for them the two agree on an idle machine).
double cpu_now() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

runtime::TrainOptions fixed_options(const std::string& task) {
  runtime::TrainOptions o;
  o.task = task;
  runtime::apply_task_defaults(task, o);
  o.mode = runtime::TrainMode::fixed_chip;
  o.optimizer = runtime::OptimizerKind::sgd;
  o.quant = arith::QuantConfig{};
  o.lr = runtime::fixed_sgd_default_lr(o, runtime::recurrent_neuron_count(runtime::default_training_network(task, 1)));
  o.eprop.classification = arith::ClassificationError::softmax_exp_lut;
  return o;
}

void training_row(const std::string& task, runtime::TrainOptions o) {
  const ir::Network net = runtime::default_training_network(task, o.seed);
  const auto t0 = Clock::now();
  const runtime::TrainResult f = runtime::train(net, o, {}, nullptr);
  const double functional_s = since(t0) / o.iterations;
  o.systemc_backend = true;
  systemc::TimedChip* chip = systemc::TimedChip::existing();
  if (chip) chip->clear_stats();
  const auto t1 = Clock::now();
  const runtime::TrainResult s = runtime::train(net, o, {}, nullptr);
  const double systemc_s = since(t1) / o.iterations;
  chip = systemc::TimedChip::existing();
  const systemc::ChipStats& st = chip->stats();
  const bool same = f.trained == s.trained;
  fmt::print("| {} | {} | {} | {:.2f} | {:.2f} | {:.2f} | {:.1f} | {:.0f} | {:.1f} | {} |\n", task, o.batch,
             o.steps ? *o.steps : 0u, functional_s, systemc_s, systemc_s / functional_s,
             st.emulated_seconds() * 1e3 / o.iterations, st.mean_step_cycles(), st.energy_pj() * 1e-6 / o.iterations,
             same ? "yes" : "NO");
  std::fflush(stdout);
}

// A random recurrent network of 256 LIF neurons, spread over every core of a W x H mesh.
ir::Network scaling_network(uint32_t inputs) {
  const nlohmann::json init = {{"gain", 1.0}, {"connection_probability", 0.2}};
  const nlohmann::json doc = {
      {"name", "scaling"}, {"dt_ms", 1.0}, {"seed", 1},
      {"populations", {{{"name", "in"}, {"type", "input"}, {"size", inputs}},
                       {{"name", "rec"}, {"type", "lif"}, {"size", 256}, {"tau_m_ms", 20}, {"v_th", 0.5}, {"t_ref_ms", 2}},
                       {{"name", "out"}, {"type", "readout"}, {"size", 2}, {"tau_out_ms", 20}}}},
      {"projections", {{{"source", "in"}, {"target", "rec"}, {"init", init}},
                       {{"source", "rec"}, {"target", "rec"}, {"init", init}},
                       {{"source", "rec"}, {"target", "out"}, {"init", init}}}}};
  return ir::parse_network_json(doc.dump(), "scaling.json");
}

struct MinMedian {
  double min = 0, median = 0;
};
MinMedian min_median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v.front(), v[v.size() / 2]};
}

// A W x H chip for the scaling network: its 256 neurons spread over every core but one (the readouts').
image::ChipConfig scaling_chip(uint32_t w, uint32_t h) {
  image::ChipConfig chip;
  chip.name = "scaling";
  chip.mesh_width = w;
  chip.mesh_height = h;
  chip.core_max_neurons = (256 + w * h - 2) / (w * h - 1);
  return chip;
}

double relative(double fast, double events) { return events == 0 ? (fast == 0 ? 0 : 1) : std::abs(fast - events) / events; }

// One mesh and rate: the functional model and the SystemC chip with the fast NoC model, the NoC
// engine and (optionally) the reference threads, each `repeats` times in this process; min /
// median CPU times.
int scaling_one(uint32_t w, uint32_t h, double rate, uint32_t repeats, bool with_threads) {
  const uint32_t inputs = 64, steps = 1000;
  const image::ChipConfig chip = scaling_chip(w, h);
  const image::ChipImage img = compiler::compile_network(scaling_network(inputs), chip, arith::QuantConfig{});
  functional::InputSpikes in(steps);
  for (uint32_t t = 0; t < steps; ++t)
    for (uint32_t i = 0; i < inputs; ++i)
      if (arith::counter_uniform({7, 1, i, t}) < rate) in[t].push_back(i);
  auto& timed = systemc::TimedChip::instance(w, h);
  std::vector<double> functional_s, fast_s, events_s, threads_s;
  functional::Recording f, fa, e, th;
  systemc::ChipStats fast_stats, events_stats, threads_stats;
  const auto timed_run = [&](systemc::NocModel model, std::vector<double>& seconds, systemc::ChipStats& stats) {
    arith::SaturationCounts counts;
    timed.set_noc_model(model);
    const double t0 = cpu_now();
    functional::Recording r =
        systemc::run_network_timed(timed, img, img.network, arith::FixedOps(img.quant, counts), in, steps, 1, false);
    seconds.push_back(cpu_now() - t0);
    stats = timed.stats();
    return r;
  };
  for (uint32_t r = 0; r < repeats; ++r) {
    arith::SaturationCounts counts;
    const double t0 = cpu_now();
    f = functional::run_network(img.network, arith::FixedOps(img.quant, counts), in, steps, 1, false);
    functional_s.push_back(cpu_now() - t0);
    fa = timed_run(systemc::NocModel::fast, fast_s, fast_stats);
    e = timed_run(systemc::NocModel::events, events_s, events_stats);
    if (with_threads) th = timed_run(systemc::NocModel::threads, threads_s, threads_stats);
  }
  const MinMedian fm = min_median(functional_s), am = min_median(fast_s), em = min_median(events_s);
  uint64_t spikes = 0;
  for (const auto& v : f.spikes) spikes += v.size();
  const bool identical = f.spikes == e.spikes && f.readouts == e.readouts && f.spikes == fa.spikes &&
                         f.readouts == fa.readouts && (!with_threads || f.spikes == th.spikes);
  std::string threads_cells = "- | - | -";
  if (with_threads) {
    const MinMedian tm = min_median(threads_s);
    const bool same_timing = events_stats.total_cycles == threads_stats.total_cycles &&
                             events_stats.sum_stalls().link_busy_cycles == threads_stats.sum_stalls().link_busy_cycles &&
                             events_stats.sum_stalls().backpressure_cycles ==
                                 threads_stats.sum_stalls().backpressure_cycles;
    threads_cells = fmt::format("{:.1f} / {:.1f} | {:.1f} | {}", tm.min * 1e3, tm.median * 1e3, tm.min / fm.min,
                                same_timing ? "yes" : "NO");
  }
  fmt::print("| {}x{} | {:.2f} | {} | {} | {} | {:.2f} / {:.2f} | {:.2f} / {:.2f} | {:.2f} | {:.1f} / {:.1f} | {:.1f} | "
             "{} | {:.1f} | {:.1f} | {} |\n",
             w, h, rate, spikes, events_stats.packets, events_stats.hops, fm.min * 1e3, fm.median * 1e3,
             am.min * 1e3, am.median * 1e3, am.min / fm.min, em.min * 1e3, em.median * 1e3, em.min / fm.min,
             threads_cells, fast_stats.mean_step_cycles(), events_stats.mean_step_cycles(),
             identical ? "yes" : "NO");
  return 0;
}

// The fast model's timing against events' on the scaling network (3 input seeds): relative
// differences |fast - events| / events of cycles per step, link-wait and back-pressure cycles (mean
// and max over the seeds) and of each step's spike phase (mean and max over all steps).
int difference_one(uint32_t w, uint32_t h, uint32_t depth, uint32_t link_bits, double rate) {
  const uint32_t inputs = 64, steps = 300;
  image::ChipConfig chip = scaling_chip(w, h);
  chip.router_link_width_bits = link_bits;
  chip.router_hop_latency_cycles = 3;
  chip.cycles_synaptic_op = 2;
  const image::ChipImage img = compiler::compile_network(scaling_network(inputs), chip, arith::QuantConfig{});
  systemc::SystemcParams params;
  params.fifo_depth_packets = depth;
  auto& timed = systemc::TimedChip::instance(w, h, params);
  std::vector<double> cycles, stalls, backpressure, phase;
  double events_cycles = 0, events_stalls = 0, events_backpressure = 0;
  bool identical = true;
  for (uint32_t seed = 1; seed <= 3; ++seed) {
    functional::InputSpikes in(steps);
    for (uint32_t t = 0; t < steps; ++t)
      for (uint32_t i = 0; i < inputs; ++i)
        if (arith::counter_uniform({7, seed, i, t}) < rate) in[t].push_back(i);
    systemc::ChipStats totals[2];
    std::vector<uint64_t> spike_cycles[2];
    std::vector<std::vector<uint32_t>> spikes[2];
    for (int m = 0; m < 2; ++m) {
      arith::SaturationCounts counts;
      timed.set_noc_model(m == 0 ? systemc::NocModel::events : systemc::NocModel::fast);
      timed.load(img, img.network, arith::FixedOps(img.quant, counts));
      timed.reset(seed);
      timed.clear_stats();
      uint64_t before = 0;
      for (uint32_t t = 0; t < steps; ++t) {
        timed.step(in[t]);
        const uint64_t now = timed.stats().spike_phase_cycles;
        spike_cycles[m].push_back(now - before);
        before = now;
        spikes[m].push_back(timed.spikes());
      }
      totals[m] = timed.stats();
    }
    identical = identical && spikes[0] == spikes[1];
    cycles.push_back(relative(totals[1].mean_step_cycles(), totals[0].mean_step_cycles()));
    stalls.push_back(relative(totals[1].sum_stalls().link_busy_cycles, totals[0].sum_stalls().link_busy_cycles));
    backpressure.push_back(
        relative(totals[1].sum_stalls().backpressure_cycles, totals[0].sum_stalls().backpressure_cycles));
    for (uint32_t t = 0; t < steps; ++t) phase.push_back(relative(spike_cycles[1][t], spike_cycles[0][t]));
    events_cycles += totals[0].mean_step_cycles() / 3;
    events_stalls += totals[0].sum_stalls().link_busy_cycles / 3.0 / steps;
    events_backpressure += totals[0].sum_stalls().backpressure_cycles / 3.0 / steps;
  }
  const auto mean = [](const std::vector<double>& v) {
    double sum = 0;
    for (double x : v) sum += x;
    return sum / v.size();
  };
  const auto max = [](const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); };
  fmt::print("| {}x{} | {} | {} | {:.2f} | {:.0f} | {:.2f} % / {:.2f} % | {:.0f} | {:.2f} % / {:.2f} % | {:.0f} | "
             "{:.2f} % / {:.2f} % | {:.2f} % / {:.1f} % | {} |\n",
             w, h, depth, (32 + link_bits - 1) / link_bits, rate, events_cycles, 100 * mean(cycles), 100 * max(cycles),
             events_stalls, 100 * mean(stalls), 100 * max(stalls), events_backpressure, 100 * mean(backpressure),
             100 * max(backpressure), 100 * mean(phase), 100 * max(phase), identical ? "yes" : "NO");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 7 && !std::strcmp(argv[1], "--scaling-one"))
    return scaling_one(static_cast<uint32_t>(std::stoul(argv[2])), static_cast<uint32_t>(std::stoul(argv[3])),
                       std::stod(argv[4]), static_cast<uint32_t>(std::stoul(argv[5])), argv[6][0] == '1');
  if (argc == 7 && !std::strcmp(argv[1], "--difference-one"))
    return difference_one(static_cast<uint32_t>(std::stoul(argv[2])), static_cast<uint32_t>(std::stoul(argv[3])),
                          static_cast<uint32_t>(std::stoul(argv[4])), static_cast<uint32_t>(std::stoul(argv[5])),
                          std::stod(argv[6]));
  uint32_t pg_iterations = 1, sr_batch = 16, repeats = 3;
  bool training = true, scaling = true, with_threads = false, difference = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--pg-iterations") && i + 1 < argc) pg_iterations = static_cast<uint32_t>(std::stoul(argv[++i]));
    else if (!std::strcmp(argv[i], "--sr-batch") && i + 1 < argc) sr_batch = static_cast<uint32_t>(std::stoul(argv[++i]));
    else if (!std::strcmp(argv[i], "--repeats") && i + 1 < argc) repeats = static_cast<uint32_t>(std::stoul(argv[++i]));
    else if (!std::strcmp(argv[i], "--skip-training")) training = false;
    else if (!std::strcmp(argv[i], "--skip-scaling")) scaling = false;
    else if (!std::strcmp(argv[i], "--threads")) with_threads = true;
    else if (!std::strcmp(argv[i], "--timing-difference")) difference = true;
  }
  if (training) {
    fmt::print("Training (fixed point, full storage, default 4x4 chip): wall time per iteration\n\n");
    fmt::print("| task | batch | steps override | functional s/iter | SystemC s/iter | ratio | emulated ms/iter | "
               "cycles/step | energy uJ/iter | same weights |\n|---|---|---|---|---|---|---|---|---|---|\n");
    runtime::TrainOptions pg = fixed_options("pattern-generation");
    pg.iterations = pg_iterations;
    training_row("pattern-generation", pg);
    runtime::TrainOptions sr = fixed_options("store-recall");
    sr.iterations = 1;
    sr.batch = sr_batch;
    sr.validation_trials = 8;
    training_row("store-recall", sr);
  }
  if (scaling) {
    fmt::print("\nInference scaling (256 LIF + 64 inputs, 1000 steps, one process per mesh; CPU ms min / median "
               "of {} repeats; ratios of the minima)\n\n", repeats);
    fmt::print("| mesh | input rate/step | spikes | packets | hops | functional ms | SystemC ms (fast) | ratio | "
               "SystemC ms (events) | ratio | SystemC ms (threads) | ratio | events = threads timing | "
               "cycles/step fast | cycles/step events | identical results |\n"
               "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    std::fflush(stdout);
    for (const char* mesh : {"2 2", "4 4", "8 8"})
      for (const char* rate : {"0.02", "0.2"}) {
        const std::string cmd =
            std::string(argv[0]) + " --scaling-one " + mesh + " " + rate + " " + std::to_string(repeats) +
            (with_threads ? " 1" : " 0");
        if (std::system(cmd.c_str()) != 0) return 1;
      }
  }
  if (difference) {
    fmt::print("\nFast NoC model against events (scaling network, 300 steps, 3 input seeds, hop latency 3, 2 "
               "cycles per synaptic op): |fast - events| / events, mean / max\n\n");
    fmt::print("| mesh | FIFO depth | flits | input rate | cycles/step (events) | difference | link-wait cycles/step "
               "(events) | difference | back-pressure cycles/step (events) | difference | per-step spike phase | "
               "identical spikes |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    std::fflush(stdout);
    for (const char* config : {"2 2 1 8 0.2", "2 2 4 32 0.2", "4 4 1 8 0.2", "4 4 4 32 0.02", "4 4 4 8 0.2",
                               "8 8 2 16 0.2", "8 8 4 32 0.2"}) {
      const std::string cmd = std::string(argv[0]) + " --difference-one " + config;
      if (std::system(cmd.c_str()) != 0) return 1;
    }
  }
  return 0;
}
