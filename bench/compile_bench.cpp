// Compile time and peak memory of `compile_network` for large sparse random networks:
//   nchip_bench_compile --neurons N --synapses K [--write FILE]
// builds an input population of 100 (10 synapses per neuron) and one LIF population of N neurons
// with K random recurrent synapses each (fixed in-degree), on a square mesh of 1024-neuron cores
// with capacities large enough to hold it, and prints the time of each pass, of writing the image,
// and the process's peak resident memory (getrusage). One size per process, so peaks don't mix;
// bench/compile_bench.sh runs the table in bench/README.md.
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/core.h>

#include "compiler/compile.hpp"
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

// K distinct random presynaptic neurons per target (sorted, no self-connection), weights small.
ir::Projection random_projection(const std::string& source, const std::string& target, uint32_t n_source,
                                 uint32_t n_target, uint32_t per_target, uint64_t seed) {
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
      const uint32_t i = static_cast<uint32_t>(r % n_source);
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

double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;  // Linux reports KiB
}

}  // namespace

int main(int argc, char** argv) {
  uint32_t neurons = 10000, per_neuron = 100;
  std::string write_path;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (!std::strcmp(argv[i], "--neurons")) neurons = static_cast<uint32_t>(std::atol(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--synapses")) per_neuron = static_cast<uint32_t>(std::atol(argv[i + 1]));
    else if (!std::strcmp(argv[i], "--write")) write_path = argv[i + 1];
  }
  const auto t0 = Clock::now();
  const auto since = [](Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); };

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
  net.projections.push_back(random_projection("rec", "rec", neurons, neurons, per_neuron, 2));
  const double build_s = since(t0);

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

  std::vector<std::pair<std::string, Clock::time_point>> marks;
  compiler::CompileOptions options;
  options.on_pass = [&](const char* pass) { marks.emplace_back(pass, Clock::now()); };
  const auto t1 = Clock::now();
  const image::ChipImage im = compiler::compile_network(net, chip, arith::QuantConfig{}, options);
  const auto t2 = Clock::now();
  const std::string bytes = image::write_image(im);
  const double write_s = since(t2);
  if (!write_path.empty()) {
    FILE* f = std::fopen(write_path.c_str(), "wb");
    if (f) {
      std::fwrite(bytes.data(), 1, bytes.size(), f);
      std::fclose(f);
    }
  }
  std::string passes;
  for (size_t i = 0; i < marks.size(); ++i) {
    const auto end = i + 1 < marks.size() ? marks[i + 1].second : t2;
    passes += fmt::format(" {}={:.2f}", marks[i].first, std::chrono::duration<double>(end - marks[i].second).count());
  }
  uint64_t synapses = 0;
  for (const auto& p : net.projections) synapses += p.synapses.size();
  fmt::print("neurons={} synapses/neuron={} synapses={} mesh={}x{} build_ir_s={:.2f} compile_s={:.2f} "
             "write_s={:.2f} image_mb={:.1f} peak_rss_mb={:.0f} placement_cost={:.1f} row_major={:.1f}\n  passes:{}\n",
             neurons, per_neuron, synapses, chip.mesh_width, chip.mesh_height, build_s,
             std::chrono::duration<double>(t2 - t1).count(), write_s, bytes.size() / 1048576.0, peak_rss_mb(),
             im.placement.cost, im.placement.naive_cost, passes);
  return 0;
}
