// Compile time and peak memory of `compile_network` for large sparse random networks:
//   nchip_bench_compile --neurons N --synapses K [--threads T] [--repeats R] [--write FILE]
//                       [--chip CHIP.json] [--storage full|factored] [--window W] [--keep-ir]
// builds an input population of 100 (10 synapses per neuron) and one LIF population of N neurons
// with K random recurrent synapses each (fixed in-degree), on a square mesh of 1024-neuron cores
// with capacities large enough to hold it, compiles it R times and prints min and median of the
// compile time (wall and CPU), of each pass and of writing the image, the process's peak resident
// memory (getrusage) per synapse, with and without the IR the bench built, and the figures measured
// before issue #16 beside them. --chip compiles onto a chip file instead (packing "auto", as
// `nchip compile`; a network that does not fit prints the compiler's one line and exits 2), and
// --window W draws each neuron's sources from the W neurons around it. The network is handed to
// compile_network (std::move, as `nchip compile` does: its synapse lists are released while they are
// lowered) and built again for each repeat; --keep-ir compiles it through the const reference
// instead (the caller keeps the network: both in memory). One size per process, so peaks don't mix;
// bench/compile_bench.sh runs the table in bench/README.md.
#include <sys/resource.h>

#include <chrono>
#include <ctime>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>
#include <algorithm>
#include <map>
#include <utility>
#include <vector>

#include <fmt/core.h>

#include "compiler/chip_json.hpp"
#include "compiler/compile.hpp"
#include "compiler/parallel_chunks.hpp"
#include "hw_model/error.hpp"
#include "hw_model/image/chip_image.hpp"

using namespace nchip;
using Clock = std::chrono::steady_clock;

namespace {

uint64_t mix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// K distinct random presynaptic neurons per target (sorted, no self-connection), weights small;
// with window > 0, drawn from the `window` source neurons centred on the target (local connectivity,
// which keeps a core's fan-in within a real chip's limit).
ir::Projection random_projection(const std::string& source, const std::string& target, uint32_t n_source,
                                 uint32_t n_target, uint32_t per_target, uint64_t seed, uint32_t window = 0) {
  ir::Projection p;
  p.source = source;
  p.target = target;
  p.dense = false;
  p.synapses.reserve(uint64_t{n_target} * per_target);
  std::vector<uint32_t> pre;
  for (uint32_t post = 0; post < n_target; ++post) {
    pre.clear();
    uint64_t r = mix(seed ^ (uint64_t{post} << 20));
    while (pre.size() < per_target && pre.size() + 1 < n_source) {
      r = mix(r);
      const uint32_t i = window == 0 || window >= n_source
                             ? static_cast<uint32_t>(r % n_source)
                             : static_cast<uint32_t>((uint64_t{post} * n_source / n_target + n_source - window / 2 + r % window) % n_source);
      if (source == target && i == post) continue;
      pre.push_back(i);
      if (pre.size() == per_target) {  // dedupe once full, refill if duplicates were dropped
        std::sort(pre.begin(), pre.end());
        pre.erase(std::unique(pre.begin(), pre.end()), pre.end());
      }
    }
    std::sort(pre.begin(), pre.end());
    for (uint32_t i : pre) p.synapses.push_back({i, post, (static_cast<double>(mix(r + i) % 2000) - 1000) * 1e-4});
  }
  return p;
}

double cpu_s() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;  // Linux reports KiB
}


struct Stat {
  std::vector<double> v;
  double min() const { return *std::min_element(v.begin(), v.end()); }
  double median() const {
    std::vector<double> s = v;
    std::sort(s.begin(), s.end());
    return s.size() % 2 ? s[s.size() / 2] : (s[s.size() / 2 - 1] + s[s.size() / 2]) / 2;
  }
  std::string text(int digits = 2) const { return fmt::format("{:.{}f} / {:.{}f}", min(), digits, median(), digits); }
};

// Before issue #16 (one thread, full learning state): compile s (min / median), write s, peak RSS MB.
// 10^5 x 100 measured 2026-12-03 on the shared, loaded 2-core machine with the old code (3 runs);
// the others are bench/README.md's single runs of 2026-11-23 (10^6 x 100 and 10^5 x 1000: the issue's).
struct OldFigures {
  const char* compile_s;
  const char* write_s;
  double peak_mb;
};
const std::map<std::pair<uint32_t, uint32_t>, OldFigures> kOld = {
    {{10000, 100}, {"0.67 (1 run, 2026-11-23)", "0.12", 91}},
    {{10000, 1000}, {"6.8 (1 run, 2026-11-23)", "1.4", 717}},
    {{100000, 100}, {"6.56 / 8.14", "3.52 / 3.68", 756}},
    {{100000, 1000}, {"163 (1 run)", "10.6 (1 run)", 6790}},
    {{1000000, 100}, {"230 (1 run)", "-", 7500}},
};

// The fourth session's figures (bench/README.md, "After issue #16", 2 threads, loaded machine):
// compile CPU s and peak RSS MB, before the streamed image, the 4-byte index and huge pages.
const std::map<std::pair<uint32_t, uint32_t>, std::pair<double, double>> kFourthSession = {
    {{10000, 100}, {0.09, 59}},   {{10000, 1000}, {1.25, 505}},  {{100000, 100}, {1.57, 560}},
    {{100000, 1000}, {25.7, 5020}}, {{1000000, 100}, {55.4, 5549}},
};

// The fifth session's figures (bench/README.md, "Fifth session", 2 threads, loaded machine, the
// caller keeping the IR): compile CPU s (min) and peak RSS MB, before the bucketed transpose and
// the IR handed over.
const std::map<std::pair<uint32_t, uint32_t>, std::pair<double, double>> kFifthSession = {
    {{10000, 100}, {0.08, 45}},    {{10000, 1000}, {0.96, 371}},  {{100000, 100}, {1.42, 413}},
    {{100000, 1000}, {30.6, 3673}}, {{1000000, 100}, {46.3, 4074}},
};

}  // namespace

int main(int argc, char** argv) {
  uint32_t neurons = 10000, per_neuron = 100, repeats = 3, window = 0;
  std::string write_path, chip_path, storage = "full";
  unsigned threads = 0;
  bool keep_ir = false;
  std::vector<char*> args;  // the flags that take a value
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--keep-ir")) keep_ir = true;
    else args.push_back(argv[i]);
  }
  argc = static_cast<int>(args.size()) + 1;
  args.insert(args.begin(), argv[0]);
  argv = args.data();
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--neurons")) neurons = static_cast<uint32_t>(std::atol(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--synapses")) per_neuron = static_cast<uint32_t>(std::atol(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--write")) write_path = argv[i + 1];
    else if (!std::strcmp(argv[i], "--chip")) chip_path = argv[i + 1];
    else if (!std::strcmp(argv[i], "--storage")) storage = argv[i + 1];
    else if (!std::strcmp(argv[i], "--window")) window = static_cast<uint32_t>(std::atol(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--threads")) threads = static_cast<unsigned>(std::atol(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--repeats")) repeats = std::max(1u, static_cast<uint32_t>(std::atol(argv[i + 1])));
  }
  const auto t0 = Clock::now();
  const auto since = [](Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); };

  const auto build_network = [&] {
    ir::Network net;
    net.name = fmt::format("random_{}x{}", neurons, per_neuron);
    ir::Population in;
    in.name = "in";
    in.type = ir::PopulationType::input;
    in.size = 100;
    ir::Population rec;
    rec.name = "rec";
    rec.type = ir::PopulationType::lif;
    rec.size = neurons;
    net.populations = {in, rec};
    net.projections.push_back(random_projection("in", "rec", 100, neurons, 10, 1));
    net.projections.push_back(random_projection("rec", "rec", neurons, neurons, per_neuron, 2, window));
    return net;
  };
  ir::Network net = build_network();
  const double build_s = since(t0);
  const double ir_rss_mb = peak_rss_mb();

  image::ChipConfig chip;
  chip.name = "bench";
  chip.core_max_neurons = 1024;
  const uint32_t cores = (neurons + 1023) / 1024 + 1;
  chip.mesh_width = static_cast<uint32_t>(std::ceil(std::sqrt(static_cast<double>(cores))));
  chip.mesh_height = (cores + chip.mesh_width - 1) / chip.mesh_width;
  chip.core_synapse_memory_bits = uint64_t{1024} * (per_neuron + 10) * 100 + (1u << 20);
  chip.core_max_fan_in = chip.core_trace_slots = 1u << 24;
  chip.core_max_fan_out = 1u << 16;
  chip.router_table_entries = 1u << 24;
  if (!chip_path.empty()) chip = compiler::read_chip_file(chip_path);  // e.g. examples/chips/loihi_like.json

  uint64_t synapses = 0;
  for (const auto& p : net.projections) synapses += p.synapses.size();
  Stat compile_s, compile_cpu_s, write_s, write_cpu_s;
  std::vector<std::string> pass_names;
  std::vector<Stat> pass_s;
  double image_mb = 0, cost = 0, naive_cost = 0, compile_peak_mb = 0;
  size_t cores_used = 0;
  for (uint32_t r = 0; r < repeats; ++r) {
    if (r > 0 && !keep_ir) net = build_network();  // the last compile consumed its lists
    std::vector<std::pair<std::string, Clock::time_point>> marks;
    compiler::CompileOptions options;
    options.threads = threads;
    if (!image::storage_scheme_from_string(storage, options.storage)) {
      fmt::print(stderr, "--storage: expected full or factored, got '{}'\n", storage);
      return 2;
    }
    options.on_pass = [&](const char* pass) { marks.emplace_back(pass, Clock::now()); };
    const double c1 = cpu_s();
    const auto t1 = Clock::now();
    image::ChipImage im;
    try {
      im = keep_ir ? compiler::compile_network(net, chip, arith::QuantConfig{}, options)
                   : compiler::compile_network(std::move(net), chip, arith::QuantConfig{}, options);
    } catch (const InputError& e) {  // a chip file the network does not fit: the compiler's one line
      fmt::print(stderr, "nchip_bench_compile: {}\n", e.what());
      return 2;
    }
    const auto t2 = Clock::now();
    compile_cpu_s.v.push_back(cpu_s() - c1);
    compile_s.v.push_back(std::chrono::duration<double>(t2 - t1).count());
    if (r == 0) compile_peak_mb = peak_rss_mb();
    // Streamed as `nchip compile` writes it: to the --write file on the first repeat, else counted
    // and dropped (no copy of the image is held either way).
    uint64_t bytes = 0;
    const double c2 = cpu_s();
    if (r == 0 && !write_path.empty()) {
      std::ofstream file(write_path, std::ios::binary | std::ios::trunc);
      image::write_image(im, [&](const char* data, size_t n) {
        file.write(data, static_cast<std::streamsize>(n));
        bytes += n;
      });
    } else {
      image::write_image(im, [&](const char*, size_t n) { bytes += n; });
    }
    write_s.v.push_back(since(t2));
    write_cpu_s.v.push_back(cpu_s() - c2);
    pass_s.resize(marks.size());
    pass_names.resize(marks.size());
    for (size_t i = 0; i < marks.size(); ++i) {
      const auto end = i + 1 < marks.size() ? marks[i + 1].second : t2;
      pass_names[i] = marks[i].first;
      pass_s[i].v.push_back(std::chrono::duration<double>(end - marks[i].second).count());
    }
    image_mb = static_cast<double>(bytes) / 1048576.0;
    cost = im.placement.cost;
    std::vector<uint32_t> tiles;
    for (const auto& slice : im.slices)
      if (im.network.populations[slice.population].role != model::PopulationRole::input) tiles.push_back(slice.tile);
    std::sort(tiles.begin(), tiles.end());
    cores_used = static_cast<size_t>(std::unique(tiles.begin(), tiles.end()) - tiles.begin());
    naive_cost = im.placement.naive_cost;
  }
  const double peak = peak_rss_mb(), per_syn = static_cast<double>(synapses);
  std::string passes;
  for (size_t i = 0; i < pass_s.size(); ++i) passes += fmt::format(" {}={}", pass_names[i], pass_s[i].text());
  fmt::print("neurons={} synapses/neuron={} synapses={} chip={} mesh={}x{} cores_used={} threads={} repeats={} build_ir_s={:.2f} "
             "image_mb={:.1f} placement_cost={:.1f} row_major={:.1f} ir={}\n",
             neurons, per_neuron, synapses, chip.name, chip.mesh_width, chip.mesh_height, cores_used,
             compiler::resolve_threads(threads),
             repeats, build_s, image_mb, cost, naive_cost, keep_ir ? "kept by the caller" : "handed over (std::move)");
  fmt::print("  min / median: compile_s={} compile_cpu_s={} write_s={} write_cpu_s={} us_per_synapse={:.3f} / {:.3f}\n",
             compile_s.text(), compile_cpu_s.text(), write_s.text(), write_cpu_s.text(), compile_s.min() * 1e6 / per_syn,
             compile_s.median() * 1e6 / per_syn);
  fmt::print("  peak_rss_mb={:.0f} ({:.1f} bytes/synapse; peak minus the bench's IR, {:.0f} MB: {:.1f} bytes/synapse)\n",
             peak, peak * 1048576.0 / per_syn, ir_rss_mb, (peak - ir_rss_mb) * 1048576.0 / per_syn);
  fmt::print("  peak_rss_mb after compile_network, before writing the image: {:.0f}\n", compile_peak_mb);
  fmt::print("  passes (min / median s):{}\n", passes);
  const auto old = kOld.find({neurons, per_neuron});
  if (old != kOld.end())
    fmt::print("  before issue #16: compile_s={} write_s={} peak_rss_mb={:.0f} ({:.1f} bytes/synapse)\n",
               old->second.compile_s, old->second.write_s, old->second.peak_mb,
               old->second.peak_mb * 1048576.0 / per_syn);
  const auto fourth = kFourthSession.find({neurons, per_neuron});
  if (fourth != kFourthSession.end())
    fmt::print("  fourth session (2026-12-03, 2 threads, loaded): compile_cpu_s={:.2f} peak_rss_mb={:.0f}\n",
               fourth->second.first, fourth->second.second);
  const auto fifth = kFifthSession.find({neurons, per_neuron});
  if (fifth != kFifthSession.end())
    fmt::print("  fifth session (2026-12-03, 2 threads, loaded, IR kept): compile_cpu_s={:.2f} peak_rss_mb={:.0f}\n",
               fifth->second.first, fifth->second.second);
  return 0;
}
