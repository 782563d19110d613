// Seconds per e-prop training iteration (batch trials + the batch weight update) and nanoseconds
// per synapse-update of the eligibility-trace unit, on the shapes issue #11 names: the 600-LIF
// pattern-generation network, NEST's sine-wave regression shape (100 in / 100 LIF / 1 out, 1000
// steps, batch 1) and NEST's evidence-accumulation shape (40 in / 50 LIF + 50 ALIF / 2 out,
// 2250 steps, batch 32). The NEST workloads run the trials of the runtime's tasks in NEST's
// configurations (pattern-generation --preset nest-sine, evidence-accumulation; issue #13). Each row runs the fast kernel next to the plain definition
// (arith::etu_update per synapse, EpropConfig::reference_kernel) in the same process, and in float
// also the trial gradient as one matrix product (EpropConfig::trial_matrix); min and median over
// the repeats. Usage:
//   nchip_bench_eprop [--repeats R] [--workload NAME] [--quick]   (--quick: batch 4 for evidence)
#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "compiler/ir/network_json.hpp"
#include "compiler/lower.hpp"
#include "hw_model/arith/counter_rng.hpp"
#include "hw_model/functional/simulator.hpp"
#include "hw_model/learning/eprop_engine.hpp"
#include "hw_model/learning/worker_pool.hpp"
#include "runtime/tasks/task.hpp"

using namespace nchip;

namespace {

struct Workload {
  std::string name, network;
  uint32_t steps = 1000, batch = 1;
  double input_rate_hz = 50;
  bool classification = false;  // targets only in the last 150 steps (the recall window)
  // The runtime task whose trials drive the workload (issue #13): NEST's configurations as nchip
  // tasks (pattern-generation --preset nest-sine, evidence-accumulation); empty: the bench's own
  // Poisson trials at input_rate_hz.
  std::string task{}, preset{};
};

// Poisson inputs and targets of trial `trial`, the same for every run of a workload.
struct TrialData {
  std::vector<std::vector<uint32_t>> inputs;
  std::vector<double> targets;  // [t * n_out + k]
  std::vector<uint8_t> has_target;
};

TrialData make_trial(const Workload& w, uint32_t n_in, uint32_t n_out, uint64_t trial) {
  TrialData d;
  if (!w.task.empty()) {
    runtime::TaskOptions options;
    if (!w.preset.empty()) runtime::apply_task_preset(w.task, w.preset, options);
    const runtime::Trial t = runtime::make_task(w.task, options)->make_trial(1, trial);
    if (t.n_inputs != n_in || t.n_outputs != n_out || t.steps != w.steps)
      throw std::runtime_error(w.name + ": the task's shape differs from the network's");
    d.inputs = t.input_spikes;
    d.targets = t.target;
    d.has_target = t.target_mask;
    return d;
  }
  d.inputs.resize(w.steps);
  d.targets.assign(size_t{w.steps} * n_out, 0.0);
  d.has_target.assign(w.steps, 0);
  const double p = w.input_rate_hz * 1e-3;
  for (uint32_t t = 0; t < w.steps; ++t) {
    for (uint32_t i = 0; i < n_in; ++i)
      if (arith::counter_uniform({trial, 1, i, t}) < p) d.inputs[t].push_back(i);
    d.has_target[t] = !w.classification || t + 150 >= w.steps;
    for (uint32_t k = 0; k < n_out; ++k)
      d.targets[size_t{t} * n_out + k] =
          w.classification ? (k == trial % n_out ? 1.0 : 0.0) : std::sin(6.283185307 * (t / 200.0 + k / 3.0 + trial));
  }
  return d;
}

template <class Ops>
std::vector<arith::Num<Ops, arith::Quantity::voltage>> targets_in(const Ops& ops, const std::vector<double>& t) {
  std::vector<arith::Num<Ops, arith::Quantity::voltage>> out(t.size());
  for (size_t i = 0; i < t.size(); ++i) out[i] = arith::from_real<arith::Quantity::voltage>(ops, t[i]);
  return out;
}

struct Stats {
  double min_s = 0, median_s = 0, eligibility_min_s = 0;
};

Stats summarize(std::vector<double> iteration_s, std::vector<double> eligibility_s) {
  std::sort(iteration_s.begin(), iteration_s.end());
  std::sort(eligibility_s.begin(), eligibility_s.end());
  return {iteration_s.front(), iteration_s[iteration_s.size() / 2], eligibility_s.front()};
}

// `repeats` training iterations (after one warm-up) of workload `w` with ops `ops`.
template <class Ops>
Stats time_iterations(const Workload& w, const ir::Network& net, const Ops& ops, const learning::EpropConfig& config,
                      int repeats, uint64_t* plastic_synapses) {
  auto model = compiler::lower(net, ops);
  learning::EpropEngine<Ops> engine(model, ops, config);
  const uint32_t n_in = model.n_inputs, n_out = model.n_readouts();
  *plastic_synapses = 0;
  for (const auto* m : {&model.input_synapses, &model.recurrent_synapses})
    for (size_t s = 0; s < m->size(); ++s) *plastic_synapses += m->plastic[s];
  std::vector<TrialData> trials;
  for (uint32_t b = 0; b < w.batch; ++b) trials.push_back(make_trial(w, n_in, n_out, b));
  std::vector<double> iteration_s, eligibility_s;
  for (int r = 0; r <= repeats; ++r) {
    const double elig_before = engine.timers().eligibility_s;
    const auto start = std::chrono::steady_clock::now();
    for (uint32_t b = 0; b < w.batch; ++b) {
      const auto targets = targets_in(ops, trials[b].targets);
      functional::Simulator<Ops> sim(model, ops, 100 + b);
      engine.begin_trial();
      for (uint32_t t = 0; t < w.steps; ++t)
        engine.step(sim, trials[b].inputs[t], &targets[size_t{t} * n_out], trials[b].has_target[t] != 0);
      engine.end_trial(w.steps);
    }
    engine.end_batch();
    if constexpr (std::is_same_v<Ops, arith::FixedOps>) {
      engine.apply_batch_update({learning::BatchRule::sgd, 1e-6, 1, static_cast<uint64_t>(r), {}, {}, {}});
    } else {  // the host's plain SGD (the optimizer is not what is measured here)
      for (size_t s = 0; s < model.recurrent_synapses.size(); ++s)
        model.recurrent_synapses.weight[s] -= 1e-6 * engine.gradient(learning::SynapseSet::recurrent, s);
    }
    engine.clear_gradients();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (r == 0) continue;  // warm-up
    iteration_s.push_back(s);
    eligibility_s.push_back(engine.timers().eligibility_s - elig_before);
  }
  return summarize(iteration_s, eligibility_s);
}

}  // namespace

int main(int argc, char** argv) {
  int repeats = 7;
  bool quick = false;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--repeats") && i + 1 < argc) repeats = std::max(1, std::stoi(argv[++i]));
    else if (!std::strcmp(argv[i], "--workload") && i + 1 < argc) only = argv[++i];
    else if (!std::strcmp(argv[i], "--quick")) quick = true;
  }
  const std::string src = NCHIP_SOURCE_DIR;
  std::vector<Workload> workloads = {
      {"pattern-generation-600", src + "/examples/networks/pattern_generation.json", 1000, 1, 50, false},
      {"nest-sine-shape", src + "/bench/networks/nest_sine_shape.json", 1000, 1, 50, false, "pattern-generation",
       "nest-sine"},
      {"nest-evidence-shape", src + "/bench/networks/nest_evidence_shape.json", 2250, quick ? 4u : 32u, 20, true,
       "evidence-accumulation", ""},
  };
  fmt::print("e-prop training iteration (batch + weight update); min / median of {} repeats; "
             "ns/update = eligibility time / (plastic synapses x steps x batch); {} cores\n",
             repeats, learning::WorkerPool::default_threads());
  fmt::print("{:<24} {:<17} {:<10} {:>3} {:>11} {:>11} {:>10} {:>9}\n", "workload", "mode", "kernel", "thr",
             "s/iter min", "s/iter med", "ns/update", "speed-up");
  for (const Workload& w : workloads) {
    if (!only.empty() && only != w.name) continue;
    const ir::Network net = ir::read_network_file(w.network);
    struct Mode {
      const char* name;
      bool fixed;
      arith::Rounding rounding;
    };
    for (const Mode mode : {Mode{"float", false, arith::Rounding::nearest},
                            Mode{"fixed nearest", true, arith::Rounding::nearest},
                            Mode{"fixed stochastic", true, arith::Rounding::stochastic}}) {
      double reference_min = 0;
      struct Variant {
        const char* kernel;
        bool reference;
        unsigned threads;
        bool trial_matrix = false;
      };
      std::vector<Variant> variants = {{"reference", true, 1}, {"fast", false, 1}, {"fast", false, 2}};
      if (!mode.fixed) variants.push_back({"matrix", false, 1, true});  // float: the trial as one product
      for (const Variant& v : variants) {
        learning::EpropConfig config;
        config.threads = v.threads;
        config.reference_kernel = v.reference;
        config.trial_matrix = v.trial_matrix;
        config.reg_strength = 0.0;
        if (w.classification) {
          config.error = learning::ErrorKind::classification;
          config.classification = mode.fixed ? arith::ClassificationError::softmax_exp_lut
                                             : arith::ClassificationError::softmax_exact;
        }
        uint64_t plastic = 0;
        Stats st;
        if (mode.fixed) {
          arith::QuantConfig q;
          q.rounding = mode.rounding;
          q[arith::Quantity::update_accumulator] = {32, 16, true};
          arith::SaturationCounts counts;
          st = time_iterations(w, net, arith::FixedOps(q, counts), config, repeats, &plastic);
        } else {
          st = time_iterations(w, net, arith::FloatOps{}, config, repeats, &plastic);
        }
        if (v.reference) reference_min = st.min_s;
        const double updates = static_cast<double>(plastic) * w.steps * w.batch;
        fmt::print("{:<24} {:<17} {:<10} {:>3} {:>11.4f} {:>11.4f} {:>10.3f} {:>8.1f}x\n", w.name, mode.name, v.kernel,
                   v.threads, st.min_s, st.median_s, st.eligibility_min_s / updates * 1e9, reference_min / st.min_s);
        std::fflush(stdout);
      }
    }
  }
  return 0;
}
