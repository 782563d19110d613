// SystemC backend against the functional backend, side by side in one run:
//   1. wall time per training iteration of both seed tasks (fixed point, on-chip e-prop), their
//      ratio, and the chip's emulated time and energy per iteration;
//   2. how SystemC inference wall time grows with mesh size and traffic (each mesh size in its own
//      process, since SystemC elaborates once per process).
//      Both SystemC NoC models run beside the functional model: the NoC engine (the default) and the
//      reference threads (hw_model/systemc/README.md), with a check that their timing is the same.
// Usage: nchip_bench_systemc [--pg-iterations N] [--sr-batch B] [--repeats R] [--skip-training] [--skip-scaling]
//        nchip_bench_systemc --scaling-one W H RATE R   (one line; used by the scaling table)
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <vector>
#include <cstdlib>
#include <cstring>
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

// One mesh and rate: the functional model, the SystemC chip with the NoC engine and with the
// reference threads, each `repeats` times in this process; min / median wall times.
int scaling_one(uint32_t w, uint32_t h, double rate, uint32_t repeats) {
  const uint32_t inputs = 64, steps = 1000;
  image::ChipConfig chip;
  chip.name = "scaling";
  chip.mesh_width = w;
  chip.mesh_height = h;
  chip.core_max_neurons = (256 + w * h - 2) / (w * h - 1);  // one core left for the readouts
  const image::ChipImage img = compiler::compile_network(scaling_network(inputs), chip, arith::QuantConfig{});
  functional::InputSpikes in(steps);
  for (uint32_t t = 0; t < steps; ++t)
    for (uint32_t i = 0; i < inputs; ++i)
      if (arith::counter_uniform({7, 1, i, t}) < rate) in[t].push_back(i);
  auto& timed = systemc::TimedChip::instance(w, h);
  std::vector<double> functional_s, events_s, threads_s;
  functional::Recording f, e, th;
  systemc::ChipStats events_stats, threads_stats;
  for (uint32_t r = 0; r < repeats; ++r) {
    arith::SaturationCounts c1, c2, c3;
    auto t0 = Clock::now();
    f = functional::run_network(img.network, arith::FixedOps(img.quant, c1), in, steps, 1, false);
    functional_s.push_back(since(t0));
    timed.set_noc_model(systemc::NocModel::events);
    t0 = Clock::now();
    e = systemc::run_network_timed(timed, img, img.network, arith::FixedOps(img.quant, c2), in, steps, 1, false);
    events_s.push_back(since(t0));
    events_stats = timed.stats();
    timed.set_noc_model(systemc::NocModel::threads);
    t0 = Clock::now();
    th = systemc::run_network_timed(timed, img, img.network, arith::FixedOps(img.quant, c3), in, steps, 1, false);
    threads_s.push_back(since(t0));
    threads_stats = timed.stats();
  }
  const MinMedian fm = min_median(functional_s), em = min_median(events_s), tm = min_median(threads_s);
  uint64_t spikes = 0;
  for (const auto& v : f.spikes) spikes += v.size();
  const bool identical = f.spikes == e.spikes && f.readouts == e.readouts && f.spikes == th.spikes;
  const bool same_timing = events_stats.total_cycles == threads_stats.total_cycles &&
                           events_stats.sum_stalls().link_busy_cycles == threads_stats.sum_stalls().link_busy_cycles &&
                           events_stats.sum_stalls().backpressure_cycles ==
                               threads_stats.sum_stalls().backpressure_cycles;
  fmt::print("| {}x{} | {:.2f} | {} | {} | {} | {:.2f} / {:.2f} | {:.2f} / {:.2f} | {:.1f} | {:.1f} / {:.1f} | "
             "{:.1f} | {:.0f} | {} | {} |\n",
             w, h, rate, spikes, events_stats.packets, events_stats.hops, fm.min * 1e3, fm.median * 1e3,
             em.min * 1e3, em.median * 1e3, em.min / fm.min, tm.min * 1e3, tm.median * 1e3, tm.min / fm.min,
             events_stats.mean_step_cycles(), identical ? "yes" : "NO", same_timing ? "yes" : "NO");
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 6 && !std::strcmp(argv[1], "--scaling-one"))
    return scaling_one(static_cast<uint32_t>(std::stoul(argv[2])), static_cast<uint32_t>(std::stoul(argv[3])),
                       std::stod(argv[4]), static_cast<uint32_t>(std::stoul(argv[5])));
  uint32_t pg_iterations = 1, sr_batch = 16, repeats = 3;
  bool training = true, scaling = true;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--pg-iterations") && i + 1 < argc) pg_iterations = static_cast<uint32_t>(std::stoul(argv[++i]));
    else if (!std::strcmp(argv[i], "--sr-batch") && i + 1 < argc) sr_batch = static_cast<uint32_t>(std::stoul(argv[++i]));
    else if (!std::strcmp(argv[i], "--repeats") && i + 1 < argc) repeats = static_cast<uint32_t>(std::stoul(argv[++i]));
    else if (!std::strcmp(argv[i], "--skip-training")) training = false;
    else if (!std::strcmp(argv[i], "--skip-scaling")) scaling = false;
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
    fmt::print("\nInference scaling (256 LIF + 64 inputs, 1000 steps, one process per mesh; wall ms min / median "
               "of {} repeats; ratios of the minima)\n\n", repeats);
    fmt::print("| mesh | input rate/step | spikes | packets | hops | functional ms | SystemC ms (NoC engine) | ratio | "
               "SystemC ms (threads) | ratio | cycles/step | identical | same timing |\n"
               "|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    std::fflush(stdout);
    for (const char* mesh : {"2 2", "4 4", "8 8"})
      for (const char* rate : {"0.02", "0.2"}) {
        const std::string cmd =
            std::string(argv[0]) + " --scaling-one " + mesh + " " + rate + " " + std::to_string(repeats);
        if (std::system(cmd.c_str()) != 0) return 1;
      }
  }
  return 0;
}
