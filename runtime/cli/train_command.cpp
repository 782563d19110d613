// `nchip train`: on-chip e-prop learning of a task (float reference or fixed-point chip), one
// progress line per iteration, DIR/curve.csv (rewritten after every iteration), DIR/metrics.json
// and DIR/trained.json (IR JSON with the learned weights, replayable with `nchip run`).
// Ctrl-C or SIGTERM stops after the current iteration (a second one within one trial) and still
// writes all three files; exit code 130 (SIGINT) or 143 (SIGTERM).
// --net accepts an IR JSON or a chip image (nchip compile): an image trains in fixed mode from its
// own raw weights and constants, with the QuantConfig and storage scheme it was compiled with, and
// its trained.json is an IR rebuilt from the image (compiler::training_network).
// A checkpoint (DIR/checkpoint.nchip-train) before iteration 1, then after the first iteration
// ending --checkpoint-seconds S (default 30) after the last one (or after every --checkpoint-every
// N iterations), after the last and when stopped lets `nchip train --resume DIR` continue a killed
// run bit for bit (train_resume.hpp).
// --record-etu FILE also records the input stream of the eligibility-trace unit (fixed mode, full
// storage) for `nchip cosim --stimulus recorded FILE`.
#include <boost/program_options.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <nlohmann/json.hpp>

#include "compiler/image_network.hpp"
#include "compiler/ir/network_json.hpp"
#include "compiler/quant_config_json.hpp"
#include "hw_model/error.hpp"
#include "hw_model/text_check.hpp"
#include "hw_model/learning/eprop_engine.hpp"
#include "hw_model/learning/worker_pool.hpp"
#include "rtl/cosim/etu_record.hpp"
#include "runtime/cli/command.hpp"
#include "runtime/cli/nir_options.hpp"
#include "runtime/cli/options.hpp"
#include "runtime/cli/task_flags.hpp"
#include "runtime/cli/train_resume.hpp"
#include "runtime/cli/version.hpp"
#include "runtime/data/fashion_mnist_task.hpp"
#include "runtime/data/trial_set_h5.hpp"
#include "runtime/data/trial_set_task.hpp"
#include "runtime/io/atomic_file.hpp"
#include "runtime/io/output_directory.hpp"
#include "runtime/cli/systemc_backend.hpp"
#include "runtime/train/default_networks.hpp"
#include "runtime/backend/rtl_etu_unit.hpp"
#include "runtime/train/trainer.hpp"
#include "runtime/tasks/message_text.hpp"

#if NCHIP_HAVE_RTL
#include "rtl/cosim/etu_dut.hpp"
#endif

namespace nchip::runtime {

namespace po = boost::program_options;

namespace {

// --record-etu: the engine's ETU observer writing rtl::EtuRecordWriter records, up to `limit`
// updates (the rest are counted, not written; any prefix of the stream replays on its own,
// since every record carries the synapse state it was applied to).
class EtuRecorder final : public learning::EtuObserver<arith::FixedOps> {
 public:
  EtuRecorder(const std::string& path, const arith::QuantConfig& quant, uint64_t limit)
      : writer_(path, quant), limit_(limit) {}

  void on_etu_update(learning::SynapseSet, uint32_t, const arith::EtuNeuronInput<arith::FixedOps>& neuron,
                     const arith::Fx<arith::Quantity::trace>& zbar,
                     const arith::EtuSynapseState<arith::FixedOps>& state, const arith::DrawKey& key) override {
    if (seen_++ < limit_) {
      writer_.write(neuron, zbar, state, key);
    } else if (seen_ == limit_ + 1) {
      stopped_at_step_ = key.step;
    }
  }
  void close() { writer_.close(); }
  uint64_t recorded() const { return writer_.count(); }
  uint64_t seen() const { return seen_; }
  uint64_t limit() const { return limit_; }
  bool limit_reached() const { return seen_ > limit_; }
  uint64_t stopped_at_step() const { return stopped_at_step_; }  // engine step of the first one left out

 private:
  rtl::EtuRecordWriter writer_;
  uint64_t limit_;
  uint64_t seen_ = 0, stopped_at_step_ = 0;
};

constexpr int64_t kDefaultRecordEtuLimit = 1'000'000;  // 64 MB of records
// A kill -9 then costs at most this much work; a checkpoint of a 600-LIF float run takes ~0.12 s.
constexpr double kDefaultCheckpointSeconds = 30;

// SIGINT (Ctrl-C) and SIGTERM (kill, a batch system's time limit) alike: the first stops after the
// current iteration, a second one within one trial (abandoning that iteration); all three files
// are written either way and the exit code is 128 + the first signal (130 or 143).
std::atomic<bool> g_stop{false}, g_stop_now{false};
std::atomic<int> g_stop_signal{0};
extern "C" void on_train_stop_signal(int signal) {
  if (g_stop.load()) {
    g_stop_now.store(true);
  } else {
    g_stop_signal.store(signal);
    g_stop.store(true);
  }
}

// Installs the handlers for the lifetime of the training, then restores the previous ones.
struct SigintGuard {
  using Handler = void (*)(int);
  Handler previous_int, previous_term;
  SigintGuard() {
    g_stop.store(false);
    g_stop_now.store(false);
    g_stop_signal.store(0);
    previous_int = std::signal(SIGINT, on_train_stop_signal);
    previous_term = std::signal(SIGTERM, on_train_stop_signal);
  }
  ~SigintGuard() {
    std::signal(SIGINT, previous_int == SIG_ERR ? SIG_DFL : previous_int);
    std::signal(SIGTERM, previous_term == SIG_ERR ? SIG_DFL : previous_term);
  }
};

std::string curve_csv(const std::vector<IterationRecord>& curve, const std::string& metric_name) {
  std::string out = fmt::format(
      "iteration,loss,{},train_recall_error,mean_rate_hz,lr,seconds,neuron_s,learning_signal_s,"
      "eligibility_s,update_s,validation_s,weight_update_saturations,online_updates\n",
      metric_name);
  for (const auto& r : curve)
    out += fmt::format("{},{:.9g},{:.9g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{:.6g},{},{}\n",
                       r.iteration, r.loss, r.metric, r.train_recall_error, r.mean_rate_hz, r.lr,
                       r.seconds, r.neuron_s, r.learning_signal_s, r.eligibility_s, r.update_s,
                       r.validation_s, r.weight_update_saturations, r.online_updates);
  return out;
}

// "saturations: none" or "saturations: weight 5, update_accumulator 19267359; weights clamped by
// the batch weight update: 5" (those are part of the weight count).
std::string saturation_summary(const TrainResult& r) {
  if (r.saturations.total() == 0) return "saturations: none";
  return fmt::format("saturations: {}; weights clamped by the batch weight update: {}",
                     saturation_text(r.saturations), r.weight_update_saturations);
}

// The effective number formats of the fixed-point run, one line for the header (Adam's m and v,
// used by --optimizer adam only, are on its own line).
std::string formats_line(const arith::QuantConfig& q) {
  std::string out = "formats:";
  for (arith::Quantity quantity : arith::kAllQuantities) {
    if (quantity == arith::Quantity::adam_m || quantity == arith::Quantity::adam_v) continue;
    out += fmt::format(" {} {}{}", arith::to_string(quantity), q[quantity].describe(),
                       quantity == arith::kAllQuantities.back() ? ";" : ",");
  }
  return out + fmt::format(" rounding {}, update_rounding {}", arith::to_string(q.rounding),
                           arith::to_string(q.update_rounding));
}

// "45 s", "4 min 12 s", "1 h 05 min": a time left for the progress lines.
std::string duration_text(double seconds) {
  const auto s = static_cast<long long>(seconds + 0.5);
  if (s < 60) return fmt::format("{} s", s);
  if (s < 3600) return fmt::format("{} min {:02} s", s / 60, s % 60);
  return fmt::format("{} h {:02} min", s / 3600, (s % 3600) / 60);
}

nlohmann::json metrics_json(const TrainOptions& o, const std::string& network_name, const TrainResult& r) {
  nlohmann::json j;
  j["task"] = o.task;
  j["network"] = network_name;
  j["mode"] = to_string(o.mode);
  j["algorithm"] = to_string(o.algorithm);
  j["feedback"] = o.algorithm == Algorithm::eprop ? to_string(o.eprop.feedback) : "none";
  j["storage"] = to_string(o.eprop.storage);
  j["optimizer"] = to_string(o.optimizer);
  j["lr"] = o.lr;
  j["lr_decay_every"] = o.lr_decay_every;
  j["lr_decay_factor"] = o.lr_decay_factor;
  j["batch"] = o.batch;
  j["seed"] = o.seed;
  j["reg_strength"] = o.eprop.reg_strength;
  j["reg_target_rate_hz"] = o.eprop.reg_target_rate_hz;
  // An RTL-in-the-loop run says so: which core's eligibility-trace unit was the verilated RTL.
  if (o.systemc_backend && o.systemc.rtl_etu_core >= 0) j["rtl_etu_core"] = o.systemc.rtl_etu_core;
  j["iterations_requested"] = o.iterations;
  j["iterations_done"] = r.curve.size();
  j["interrupted"] = r.interrupted;
  j["metric_name"] = r.metric_name;
  if (!r.curve.empty()) {
    const auto& last = r.curve.back();
    j["final_loss"] = last.loss;
    j["final_metric"] = last.metric;
    j["final_mean_rate_hz"] = last.mean_rate_hz;
    double total = 0, neuron = 0, signal = 0, elig = 0, update = 0, val = 0;
    for (const auto& c : r.curve)
      total += c.seconds, neuron += c.neuron_s, signal += c.learning_signal_s, elig += c.eligibility_s,
          update += c.update_s, val += c.validation_s;
    const double n = static_cast<double>(r.curve.size());
    j["seconds_per_iteration"] = {{"total", total / n}, {"neuron", neuron / n}, {"learning_signal", signal / n},
                                  {"eligibility", elig / n}, {"weight_update", update / n}, {"validation", val / n}};
  }
  if (r.metric_name == "recall_error_rate")  // null: never below 5 %
    j["first_iteration_below_5_percent"] =
        r.first_iteration_below_5_percent ? nlohmann::json(*r.first_iteration_below_5_percent) : nlohmann::json();
  if (r.test_error_rate) {
    j["test_trials"] = o.test_trials;
    j["test_error_rate"] = *r.test_error_rate;
    j["test_accuracy"] = 1.0 - *r.test_error_rate;
  }
  // Plastic synapses whose final weight differs from the initial one.
  j["plastic_synapses"] = r.plastic_synapses;
  j["weights_changed"] = r.weights_changed;
  j["bits_per_synapse"] = {{"lif_target", r.bits_per_synapse_lif}, {"alif_target", r.bits_per_synapse_alif}};
  // The batch optimizer's share of those bits (on chip: its declared formats; float: doubles), and
  // over every plastic synapse (per core: nchip compile --optimizer's report).
  const uint32_t optimizer_bits =
      o.mode == TrainMode::fixed_chip
          ? (o.eprop.storage == learning::StorageScheme::full ? optimizer_state_bits(o.optimizer, o.quant) : 0)
          : o.optimizer == OptimizerKind::adafactor ? 0 : 64 * learning::optimizer_state_words(batch_rule(o.optimizer));
  j["optimizer_state_bits"] = {{"per_plastic_synapse", optimizer_bits},
                               {"per_projection_statistics", r.factor_state_bits},
                               {"total", uint64_t{optimizer_bits} * r.plastic_synapses + r.factor_state_bits}};
  if (o.mode == TrainMode::fixed_chip) {
    j["quant"] = nlohmann::json::parse(compiler::quant_config_to_json(o.quant));
    j["saturations"] = saturation_json(r.saturations);
    j["weight_update_saturations"] = r.weight_update_saturations;
    if (!r.curve.empty()) j["online_updates"] = r.curve.back().online_updates;
  }
  return j;
}

// --data: the file's shape and time step against the network's, before anything is written; each
// mismatch names the file's attribute.
void check_data_fits(const std::string& path, const TrialSet& set, const TrialSetTask& task, const ir::Network& network,
                     const TrainOptions& o) {
  const uint32_t inputs = network_input_count(network);
  uint32_t readouts = 0;
  for (const auto& p : network.populations) readouts += p.type == ir::PopulationType::readout ? p.size : 0;
  if (set.n_inputs != inputs)
    throw InputError(fmt::format("{}: / attribute 'n_inputs': {} input channels, but network '{}' has {} inputs",
                                 path, set.n_inputs, network.name, inputs));
  if (set.n_outputs != readouts)
    throw InputError(fmt::format("{}: / attribute 'n_outputs': {} outputs, but network '{}' has {} readouts", path,
                                 set.n_outputs, network.name, readouts));
  if (set.dt_ms != network.dt_ms)
    throw InputError(fmt::format("{}: / attribute 'dt_ms': {} ms, but network '{}' steps {} ms", path, set.dt_ms,
                                 network.name, network.dt_ms));
  if (task.loss() == LossKind::cross_entropy && o.validation_trials > 0 && task.validation_count() == 0)
    throw InputError(fmt::format("{}: /split: no validation trials for the per-iteration error rate; mark some 1 in "
                                 "/split, give --validation-data FILE, or --validation-trials 0",
                                 path));
}

}  // namespace

po::options_description train_options_description() {
  po::options_description opts("usage: nchip train --task TASK --out DIR [options]\n"
                               "       nchip train --data TRIALS.h5 --net NET.json --out DIR [options]\n\noptions");
  opts.add_options()
      ("help,h", "show this help")
      ("task", po::value<std::string>(), "pattern-generation, store-recall, evidence-accumulation or fashion-mnist")
      ("data", po::value<std::string>(), "train on the trials of this trial-set file (HDF5, docs/data.md) instead of "
                                         "a --task; needs --net")
      ("validation-data", po::value<std::string>(), "with --data: validate on every trial of this file (else on the "
                                                    "training file's /split = 1 trials)")
      ("shuffle", po::value<std::string>()->default_value("on"), "with --data or --task fashion-mnist: on (each "
                                                                "epoch's training trials in an order drawn from "
                                                                "--seed) or off (file order)")
      ("preset", po::value<std::string>(), "a named task configuration: nest-sine (pattern-generation as NEST's "
                                          "sine-wave regression: 100 frozen Poisson inputs at 50 Hz, 1 readout, periods "
                                          "1000, 500, 333, 200 ms; default network examples/networks/sine_waves.json)")
      ("net", po::value<std::string>(), "network IR JSON, NIR graph (.nir, see --dt-ms) or chip image (nchip compile; fixed mode, its quant config "
                                       "and storage) (default: the task's paper network, weights drawn from --seed)")
      ("mode", po::value<std::string>()->default_value("float"), "float (double reference) or fixed (on-chip arithmetic)")
      ("quant", po::value<std::string>(), "QuantConfig JSON file (or inline JSON starting with '{') for --mode fixed (default: the built-in formats, the same as nchip compile's)")
      ("algorithm", po::value<std::string>()->default_value("eprop"),
       "eprop (the chip's learning rule) or bptt (exact gradient, float reference baseline)")
      ("feedback", po::value<std::string>()->default_value("random"), "random, symmetric or global feedback weights (e-prop)")
      ("storage", po::value<std::string>()->default_value("full"), "full (per-synapse state) or factored (per-neuron traces, online +-1 LSB; fixed only)")
      ("iterations", po::value<int64_t>()->default_value(100), "training iterations (weight updates)")
      ("batch", po::value<int64_t>(), "trials per iteration (default: pattern-generation 1, store-recall 128, evidence-accumulation 32)")
      ("steps", po::value<int64_t>(), "trial length in steps (default: the task's)")
      ("optimizer", po::value<std::string>(), "adam, sgd, sign (lr * sign of the batch gradient) or lion (lr * sign of an interpolated momentum, one more word per synapse; lr default 0.003); adam in fixed mode is the chip's Adam (m and v per synapse, betas the nearest 1 - 2^-N to --adam-beta1/2, 1/sqrt(v) by look-up table, hw_model/arith/adam_update.hpp); adafactor: Adafactor's factored second moment (row and column statistics per projection, no momentum, no per-synapse state; float and fixed); default: adam in float; in fixed: sgd for pattern-generation, sign for store-recall and evidence-accumulation (no optimizer state beyond w, e and acc; for pattern generation on chip adafactor, 48-bit row and column registers per projection and no per-synapse state, learned better than sgd at 100 LIF and on the paper network (bench/README.md) and is the one to try first (its default rate on chip, 0.03 / sqrt(N), is 0.003 at 100 LIF and 0.0012 on the paper's 600 LIF, where 0.003 stalls); docs/on-chip-training.md says why the defaults stay))")
      ("lr", po::value<double>(), "learning rate (default float/Adam: pattern-generation 0.003, store-recall 0.01, evidence-accumulation 0.005; fixed/SGD: "
                                  "0.9 / (steps x batch x N) and 61.44 / (steps x batch x N), N the LIF + ALIF neurons, i.e. 1.5e-6 and 1e-5 "
                                  "on the paper's networks; sign: 0.003; factored: 3e-4; adafactor in fixed mode on pattern-generation: 0.03 / sqrt(N), "
                                  "0.003 on 100 LIF, 0.0012 on 600)")
      ("lr-decay-every", po::value<int64_t>(), "multiply the learning rate by --lr-decay-factor every N iterations (default 100, evidence-accumulation 0 = never)")
      ("lr-decay-factor", po::value<double>(), "decay factor (default: pattern-generation 0.7, store-recall 0.3)")
      ("adam-beta1", po::value<double>()->default_value(0.9, "0.9"), "Adam beta1 (on chip: the nearest 1 - 2^-N, 0.9 -> 0.875)")
      ("adam-beta2", po::value<double>()->default_value(0.999, "0.999"), "Adam beta2 (on chip: the nearest 1 - 2^-N, 0.999 -> 0.99902)")
      ("adam-epsilon", po::value<double>()->default_value(1e-8, "1e-8"), "Adam epsilon (float; on chip epsilon^2 is one LSB of formats.adam_v)")
      ("lion-beta1-shift", po::value<int>()->default_value(3), "Lion beta1 = 1 - 2^-N (3: 0.875)")
      ("lion-beta2-shift", po::value<int>()->default_value(7), "Lion beta2 = 1 - 2^-N (7: 0.9922)")
      ("lr-shifts", po::value<std::string>()->default_value("none"), "none, or fan-in: projection p learns at lr x 2^-shift_p, shift_p = round(log2 sqrt(fan-in_p / smallest fan-in)), capped so no step rounds to 0 (one line per projection in the header)")
      ("reg-strength", po::value<double>(), "firing-rate regularization strength c (default 1; 0 = off)")
      ("target-rate", po::value<double>(), "regularization target rate in Hz (default 10)")
      ("softmax", po::value<std::string>(), "classification error: exact (float), lut (fixed, default) or hard-sigmoid")
      ("validation-trials", po::value<int64_t>()->default_value(32), "store-recall, evidence-accumulation: fresh trials scored per iteration (0: the recall error of the batch's own trials, before its update)")
      ("seed", po::value<int64_t>()->default_value(1), "seed of trials, default-network weights, feedback and rounding")
      ("threads", po::value<int64_t>()->default_value(0),
       "threads of the per-synapse learning work (0 = every core); outputs are the same bytes for every count")
      ("etu-kernel", po::value<std::string>()->default_value("fast"),
       "eligibility-trace unit implementation (functional backend): fast (vectorized, the default), reference "
       "(the plain definition, one update per synapse and step: the same bytes, ~10x slower) or, --mode float "
       "only, matrix (each trial's gradient as one matrix product: equal up to rounding, not bit for bit)")
      ("out", po::value<std::string>(), "output directory (created if missing)")
      ("checkpoint-every", po::value<int64_t>(), "write OUT/checkpoint.nchip-train after every N iterations "
                                                 "instead of by time (and the last; 0: never), for --resume")
      ("checkpoint-seconds", po::value<double>(), "without --checkpoint-every: write OUT/checkpoint.nchip-train "
                                                  "before iteration 1, after the first iteration that ends S seconds "
                                                  "after the last checkpoint (default 30), after the last iteration "
                                                  "and on Ctrl-C/SIGTERM; a kill -9 costs at most S s of work")
      ("resume", po::value<std::string>(), "continue the run in DIR from its checkpoint, with its own options (only "
                                           "--threads and --quiet may be given beside it); bit for bit the run "
                                           "that was not interrupted")
      ("record-etu", po::value<std::string>(),
       "record the eligibility-trace unit's per-synapse input stream of the training trials to FILE, "
       "for nchip cosim --stimulus recorded FILE (--mode fixed with --storage full)")
      ("record-etu-limit", po::value<int64_t>(),
       "stop recording after N updates, 64 bytes each (default 1000000)")
      ("rtl-etu", po::value<int64_t>(),
       "--backend systemc: run core CORE's eligibility-trace unit on the verilated RTL (rtl/etu.sv)")
      ("quiet", "no progress lines");
  add_nir_import_options(opts);  // --net NET.nir: a NIR graph, imported on the fly
  opts.add(task_shape_options_description());
  opts.add(fashion_mnist_options_description());
  add_backend_options(opts);  // --backend functional|systemc and the SystemC flags (issue #5)
  return opts;
}

po::options_description fashion_mnist_options_description() {
  po::options_description fm("fashion-mnist (runtime/data/fashion_mnist_task.hpp; also nchip data convert --from-fashion-mnist)");
  fm.add_options()
      ("encoding", po::value<std::string>(), "rows (default: 28 column channels, one row per step), pixels (the LSNN "
                                             "paper's 784-step threshold crossings, 80 channels) or latency (784 "
                                             "channels, one spike per pixel, brighter earlier)")
      ("train-images", po::value<int64_t>(), "training images: the first N of the training file (59000)")
      ("validation-images", po::value<int64_t>(), "validation images: the last N of the training file (1000)")
      ("test-images", po::value<int64_t>(), "test images scored after training: the first N of t10k (10000)")
      ("row-steps", po::value<int64_t>(), "rows: steps per image row (1)")
      ("latency-steps", po::value<int64_t>(), "latency: steps of the latency code (20)")
      ("pixel-threshold", po::value<int64_t>(), "rows, latency: grey value (of 255) at which a pixel spikes (128)")
      ("dataset-dir", po::value<std::string>(), "directory of the IDX .gz files (/usr/share/datasets/fashion-mnist)");
  // --recall-steps (task shape) is the decision window after the image (10).
  return fm;
}

FashionMnistOptions fashion_mnist_options(const po::variables_map& vm) {
  FashionMnistOptions f;
  if (vm.count("encoding")) f.encoding = vm["encoding"].as<std::string>();
  if (vm.count("train-images")) f.train_images = static_cast<uint32_t>(bounded(vm, "train-images", 0, 60'000));
  if (vm.count("validation-images")) f.validation_images = static_cast<uint32_t>(bounded(vm, "validation-images", 0, 60'000));
  if (vm.count("test-images")) f.test_images = static_cast<uint32_t>(bounded(vm, "test-images", 0, 10'000));
  if (vm.count("row-steps")) f.row_steps = static_cast<uint32_t>(bounded(vm, "row-steps", 1, 1000));
  if (vm.count("latency-steps")) f.latency_steps = static_cast<uint32_t>(bounded(vm, "latency-steps", 2, 10'000));
  if (vm.count("pixel-threshold")) f.pixel_threshold = static_cast<uint32_t>(bounded(vm, "pixel-threshold", 1, 255));
  if (vm.count("recall-steps")) f.recall_steps = static_cast<uint32_t>(bounded(vm, "recall-steps", 1, 100'000));
  if (vm.count("dataset-dir")) f.dir = vm["dataset-dir"].as<std::string>();
  return f;
}

namespace {

// `nchip train` up to the point where it would create --out: with `check` set it returns there
// (nothing written, warnings collected instead of printed), so `nchip sweep` validates a point
// with exactly train's parsing and checks.
// `resume` (--resume DIR): `args` are the checkpoint's, the output directory is resume->dir.
int train_main(const std::vector<std::string>& args, std::vector<std::string>* check,
               const TrainResume* resume = nullptr) {
  const po::options_description opts = train_options_description();
  po::variables_map vm;
  store_command_line(args, opts, po::positional_options_description{}, vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << opts << "\n";
    return 0;
  }
  if (vm.count("resume") && !resume)
    throw InputError("--resume: give it alone (with --threads or --quiet at most): the run keeps its own options");
  std::shared_ptr<TrialSetTask> data;
  std::optional<TrialSet> data_set;
  std::shared_ptr<FashionMnistTask> fashion;
  if (vm.count("data")) {
    if (vm.count("task")) throw InputError("--data and --task: the trials come from the file; give one of them");
    if (!vm.count("net"))
      throw InputError("--data: give the network to train with --net (its inputs and readouts must be the file's "
                       "n_inputs and n_outputs)");
    const po::options_description shape_flags = task_shape_options_description();
    for (const auto& option : shape_flags.options())
      if (vm.count(option->long_name()))
        throw InputError(fmt::format("--{}: the trials' shape comes from --data", option->long_name()));
    for (const char* flag : {"preset", "steps"})
      if (vm.count(flag)) throw InputError(fmt::format("--{}: the trials' shape comes from --data", flag));
    const std::string path = vm["data"].as<std::string>();
    data_set = read_trial_set(path);
    std::optional<TrialSet> validation;
    std::string validation_path;
    if (vm.count("validation-data")) {
      validation_path = vm["validation-data"].as<std::string>();
      validation = read_trial_set(validation_path);
    }
    const std::string shuffle = pick<std::string>("shuffle", vm["shuffle"].as<std::string>(), {{"on", "on"}, {"off", "off"}});
    data = make_trial_set_task(*data_set, path, validation ? &*validation : nullptr, validation_path, shuffle == "on");
  } else if (vm.count("task") && vm["task"].as<std::string>() == "fashion-mnist") {
    // A data set rather than a generator: its task sits where --data's would (o.data).
    const po::options_description shape_flags = task_shape_options_description();
    for (const auto& option : shape_flags.options())
      if (vm.count(option->long_name()) && option->long_name() != "recall-steps")
        throw InputError(fmt::format("--{}: not a fashion-mnist option (its shape: --encoding, --row-steps, "
                                     "--recall-steps, ...)", option->long_name()));
    for (const char* flag : {"preset", "steps", "validation-data"})
      if (vm.count(flag)) throw InputError(fmt::format("--{}: not a fashion-mnist option", flag));
    FashionMnistOptions f = fashion_mnist_options(vm);
    f.shuffle = pick<std::string>("shuffle", vm["shuffle"].as<std::string>(), {{"on", "on"}, {"off", "off"}}) == "on";
    if (f.encoding != "rows" && !vm.count("net"))
      throw InputError(fmt::format("--encoding {}: the default network is for rows (29 inputs); give --net with {} "
                                   "inputs and 10 readouts", f.encoding, f.encoding == "pixels" ? 81 : 785));
    fashion = std::make_shared<FashionMnistTask>(f);
  } else {
    for (const char* flag : {"validation-data"})
      if (vm.count(flag)) throw InputError(fmt::format("--{}: only with --data", flag));
    if (!vm["shuffle"].defaulted()) throw InputError("--shuffle: only with --data or --task fashion-mnist");
  }
  if (!fashion) {
    const po::options_description fm_flags = fashion_mnist_options_description();
    for (const auto& option : fm_flags.options())
      if (vm.count(option->long_name()))
        throw InputError(fmt::format("--{}: only with --task fashion-mnist", option->long_name()));
  }
  if (!vm.count("task") && !data)
    throw InputError("--task is required (pattern-generation, store-recall or evidence-accumulation), or --data FILE");
  if (!vm.count("out") && !resume) throw InputError("--out DIR is required");

  TrainOptions o;
  // With --data the task name picks the defaults only: regression as pattern generation,
  // classification as evidence accumulation (batch 32, Adam 5e-3 in float, sign SGD on chip).
  const std::string task = data      ? (data->loss() == LossKind::mse ? "pattern-generation" : "evidence-accumulation")
                           : fashion ? "evidence-accumulation"
                                     : vm["task"].as<std::string>();
  if (!is_training_task(task))
    throw InputError(fmt::format("--task: expected pattern-generation, store-recall or evidence-accumulation, got '{}'",
                                 task));
  apply_task_defaults(task, o);
  o.task_shape = task_shape_options(vm);
  if (data) o.data = data;
  if (fashion) o.data = fashion;
  const std::string preset = vm.count("preset") ? vm["preset"].as<std::string>() : "";
  if (vm.count("preset")) apply_task_preset(task, preset, o.task_shape);
  o.mode = pick<TrainMode>("mode", vm["mode"].as<std::string>(),
                           {{"float", TrainMode::float_reference}, {"fixed", TrainMode::fixed_chip}});
  o.eprop.feedback = pick<learning::FeedbackKind>(
      "feedback", vm["feedback"].as<std::string>(),
      {{"random", learning::FeedbackKind::random}, {"symmetric", learning::FeedbackKind::symmetric},
       {"global", learning::FeedbackKind::global}});
  o.algorithm = pick<Algorithm>("algorithm", vm["algorithm"].as<std::string>(),
                                {{"eprop", Algorithm::eprop}, {"bptt", Algorithm::bptt}});
  if (o.algorithm == Algorithm::bptt && !vm["feedback"].defaulted())
    throw InputError("--feedback: BPTT backpropagates the exact error and has no feedback weights; "
                     "drop --feedback or use --algorithm eprop");
  o.eprop.storage = pick<learning::StorageScheme>(
      "storage", vm["storage"].as<std::string>(),
      {{"full", learning::StorageScheme::full}, {"factored", learning::StorageScheme::factored}});
  const bool fixed = o.mode == TrainMode::fixed_chip;
  // A chip image trains as compiled: fixed point, its QuantConfig, its learning-state storage.
  std::optional<image::ChipImage> chip_image;
  if (vm.count("net") && image::file_has_image_magic(vm["net"].as<std::string>())) {
    const std::string path = vm["net"].as<std::string>();
    if (!fixed || vm.count("quant"))
      throw InputError(path + ": a chip image trains in fixed mode with the quant config it was compiled with; "
                       "--mode float and --quant need the IR JSON");
    refuse_nir_flags(path, vm);
    chip_image = image::read_image_file(path);
    const auto storage = chip_image->storage;  // one StorageScheme for image and engine
    if (!vm["storage"].defaulted() && o.eprop.storage != storage)
      throw InputError(fmt::format("{}: the chip image was compiled for --storage {}; --storage {} needs an image "
                                   "compiled with it (nchip compile --storage) or the IR JSON",
                                   path, image::to_string(chip_image->storage), to_string(o.eprop.storage)));
    o.eprop.storage = storage;
  }
  o.optimizer = default_optimizer(o);
  const bool optimizer_chosen = vm.count("optimizer") > 0;
  if (optimizer_chosen)
    o.optimizer = pick<OptimizerKind>("optimizer", vm["optimizer"].as<std::string>(),
                                      {{"adam", OptimizerKind::adam}, {"sgd", OptimizerKind::sgd}, {"sign", OptimizerKind::sign},
                                       {"lion", OptimizerKind::lion}, {"adafactor", OptimizerKind::adafactor}});
  o.eprop.classification = fixed ? arith::ClassificationError::softmax_exp_lut
                                 : arith::ClassificationError::softmax_exact;
  if (vm.count("softmax")) {
    if (task == "pattern-generation")
      throw InputError(data ? "--softmax: only for classification data (/labels); this file has /targets"
                            : "--softmax: only for classification tasks (store-recall, evidence-accumulation)");
    o.eprop.classification = pick<arith::ClassificationError>(
        "softmax", vm["softmax"].as<std::string>(),
        {{"exact", arith::ClassificationError::softmax_exact},
         {"lut", arith::ClassificationError::softmax_exp_lut},
         {"hard-sigmoid", arith::ClassificationError::hard_sigmoid}});
  }
  if (fixed) {
    o.quant = chip_image ? chip_image->quant : arith::QuantConfig{};
  }
  if (vm.count("quant")) {
    if (!fixed) throw InputError("--quant: only used with --mode fixed");
    // Inline JSON (starting with '{', as nchip sweep passes a point's config) or a file.
    const std::string quant = vm["quant"].as<std::string>();
    o.quant = !quant.empty() && quant.front() == '{' ? compiler::parse_quant_config_json(quant, "--quant")
                                                     : compiler::read_quant_config_file(quant);
  }
  o.iterations = static_cast<uint32_t>(bounded(vm, "iterations", 1, 100'000'000));
  if (vm.count("batch")) o.batch = static_cast<uint32_t>(bounded(vm, "batch", 1, 1'000'000));
  if (vm.count("steps")) o.steps = static_cast<uint32_t>(bounded(vm, "steps", 1, 100'000'000));
  if (vm.count("lr")) o.lr = vm["lr"].as<double>();
  if (vm.count("lr-decay-every")) o.lr_decay_every = static_cast<uint32_t>(bounded(vm, "lr-decay-every", 0, 100'000'000));
  if (vm.count("lr-decay-factor")) o.lr_decay_factor = vm["lr-decay-factor"].as<double>();
  o.adam_beta1 = vm["adam-beta1"].as<double>();
  o.adam_beta2 = vm["adam-beta2"].as<double>();
  o.adam_epsilon = vm["adam-epsilon"].as<double>();
  o.lion = {vm["lion-beta1-shift"].as<int>(), vm["lion-beta2-shift"].as<int>()};
  o.lr_shifts = pick<bool>("lr-shifts", vm["lr-shifts"].as<std::string>(), {{"none", false}, {"fan-in", true}});
  if (vm.count("reg-strength")) o.eprop.reg_strength = vm["reg-strength"].as<double>();
  if (vm.count("target-rate")) o.eprop.reg_target_rate_hz = vm["target-rate"].as<double>();
  o.validation_trials = static_cast<uint32_t>(bounded(vm, "validation-trials", 0, 1'000'000));
  if (data) o.test_trials = static_cast<uint32_t>(data->test_count());
  if (fashion) o.test_trials = fashion->options().test_images;
  if (fashion && o.validation_trials > 0 && fashion->options().validation_images == 0)
    throw InputError("--validation-images 0 leaves no validation images for --validation-trials (give 0 to both)");
  o.seed = non_negative(vm, "seed");
  o.eprop.threads = resume && resume->threads ? *resume->threads
                                               : static_cast<unsigned>(bounded(vm, "threads", 0, 1024));
  {
    const std::string etu_kernel = pick<std::string>("etu-kernel", vm["etu-kernel"].as<std::string>(),
                                                     {{"fast", "fast"}, {"reference", "reference"}, {"matrix", "matrix"}});
    o.eprop.reference_kernel = etu_kernel == "reference";
    o.eprop.trial_matrix = etu_kernel == "matrix";
    if (o.eprop.trial_matrix && fixed)
      throw InputError("--etu-kernel matrix: only with --mode float (the chip rounds every step; use fast or reference)");
  }
  configure_systemc_training(vm, vm["mode"].as<std::string>(), o, chip_image ? &chip_image->chip : nullptr);
  if ((o.eprop.reference_kernel || o.eprop.trial_matrix) && o.systemc_backend)
    throw InputError("--etu-kernel " + vm["etu-kernel"].as<std::string>() +
                     ": only with --backend functional (the SystemC cores run the fast kernel)");
  validate(o);
  const bool record_etu = vm.count("record-etu") > 0;
  if (vm.count("record-etu-limit") && !record_etu) throw InputError("--record-etu-limit: only with --record-etu FILE");
  if (record_etu && (!fixed || o.eprop.storage != learning::StorageScheme::full))
    throw InputError(fmt::format("--record-etu: only --mode fixed with --storage full runs the eligibility-trace "
                                 "unit the RTL implements (got --mode {} --storage {})",
                                 to_string(o.mode), to_string(o.eprop.storage)));
  // An ETU record is one stream from iteration 1: a resumed run could not continue it.
  if (record_etu && vm.count("checkpoint-every") && vm["checkpoint-every"].as<int64_t>() != 0)
    throw InputError("--checkpoint-every: not with --record-etu (a resumed run cannot continue the record)");
  if (record_etu && vm.count("checkpoint-seconds"))
    throw InputError("--checkpoint-seconds: not with --record-etu (a resumed run cannot continue the record)");
  if (vm.count("checkpoint-every") && vm.count("checkpoint-seconds"))
    throw InputError("--checkpoint-seconds: not with --checkpoint-every (one schedule: by time or every N iterations)");
  o.checkpoint_every = vm.count("checkpoint-every")
                           ? static_cast<uint32_t>(bounded(vm, "checkpoint-every", 0, 100'000'000))
                           : 0;
  o.checkpoint_seconds = vm.count("checkpoint-seconds") ? vm["checkpoint-seconds"].as<double>() : kDefaultCheckpointSeconds;
  if (!(o.checkpoint_seconds > 0 && o.checkpoint_seconds <= 1e9))
    throw InputError(fmt::format("--checkpoint-seconds: {} is not a time in (0, 1e9] seconds", o.checkpoint_seconds));
  // Checkpoints are on unless --checkpoint-every 0 or --record-etu turned them off.
  const bool checkpoints = !record_etu && !(vm.count("checkpoint-every") && o.checkpoint_every == 0);
  const uint64_t record_limit = static_cast<uint64_t>(
      vm.count("record-etu-limit") ? bounded(vm, "record-etu-limit", 1, 1'000'000'000'000) : kDefaultRecordEtuLimit);

  std::unique_ptr<systemc::EtuUnit> rtl_unit;  // outlives the trainer (the chip holds a pointer)
  if (vm.count("rtl-etu")) {
    if (!o.systemc_backend)
      throw InputError("--rtl-etu: only with --backend systemc (the RTL runs in a SystemC core's plasticity engine)");
    if (o.eprop.storage != learning::StorageScheme::full)
      throw InputError("--rtl-etu: only --storage full runs the eligibility-trace unit");
    if (record_etu) throw InputError("--rtl-etu: not with --record-etu (it records the C++ unit's stream)");
    o.systemc.rtl_etu_core = static_cast<int32_t>(bounded(vm, "rtl-etu", 0, 1'000'000));
    rtl_unit = make_rtl_etu_unit(o.quant);
    o.systemc.rtl_etu = rtl_unit.get();
  }

  if (!vm.count("net")) refuse_nir_flags("the task's default network", vm);
  const ir::Network network = chip_image        ? compiler::outline_network(*chip_image)
                              : vm.count("net") ? read_network_any(vm["net"].as<std::string>(), vm)
                                                : default_training_network(fashion ? "fashion-mnist" : task, o.seed, preset);
  if (data) {
    check_data_fits(vm["data"].as<std::string>(), *data_set, *data, network, o);
    data_set.reset();  // the task holds its own copy of the trials
  }
  if (!vm.count("lr")) apply_default_lr(o, recurrent_neuron_count(network));
  // Refused before the output directory exists: a configuration with which no weight can change.
  for (const std::string& warning : chip_image ? check_training_image(*chip_image, o) : check_training(network, o))
    if (check)
      check->push_back(warning);
    else
      fmt::print(stderr, "nchip train: warning: {}\n", warning);
  if (check) return 0;
  const uint64_t inputs_hash = training_inputs_hash(network, vm);
  if (resume && resume->checkpoint.inputs_hash != inputs_hash)
    throw InputError(fmt::format("--resume {}: the network or a file it trains with (--net, --data, "
                                 "--validation-data, --quant, --chip) changed since the run started",
                                 resume->dir));
  const std::string dir = resume ? resume->dir : vm["out"].as<std::string>();
  // A run that fails before writing anything leaves no directory it created behind (issue #15 row 10).
  const OutputDirectory out_dir(dir, "--out");
  const bool quiet = vm.count("quiet") > 0 || (resume && resume->quiet);
  std::unique_ptr<EtuRecorder> recorder;
  std::string record_path;
  if (record_etu) {
    record_path = vm["record-etu"].as<std::string>();
#if NCHIP_HAVE_RTL
    // Widths and rounding are module parameters of the RTL: replaying needs a variant verilated
    // with exactly the record's (nchip cosim picks it from the record's header).
    if (!rtl::find_verilated_etu(o.quant))
      fmt::print(stderr, "nchip train: warning: --record-etu: no verilated ETU variant has these formats and "
                         "rounding ({}); nchip cosim will refuse the record until one is added "
                         "(rtl/README.md, nchip cosim --list-variants)\n",
                 arith::to_string(o.quant.rounding));
#endif
    try {
      recorder = std::make_unique<EtuRecorder>(record_path, o.quant, record_limit);  // PATH.tmp until the end
    } catch (const InputError& e) {
      throw InputError(std::string("--record-etu: ") + e.what());
    }
    o.etu_observer = recorder.get();
  }

  // The header is printed once the trainer has made every check (a chip too small for the network,
  // say), so a refusal never follows it.
  o.on_start = [&] {
    if (!quiet)
      fmt::print("training '{}' on {} ({}, {}, storage {}, batch {}, {} lr {}, seed {}, threads {})\n", network.name,
                 data      ? fmt::format("{} ({} training, {} validation, {} test trials)", data->name(),
                                         data->training_count(), data->validation_count(), data->test_count())
                 : fashion ? fmt::format("fashion-mnist ({} encoding; {} training, {} validation, {} test images)",
                                         fashion->options().encoding, fashion->options().train_images,
                                         fashion->options().validation_images, fashion->options().test_images)
                           : task,
                 to_string(o.mode),
                 o.algorithm == Algorithm::bptt ? std::string("bptt") : fmt::format("feedback {}", to_string(o.eprop.feedback)),
                 to_string(o.eprop.storage), o.batch,
                 fixed && o.eprop.storage == learning::StorageScheme::factored ? std::string("online +-1 LSB rule,")
                                                                                : to_string(o.optimizer),
                 o.lr, o.seed,
                 o.eprop.threads == 0 ? learning::WorkerPool::default_threads() : o.eprop.threads);
    if (!quiet && fixed) fmt::print("{}\n", formats_line(o.quant));
    if (!quiet && resume)
      fmt::print("resuming {} after iteration {} of {} (its checkpoint)\n", dir,
                 resume->checkpoint.state.iterations_done, o.iterations);
    if (!quiet && fixed && o.optimizer == OptimizerKind::adam) {
      const arith::AdamShifts b = chip_adam_shifts(o);
      fmt::print("chip adam: beta1 1 - 2^-{} beta2 1 - 2^-{}, bias correction in the per-batch rate, m {} v {} "
                 "(epsilon^2 = v's LSB), 1/sqrt(v) by LUT (max relative error {:.3f} %)\n",
                 b.beta1_shift, b.beta2_shift, o.quant[arith::Quantity::adam_m].describe(),
                 o.quant[arith::Quantity::adam_v].describe(), 100 * arith::kRsqrtMaxRelError);
    }
    if (!quiet && !optimizer_chosen && o.algorithm == Algorithm::eprop &&
        !(fixed && o.eprop.storage == learning::StorageScheme::factored)) {
      // Float and chip defaults differ (#18 row 5): say so, so a float-vs-chip comparison is not an
      // optimizer comparison by accident.
      TrainOptions other = o;
      other.mode = fixed ? TrainMode::float_reference : TrainMode::fixed_chip;
      if (!fixed) other.eprop.storage = learning::StorageScheme::full;
      const OptimizerKind other_default = default_optimizer(other);
      if (other_default != o.optimizer)
        fmt::print("note: the {} default optimizer is {}, {}'s is {}; give both runs the same --optimizer to compare "
                   "like with like (docs/on-chip-training.md)\n",
                   to_string(o.mode), to_string(o.optimizer), to_string(other.mode), to_string(other_default));
    }
    if (!quiet && rtl_unit)
      fmt::print("core {}'s eligibility-trace unit: the verilated RTL (rtl/etu.sv), the other cores the C++ unit\n",
                 o.systemc.rtl_etu_core);
  };
  if (!quiet && o.lr_shifts) o.on_lr_shift = [](const std::string& line) { fmt::print("{}\n", line); };
  std::vector<IterationRecord> curve;
  const std::string metric_name = task == "pattern-generation" ? "nmse" : "recall_error_rate";
  SigintGuard guard;
  double elapsed_s = 0;
  const TestKillHook kill_hook;
  const std::string checkpoint_path = dir + "/" + kCheckpointFileName;
  Checkpoint checkpoint{kVersion, arguments_without_out(args, opts),
                        std::filesystem::current_path().string(), inputs_hash, false, {}};
  if (resume) {
    remove_interrupted_writes(dir);
    checkpoint.args = resume->checkpoint.args;
    checkpoint.working_dir = resume->checkpoint.working_dir;
    checkpoint.state = resume->checkpoint.state;  // marked finished as it is if no iteration is left
    o.resume_from = &resume->checkpoint.state;
    curve = resume->checkpoint.state.curve;
    for (const auto& r : curve) elapsed_s += r.seconds;
  }
  if (checkpoints)
    o.on_checkpoint = [&](const TrainingState& state) {
      checkpoint.state = state;
      kill_hook.maybe_kill("checkpoint-partial", state.iterations_done, checkpoint_path,
                           [&] { return checkpoint_bytes(checkpoint); });
      write_checkpoint(checkpoint_path, checkpoint);
      kill_hook.maybe_kill("after-checkpoint", state.iterations_done);
    };
  const IterationCallback on_iteration = [&](const IterationRecord& r) {
        curve.push_back(r);
        write_file_atomically(dir + "/curve.csv", curve_csv(curve, metric_name));
        kill_hook.maybe_kill("after-curve", r.iteration);
        elapsed_s += r.seconds;
        if (!quiet) {
          // Time left from the mean iteration so far.
          const double left_s = elapsed_s / static_cast<double>(curve.size()) *
                                static_cast<double>(o.iterations > curve.size() ? o.iterations - curve.size() : 0);
          fmt::print("iter {:>5}/{}  loss {:>10.4f}  {} {:>8.4f}  rate {:>6.2f} Hz  {:>7.3f} s  eta {}\n", r.iteration,
                     o.iterations, r.loss, metric_name, r.metric, r.mean_rate_hz, r.seconds, duration_text(left_s));
          if (curve.size() == 1 && o.iterations > 1 && left_s + elapsed_s > 60)  // #18 row 9: say so at once
            fmt::print("note: iteration 1 took {}; the {} iterations will take about {} (Ctrl-C stops after the "
                       "current iteration and keeps the results)\n",
                       r.seconds < 60 ? fmt::format("{:.3g} s", r.seconds) : duration_text(r.seconds), o.iterations,
                       duration_text(left_s + elapsed_s));
          std::fflush(stdout);
        }
      };
  const TrainResult result = chip_image ? train_image(*chip_image, o, on_iteration, &g_stop, &g_stop_now)
                                        : train(network, o, on_iteration, &g_stop, &g_stop_now);
  write_file_atomically(dir + "/curve.csv", curve_csv(result.curve, metric_name));
  nlohmann::json metrics = metrics_json(o, network.name, result);
  if (fashion) {
    const FashionMnistOptions& f = fashion->options();
    metrics["task"] = "fashion-mnist";
    metrics["dataset"] = {{"encoding", f.encoding}, {"train_images", f.train_images},
                          {"validation_images", f.validation_images}, {"test_images", f.test_images},
                          {"steps", fashion->steps()}, {"inputs", fashion->n_inputs()}, {"shuffle", f.shuffle}};
  }
  if (data) {
    metrics["task"] = "data";
    metrics["data"] = {{"file", vm["data"].as<std::string>()},
                       {"validation_file", vm.count("validation-data") ? vm["validation-data"].as<std::string>() : ""},
                       {"training_trials", data->training_count()},
                       {"validation_trials", data->validation_count()},
                       {"test_trials", data->test_count()},
                       {"shuffle", vm["shuffle"].as<std::string>() == "on"}};
  }
  if (recorder) {
    recorder->close();  // count patched, renamed into place (also when interrupted: a valid prefix)
    metrics["etu_record"] = {{"file", escaped_text(record_path)},  // JSON needs UTF-8; a path may not be
                             {"updates_recorded", recorder->recorded()},
                             {"updates_seen", recorder->seen()},
                             {"limit", recorder->limit()},
                             {"limit_reached", recorder->limit_reached()}};
  }
  write_file_atomically(dir + "/metrics.json", metrics.dump(2) + "\n");
  write_file_atomically(dir + "/trained.json", ir::network_to_json(result.trained));
  if (checkpoints && !result.interrupted) {  // --resume DIR now says so and changes nothing
    checkpoint.finished = true;
    write_checkpoint(checkpoint_path, checkpoint);
  }
  if (!quiet) {
    if (result.interrupted) fmt::print("interrupted after {} iterations\n", result.curve.size());
    if (fixed)
      fmt::print("{}\n", saturation_summary(result));
    fmt::print("weights changed: {} of {} plastic synapses\n", result.weights_changed, result.plastic_synapses);
    if (result.test_error_rate)
      fmt::print("test accuracy {:.4f} (error rate {:.4f}) on {} held-out trials\n", 1.0 - *result.test_error_rate,
                 *result.test_error_rate, o.test_trials);
  }
  // A configuration the start-up check lets through (some step can reach half an LSB) can still
  // leave every weight where it was in practice (e.g. 4-bit weights with nearest update rounding):
  // say so, with the usual fixes, instead of a flat curve without comment (#18 row 1).
  if (fixed && !result.interrupted && result.plastic_synapses > 0 && result.weights_changed == 0)
    fmt::print(stderr,
               "nchip train: warning: no plastic weight changed in {} iterations: every update rounded to 0 LSB "
               "(weight {}, update_rounding {}); use update_rounding stochastic, a larger --lr or more weight "
               "fraction bits (docs/number-formats.md)\n",
               result.curve.size(), o.quant[arith::Quantity::weight].describe(), arith::to_string(o.quant.update_rounding));
  if (!quiet) {
    fmt::print("wrote {0}/curve.csv, {0}/metrics.json, {0}/trained.json\n", dir);
    if (recorder && recorder->limit_reached())
      fmt::print("ETU record: {} of {} updates written to {} (recording stopped at --record-etu-limit {}, "
                 "engine step {})\n",
                 recorder->recorded(), recorder->seen(), record_path, recorder->limit(),
                 recorder->stopped_at_step());
    else if (recorder)
      fmt::print("ETU record: all {} updates written to {}\n", recorder->recorded(), record_path);
  }
  if (o.systemc_backend) report_systemc(vm, quiet, network.dt_ms);
  return result.interrupted ? 128 + (g_stop_signal.load() ? g_stop_signal.load() : SIGINT) : 0;
}

}  // namespace

int train_command_main(const std::vector<std::string>& args) {
  const bool resuming = std::any_of(args.begin(), args.end(), [](const std::string& a) {
    return a == "--resume" || a.rfind("--resume=", 0) == 0;
  });
  if (!resuming) return train_main(args, nullptr);
  const std::optional<TrainResume> resume = read_resume_request(args, train_options_description());
  if (!resume) return 0;  // finished: nothing to do
  return train_main(resume->checkpoint.args, nullptr, &*resume);
}

std::vector<std::string> check_train_arguments(const std::vector<std::string>& args) {
  std::vector<std::string> warnings;
  train_main(args, &warnings);
  return warnings;
}

}  // namespace nchip::runtime
