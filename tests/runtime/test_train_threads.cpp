// `nchip train --threads N` (issue #11): the per-synapse learning work split over 1, 2 or 3
// threads gives the same bytes: trained network, metrics and learning curve (wall times aside),
// in fixed point (LIF and ALIF targets, nearest and stochastic rounding) and in float; and so does
// the plain definition of the eligibility-trace unit (--etu-kernel reference).
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

namespace {

using nchip::test::curve_without_times;
using nchip::test::run_nchip;
using nchip::test::scratch_dir;
using nchip::test::slurp;
using nchip::test::source_path;

// metrics.json without the fields that hold wall times.
nlohmann::json metrics_without_times(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text);
  for (auto it = j.begin(); it != j.end();) {
    const std::string& k = it.key();
    const bool time = k.rfind("seconds", 0) == 0 || k.find("time") != std::string::npos ||
                      (k.size() > 2 && k.substr(k.size() - 2) == "_s");
    it = time ? j.erase(it) : std::next(it);
  }
  return j;
}

void check_same_for_every_thread_count(const std::string& name, const std::string& args) {
  const std::string dir = scratch_dir("train_threads_" + name);
  std::string trained_1, curve_1;
  nlohmann::json metrics_1;
  for (int threads : {1, 2, 3}) {
    const std::string out = dir + "/t" + std::to_string(threads);
    const auto r = run_nchip("train " + args + " --threads " + std::to_string(threads) + " --quiet --out " + out, dir);
    INFO(name << " --threads " << threads << ": " << r.err);
    REQUIRE(r.exit_code == 0);
    const std::string trained = slurp(out + "/trained.json");
    const std::string curve = curve_without_times(slurp(out + "/curve.csv"));
    const nlohmann::json metrics = metrics_without_times(slurp(out + "/metrics.json"));
    REQUIRE(trained.size() > 1000);
    if (threads == 1) {
      trained_1 = trained;
      curve_1 = curve;
      metrics_1 = metrics;
    } else {
      CHECK(trained == trained_1);
      CHECK(curve == curve_1);
      CHECK(metrics == metrics_1);
    }
  }
  // The plain definition of the eligibility-trace unit (--etu-kernel reference) gives the same bytes
  // as the vectorized kernel.
  const std::string out = dir + "/reference";
  const auto r = run_nchip("train " + args + " --etu-kernel reference --quiet --out " + out, dir);
  INFO(name << " --etu-kernel reference: " << r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(slurp(out + "/trained.json") == trained_1);
  CHECK(curve_without_times(slurp(out + "/curve.csv")) == curve_1);
  CHECK(metrics_without_times(slurp(out + "/metrics.json")) == metrics_1);
}

}  // namespace

TEST_CASE("train --threads 1/2/3: identical bytes, fixed point, LIF targets") {
  check_same_for_every_thread_count(
      "fixed_lif", "--task pattern-generation --net " + source_path("examples/networks/pattern_generation_small.json") +
                       " --mode fixed --iterations 3 --seed 4");
}

TEST_CASE("train --threads 1/2/3: identical bytes, fixed point, ALIF targets, stochastic rounding") {
  // Stochastic rounding in the ETU itself (every product draws) and in the weight update.
  const std::string quant = scratch_dir("train_threads_quant") + "/stochastic.json";
  std::ofstream(quant) << R"({"rounding": "stochastic", "update_rounding": "stochastic"})";
  check_same_for_every_thread_count(
      "fixed_alif_stochastic", "--task store-recall --net " + source_path("examples/networks/store_recall_100.json") +
                                   " --mode fixed --quant " + quant + " --iterations 2 --batch 2 --validation-trials 1 --seed 5");
}

TEST_CASE("train --threads 1/2/3: identical bytes, float reference") {
  check_same_for_every_thread_count(
      "float", "--task store-recall --net " + source_path("examples/networks/store_recall_100.json") +
                   " --mode float --iterations 2 --batch 2 --validation-trials 1 --seed 6");
}

TEST_CASE("train --etu-kernel matrix: the float trial gradient as a matrix product trains the same weights to rounding") {
  // Store-recall at tutorial size (LIF and ALIF, refractory periods): two iterations of batch 2 with
  // each kernel; every trained weight within 1e-9 relative of the step-by-step unit's.
  const std::string dir = scratch_dir("train_etu_kernel_matrix");
  const std::string args = "train --task store-recall --net " + source_path("examples/networks/store_recall_100.json") +
                           " --mode float --iterations 2 --batch 2 --validation-trials 1 --seed 6 --quiet --out ";
  REQUIRE(run_nchip(args + dir + "/fast", dir).exit_code == 0);
  const auto r = run_nchip(args + dir + "/matrix --etu-kernel matrix", dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto fast = nlohmann::json::parse(slurp(dir + "/fast/trained.json"));
  const auto matrix = nlohmann::json::parse(slurp(dir + "/matrix/trained.json"));
  size_t compared = 0, moved = 0;
  double scale = 0;
  // Every number in the two files, side by side (same structure).
  std::vector<std::pair<const nlohmann::json*, const nlohmann::json*>> todo{{&fast, &matrix}};
  std::vector<std::pair<double, double>> numbers;
  while (!todo.empty()) {
    auto [a, b] = todo.back();
    todo.pop_back();
    REQUIRE(a->type() == b->type());
    if (a->is_number_float()) {
      numbers.emplace_back(a->get<double>(), b->get<double>());
    } else if (a->is_array() || a->is_object()) {
      REQUIRE(a->size() == b->size());
      auto ia = a->begin();
      for (auto ib = b->begin(); ib != b->end(); ++ia, ++ib) todo.emplace_back(&*ia, &*ib);
    } else {
      CHECK(*a == *b);
    }
  }
  for (const auto& [x, y] : numbers) scale = std::max(scale, std::abs(x));
  for (const auto& [x, y] : numbers) {
    ++compared;
    moved += x != y;
    REQUIRE(std::abs(x - y) <= 1e-9 * scale);
  }
  CHECK(compared > 1000);
  // The product sums in another order than the step-by-step unit: some weights differ in their last
  // bits, which shows the matrix path ran.
  CHECK(moved > 0);
}

TEST_CASE("train --etu-kernel: unknown name, matrix in fixed point or the SystemC backend is one line and exit code 2") {
  const std::string dir = scratch_dir("train_etu_kernel_bad");
  for (const char* args : {"--etu-kernel slow", "--etu-kernel reference --backend systemc --mode fixed",
                           "--etu-kernel matrix --mode fixed"}) {
    const auto r = run_nchip(std::string("train --task pattern-generation ") + args + " --out " + dir + "/o", dir);
    INFO(args << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(nchip::test::line_count(r.err) == 1);
    CHECK(r.err.find("--etu-kernel") != std::string::npos);
  }
}

TEST_CASE("train --threads: out of range is one line and exit code 2") {
  const std::string dir = scratch_dir("train_threads_bad");
  const auto r = run_nchip("train --task pattern-generation --threads -1 --out " + dir + "/o", dir);
  CHECK(r.exit_code == 2);
  CHECK(nchip::test::line_count(r.err) == 1);
}
