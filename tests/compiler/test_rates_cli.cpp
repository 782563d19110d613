// `nchip compile --rates-from-run STEPS` end to end (issue #16): the measured rates are those
// `nchip run` counts on the same image, input and seed; the hot population ends up beside its
// target at a lower measured cost than the flat placement; the same bytes for any thread count;
// bad STEPS and stray run flags exit 2 with one line and write nothing.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

using nchip::test::run_nchip;
using nlohmann::json;

namespace {

// in -> a, in -> b, a -> c, b -> c, one neuron each: a's bias makes it fire about every step, b and
// c stay silent; one neuron per core on a 4 x 1 mesh, the host at tile 0.
const char* kNetwork = R"({"name": "hot", "dt_ms": 1.0, "seed": 1,
  "populations": [{"name": "in", "type": "input", "size": 1},
                  {"name": "a", "type": "lif", "size": 1, "v_th": 1.0, "bias": [1.5]},
                  {"name": "b", "type": "lif", "size": 1, "v_th": 1.0},
                  {"name": "c", "type": "lif", "size": 1, "v_th": 1.0}],
  "projections": [{"source": "in", "target": "a", "weights": [[0.1]]},
                  {"source": "in", "target": "b", "weights": [[0.1]]},
                  {"source": "a", "target": "c", "weights": [[0.01]]},
                  {"source": "b", "target": "c", "weights": [[0.01]]}]})";
const char* kChip = R"({"name": "line", "mesh_width": 4, "mesh_height": 1, "core_max_neurons": 1})";
// The input fires at steps 0-9: 10 spikes.
const char* kInput = R"({"steps": 10, "n_inputs": 1,
  "spikes": [[0, 0], [1, 0], [2, 0], [3, 0], [4, 0], [5, 0], [6, 0], [7, 0], [8, 0], [9, 0]]})";

struct Files {
  std::string dir, net, chip, input;
};

Files write_files(const std::string& name) {
  Files f;
  f.dir = nchip::test::scratch_dir("rates_" + name);
  f.net = f.dir + "/hot.json";
  f.chip = f.dir + "/line.json";
  f.input = f.dir + "/input.json";
  std::ofstream(f.net) << kNetwork;
  std::ofstream(f.chip) << kChip;
  std::ofstream(f.input) << kInput;
  return f;
}

uint32_t tile_of(const json& report, const std::string& population) {
  for (const auto& c : report["cores"])
    if (c["population"] == population) return c["tile"].get<uint32_t>();
  FAIL("no core holds " << population);
  return 0;
}

uint32_t distance(uint32_t x, uint32_t y) { return x > y ? x - y : y - x; }

}  // namespace

TEST_CASE("nchip compile --rates-from-run measures what nchip run counts and places the hot population closer") {
  const Files f = write_files("ok");
  const std::string base = "compile " + f.net + " --chip " + f.chip + " --json --threads 1 -o ";
  const auto flat = run_nchip(base + f.dir + "/flat.nchip", f.dir);
  REQUIRE(flat.exit_code == 0);
  const auto measured = run_nchip(base + f.dir + "/measured.nchip --rates-from-run 50 --input " + f.input, f.dir);
  REQUIRE(measured.exit_code == 0);
  const json flat_report = json::parse(flat.out), report = json::parse(measured.out);
  REQUIRE(report.contains("rates_from_run"));
  CHECK_FALSE(flat_report.contains("rates_from_run"));
  const json& rates = report["rates_from_run"];
  CHECK(rates["steps"] == 50);
  CHECK(rates["input"] == "spike file " + f.input);

  // The rates are nchip run's on the same image, input and seed.
  const auto run = run_nchip("run " + f.dir + "/flat.nchip --steps 50 --json --input " + f.input, f.dir);
  REQUIRE(run.exit_code == 0);
  const json counted = json::parse(run.out);
  REQUIRE(rates["populations"].size() == 4);
  CHECK(rates["populations"][0]["population"] == "in");
  CHECK(rates["populations"][0]["spikes"] == 10);
  CHECK(rates["populations"][0]["rate_hz"].get<double>() == Approx(200.0));  // 10 / (1 x 0.05 s)
  uint64_t a_spikes = 0;
  for (size_t p = 0; p < 3; ++p) {
    CHECK(rates["populations"][p + 1]["population"] == counted["populations"][p]["name"]);
    CHECK(rates["populations"][p + 1]["spikes"] == counted["populations"][p]["spikes"]);
    if (p == 0) a_spikes = counted["populations"][p]["spikes"].get<uint64_t>();
  }
  CHECK(a_spikes >= 40);  // a fires (about) every step, b and c never
  CHECK(counted["populations"][1]["spikes"] == 0);

  // Flat: a tie everywhere, row-major stays (a 0, b 1, c 2). Measured: a beside c.
  CHECK(distance(tile_of(flat_report, "a"), tile_of(flat_report, "c")) == 2);
  CHECK(distance(tile_of(report, "a"), tile_of(report, "c")) == 1);
  CHECK(rates["measured_placement_used"] == true);
  // Spike-hops by hand from the tiles: in's 10 spikes from the host (tile 0) to a and b, a's to c.
  const auto hand = [&](const json& r) {
    return 10 * tile_of(r, "a") + 10 * tile_of(r, "b") + a_spikes * distance(tile_of(r, "a"), tile_of(r, "c"));
  };
  CHECK(rates["spike_hops"] == hand(report));
  CHECK(rates["flat_placement_spike_hops"] == hand(flat_report));
  CHECK(rates["spike_hops"].get<uint64_t>() < rates["flat_placement_spike_hops"].get<uint64_t>());
  CHECK(rates["cost_spikes_hops_per_step"].get<double>() == Approx(hand(report) / 50.0));

  // The text report says the same; two threads give the same image bytes and report.
  const auto text = run_nchip("compile " + f.net + " --chip " + f.chip + " --threads 2 -o " + f.dir +
                                  "/two.nchip --rates-from-run 50 --input " + f.input,
                              f.dir);
  REQUIRE(text.exit_code == 0);
  CHECK(text.out.find("rates from a 50-step functional run (input: spike file " + f.input + "):") != std::string::npos);
  CHECK(text.out.find("placed by the measured rates") != std::string::npos);
  CHECK(nchip::test::slurp(f.dir + "/two.nchip") == nchip::test::slurp(f.dir + "/measured.nchip"));
  const auto two_json = run_nchip("compile " + f.net + " --chip " + f.chip + " --threads 2 --json -o " + f.dir +
                                      "/two.nchip --rates-from-run 50 --input " + f.input,
                                  f.dir);
  CHECK(two_json.out == measured.out);
}

TEST_CASE("nchip compile --rates-from-run with the default input runs the seeded Poisson task") {
  const Files f = write_files("poisson");
  const std::string args = "compile " + f.net + " --chip " + f.chip + " --json -o " + f.dir + "/p.nchip --rates-from-run 200";
  const auto one = run_nchip(args, f.dir);
  REQUIRE(one.exit_code == 0);
  const json rates = json::parse(one.out)["rates_from_run"];
  CHECK(rates["input"] == "poisson task, trial 0, seed 1");
  CHECK(run_nchip(args, f.dir).out == one.out);
  const auto other_seed = run_nchip(args + " --seed 2", f.dir);
  REQUIRE(other_seed.exit_code == 0);
  CHECK(json::parse(other_seed.out)["rates_from_run"]["input"] == "poisson task, trial 0, seed 2");
}

TEST_CASE("nchip compile --rates-from-run refuses bad STEPS and run flags without it in one line") {
  const Files f = write_files("bad");
  const std::string image = f.dir + "/bad.nchip";
  const std::string base = "compile " + f.net + " --chip " + f.chip + " -o " + image;
  for (const std::string bad : {"0", "-3", "abc", "1000001", "2.5"}) {
    const auto r = run_nchip(base + " --rates-from-run " + bad, f.dir);
    INFO(bad << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(nchip::test::line_count(r.err) == 1);
    CHECK(r.err.find("rates-from-run") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(image));
  }
  const auto stray = run_nchip(base + " --input " + f.input, f.dir);
  CHECK(stray.exit_code == 2);
  CHECK(stray.err == "nchip compile: error: --input: only used with --rates-from-run STEPS\n");
  CHECK_FALSE(std::filesystem::exists(image));
  const auto wide = run_nchip(base + " --rates-from-run 5 --input-task poisson --seed 3 --trial 1", f.dir);
  CHECK(wide.exit_code == 0);
}
