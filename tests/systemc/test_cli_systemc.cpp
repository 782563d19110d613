// `--backend systemc` end to end through the nchip binary: same results file as the functional
// backend, a stats file and a VCD written, training with identical learned weights, and one-line
// errors (exit 2, nothing written) for flags that need the other backend.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

using namespace nchip::test;

TEST_CASE("nchip run --backend systemc writes the functional backend's results, stats and a trace", "[systemc][cli]") {
  const std::string dir = scratch_dir("systemc_cli_run");
  const std::string net = source_path("examples/networks/store_recall.json");
  const CliResult f = run_nchip("run " + net + " --mode fixed --out " + dir + "/f.json", dir);
  REQUIRE(f.exit_code == 0);
  const CliResult s = run_nchip("run " + net + " --mode fixed --backend systemc --out " + dir + "/s.json --stats " +
                                    dir + "/stats.json --trace " + dir + "/tile.vcd --trace-tile 1",
                                dir);
  REQUIRE(s.exit_code == 0);
  CHECK(slurp(dir + "/s.json") == slurp(dir + "/f.json"));
  CHECK(s.out.find("chip (SystemC") != std::string::npos);
  // The SystemC kernel's "Info: (I703) tracing timescale unit set" is not nchip's output (#18).
  CHECK(s.out.find("I703") == std::string::npos);
  CHECK(s.err.find("I703") == std::string::npos);
  const auto stats = nlohmann::json::parse(slurp(dir + "/stats.json"));
  CHECK(stats["steps"] == 2400);
  CHECK(stats["cycles"]["total"].get<uint64_t>() > 0);
  CHECK(stats["noc"]["packets"].get<uint64_t>() > 0);
  CHECK(stats["operations"]["synaptic_ops"] == nlohmann::json::parse(slurp(dir + "/f.json"))["synaptic_events"]);
  CHECK(stats["energy"]["total_pj"].get<double>() > 0);
  // 2400 steps of 1 ms: 2.4 s of network time; the real-time factor is emulated time over it (#18).
  CHECK(stats["network_time_s"].get<double>() == Approx(2.4));
  CHECK(stats["real_time_factor"].get<double>() ==
        Approx(stats["emulated_time_s"].get<double>() / 2.4).epsilon(1e-12));
  CHECK(stats["emulated_time_s"].get<double>() ==
        Approx(stats["cycles"]["total"].get<double>() / (stats["clock_mhz"].get<double>() * 1e6)));
  CHECK(s.out.find("ms of network time: real-time factor ") != std::string::npos);
  CHECK(slurp(dir + "/tile.vcd").find("router_packets_forwarded") != std::string::npos);
}

TEST_CASE("nchip train --backend systemc learns the functional backend's weights", "[systemc][cli]") {
  const std::string dir = scratch_dir("systemc_cli_train");
  const std::string common = "train --task store-recall --mode fixed --iterations 2 --batch 2 --steps 600 "
                             "--validation-trials 1 --quiet --out ";
  REQUIRE(run_nchip(common + dir + "/f", dir).exit_code == 0);
  const CliResult s = run_nchip(common + dir + "/s --backend systemc --threads 3 --stats " + dir + "/stats.json", dir);
  REQUIRE(s.exit_code == 0);
  CHECK(slurp(dir + "/s/trained.json") == slurp(dir + "/f/trained.json"));
  // The cores' eligibility-trace units split their windows over the engine's threads: same bytes.
  REQUIRE(run_nchip(common + dir + "/s1 --backend systemc --threads 1", dir).exit_code == 0);
  CHECK(slurp(dir + "/s1/trained.json") == slurp(dir + "/f/trained.json"));
  const auto stats = nlohmann::json::parse(slurp(dir + "/stats.json"));
  CHECK(stats["operations"]["eligibility_updates"].get<uint64_t>() > 0);
  CHECK(stats["operations"]["weight_updates"].get<uint64_t>() > 0);
}

TEST_CASE("backend flag errors are one line with exit code 2", "[systemc][cli]") {
  const std::string dir = scratch_dir("systemc_cli_errors");
  const std::string net = source_path("examples/networks/store_recall.json");
  for (const std::string& args : {"run " + net + " --backend verilog", "run " + net + " --mode float --backend systemc",
                                 "run " + net + " --stats " + dir + "/stats.json",
                                 "run " + net + " --noc-stats " + dir + "/noc",
                                 "run " + net + " --noc-model threads",
                                 "run " + net + " --backend systemc --noc-model thread",
                                 "run " + net + " --noc-model fast"}) {
    INFO(args);
    const CliResult r = run_nchip(args, dir);
    CHECK(r.exit_code == 2);
    CHECK(line_count(r.err) == 1);
  }
  CHECK_FALSE(std::filesystem::exists(dir + "/stats.json"));
  CHECK_FALSE(std::filesystem::exists(dir + "/noc"));
}

// Issue #16: --noc-stats writes the per-link, per-core and per-router tables and the critical path,
// consistent with --stats; --noc-model threads (the reference) gives the same statistics.
TEST_CASE("nchip run --backend systemc --noc-stats writes the mesh tables", "[systemc][cli]") {
  const std::string dir = scratch_dir("systemc_cli_noc_stats");
  const std::string net = source_path("examples/networks/store_recall.json");
  const std::string common = "run " + net + " --mode fixed --backend systemc --steps 300 ";
  const CliResult r = run_nchip(common + "--stats " + dir + "/stats.json --noc-stats " + dir + "/noc", dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("noc stats: wrote") != std::string::npos);
  const auto stats = nlohmann::json::parse(slurp(dir + "/stats.json"));
  const auto critical = nlohmann::json::parse(slurp(dir + "/noc/critical_path.json"));
  CHECK(critical["cycles"] == stats["cycles"]["max_per_step"]);
  // links.csv: the packets of every router-to-router link add up to the hops.
  std::ifstream links(dir + "/noc/links.csv");
  std::string line;
  std::getline(links, line);
  CHECK(line == "tile,x,y,port,to_x,to_y,packets,busy_cycles,utilization");
  uint64_t hops = 0;
  while (std::getline(links, line)) {
    std::vector<std::string> cells;
    std::stringstream row(line);
    for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
    REQUIRE(cells.size() == 9);
    if (cells[3] != "local") hops += std::stoull(cells[6]);
  }
  CHECK(hops == stats["noc"]["hops"].get<uint64_t>());
  CHECK(std::filesystem::exists(dir + "/noc/cores.csv"));
  CHECK(std::filesystem::exists(dir + "/noc/routers.csv"));
  // The reference NoC model: the same statistics, byte for byte.
  REQUIRE(run_nchip(common + "--noc-model threads --stats " + dir + "/threads.json --noc-stats " + dir + "/noc_threads",
                    dir).exit_code == 0);
  CHECK(slurp(dir + "/threads.json") == slurp(dir + "/stats.json"));
  for (const char* file : {"links.csv", "cores.csv", "routers.csv", "critical_path.json"})
    CHECK(slurp(dir + "/noc_threads/" + file) == slurp(dir + "/noc/" + file));
  // The fast NoC model: the functional model's spikes and readouts, the same traffic (its own tie
  // rule may change cycles and stalls), the same tables written.
  REQUIRE(run_nchip(common + "--noc-model fast --stats " + dir + "/fast.json --noc-stats " + dir + "/noc_fast --out " +
                        dir + "/fast_out.json", dir).exit_code == 0);
  REQUIRE(run_nchip("run " + net + " --mode fixed --steps 300 --out " + dir + "/functional_out.json", dir).exit_code == 0);
  const auto fast_out = nlohmann::json::parse(slurp(dir + "/fast_out.json"));
  const auto functional_out = nlohmann::json::parse(slurp(dir + "/functional_out.json"));
  CHECK(fast_out["spikes"] == functional_out["spikes"]);
  CHECK(fast_out["readouts"] == functional_out["readouts"]);
  const auto fast = nlohmann::json::parse(slurp(dir + "/fast.json"));
  CHECK(fast["noc"]["hops"] == stats["noc"]["hops"]);
  CHECK(fast["noc"]["packets"] == stats["noc"]["packets"]);
  for (const char* file : {"links.csv", "cores.csv", "routers.csv", "critical_path.json"})
    CHECK(std::filesystem::exists(dir + "/noc_fast/" + file));
}

// Issue #14: a tiny network of cuba_lif (reset to zero) and IF neurons trains from the command
// line in float and fixed point, and the SystemC chip learns the functional model's weights byte
// for byte in both storage schemes (the CUBA trace slots hold the synaptic filter too).
TEST_CASE("nchip train on cuba_lif and IF neurons learns the same weights on both backends", "[systemc][cli]") {
  const std::string dir = scratch_dir("systemc_cli_train_cuba");
  {
    std::ofstream net(dir + "/cuba.json");
    net << R"({"name": "tiny_cuba", "dt_ms": 1.0, "seed": 5,
      "populations": [
        {"name": "in", "type": "input", "size": 6},
        {"name": "cuba", "type": "cuba_lif", "size": 12, "tau_m_ms": 20, "tau_syn_ms": 5, "v_th": 0.5, "t_ref_ms": 2, "reset": "zero"},
        {"name": "if", "type": "lif", "size": 8, "v_th": 0.5, "t_ref_ms": 2, "leak": false},
        {"name": "out", "type": "readout", "size": 2, "tau_out_ms": 20}],
      "projections": [
        {"source": "in", "target": "cuba", "init": {"gain": 0.4}},
        {"source": "in", "target": "if", "init": {"gain": 0.3}},
        {"source": "cuba", "target": "cuba", "init": {"gain": 0.3}},
        {"source": "cuba", "target": "if", "init": {"gain": 0.3}},
        {"source": "if", "target": "cuba", "init": {"gain": 0.3}},
        {"source": "cuba", "target": "out", "init": {"gain": 1.0}},
        {"source": "if", "target": "out", "init": {"gain": 1.0}}]})";
  }
  const std::string common = "train --task pattern-generation --inputs 6 --groups 3 --outputs 2 --net " + dir +
                             "/cuba.json --iterations 3 --steps 200 --quiet --out " + dir;
  const CliResult fl = run_nchip(common + "/float --mode float", dir);
  INFO(fl.err);
  REQUIRE(fl.exit_code == 0);
  for (const std::string storage : {"full", "factored"}) {
    INFO(storage);
    const std::string flags = " --mode fixed --storage " + storage + (storage == "factored" ? " --lr 1e-3" : " --lr 1e-5");
    const CliResult f = run_nchip(common + "/f_" + storage + flags, dir);
    INFO(f.err);
    REQUIRE(f.exit_code == 0);
    const CliResult s = run_nchip(common + "/s_" + storage + flags + " --backend systemc", dir);
    INFO(s.err);
    REQUIRE(s.exit_code == 0);
    CHECK(slurp(dir + "/s_" + storage + "/trained.json") == slurp(dir + "/f_" + storage + "/trained.json"));
    const auto metrics = nlohmann::json::parse(slurp(dir + "/f_" + storage + "/metrics.json"));
    INFO(metrics.dump());
    CHECK(metrics["weights_changed"].get<uint64_t>() > 0);
  }
}

// Issue #14: CubaLI readouts (a readout with a synaptic current) train from the command line in
// float and fixed point; the output weights' trace is zsyn then kappa on both chip models, which
// learn the same weights byte for byte; trained.json keeps the readout's tau_syn_ms.
TEST_CASE("nchip train with CubaLI readouts learns the same weights on both backends", "[systemc][cli]") {
  const std::string dir = scratch_dir("systemc_cli_train_cubali");
  {
    std::ofstream net(dir + "/cubali.json");
    net << R"({"name": "tiny_cubali", "dt_ms": 1.0, "seed": 6,
      "populations": [
        {"name": "in", "type": "input", "size": 6},
        {"name": "lif", "type": "lif", "size": 16, "tau_m_ms": 20, "v_th": 0.5, "t_ref_ms": 2},
        {"name": "out", "type": "readout", "size": 2, "tau_out_ms": 20, "tau_syn_ms": 4}],
      "projections": [
        {"source": "in", "target": "lif", "init": {"gain": 0.5}},
        {"source": "lif", "target": "lif", "init": {"gain": 0.3}},
        {"source": "lif", "target": "out", "init": {"gain": 0.3}}]})";
  }
  const std::string common = "train --task pattern-generation --inputs 6 --groups 3 --outputs 2 --net " + dir +
                             "/cubali.json --steps 200 --quiet --out " + dir;
  const CliResult fl = run_nchip(common + "/float --mode float --iterations 30", dir);
  INFO(fl.err);
  REQUIRE(fl.exit_code == 0);
  const auto trained = nlohmann::json::parse(slurp(dir + "/float/trained.json"));
  CHECK(trained["populations"][2]["tau_syn_ms"].get<double>() == 4.0);
  const auto float_metrics = nlohmann::json::parse(slurp(dir + "/float/metrics.json"));
  INFO(float_metrics.dump());
  CHECK(float_metrics["weights_changed"].get<uint64_t>() > 0);
  // It learns: the first iteration's NMSE (curve.csv, third column) falls by a quarter in 30
  // iterations (measured 1.46 -> 0.81).
  std::istringstream curve(slurp(dir + "/float/curve.csv"));
  std::string header, first;
  std::getline(curve, header);
  std::getline(curve, first);
  const double first_nmse = std::stod(first.substr(first.find(',', first.find(',') + 1) + 1));
  CHECK(float_metrics["final_metric"].get<double>() < 0.75 * first_nmse);
  const std::string flags = " --mode fixed --iterations 3 --lr 1e-5";
  const CliResult f = run_nchip(common + "/f" + flags, dir);
  INFO(f.err);
  REQUIRE(f.exit_code == 0);
  const CliResult s = run_nchip(common + "/s" + flags + " --backend systemc", dir);
  INFO(s.err);
  REQUIRE(s.exit_code == 0);
  CHECK(slurp(dir + "/s/trained.json") == slurp(dir + "/f/trained.json"));
  CHECK(nlohmann::json::parse(slurp(dir + "/f/metrics.json"))["weights_changed"].get<uint64_t>() > 0);
}
