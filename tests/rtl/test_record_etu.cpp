// `nchip train --record-etu FILE` end to end: a short fixed-point store-recall run (a small
// network on the real task) records the eligibility-trace unit's input stream, the stream chains
// (each record's state is what etu_update made of the synapse's previous record), and
// `nchip cosim --stimulus recorded FILE` replays it against the Verilated RTL; unusable
// combinations exit 2 with one line.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <utility>

#include "compiler/ir/network_json.hpp"
#include "compiler/ir/random_init.hpp"
#include "hw_model/arith/eligibility.hpp"
#include "rtl/cosim/etu_dut.hpp"
#include "rtl/cosim/etu_record.hpp"
#include "tests/support/cli_runner.hpp"

using namespace nchip;
using nchip::test::run_nchip;
using nchip::test::scratch_dir;
using arith::Quantity;

namespace {

constexpr uint32_t kTrialSteps = 400;  // store (steps 0-199) and recall (200-399): the shortest trial

// The store-recall task's 100 inputs into 2 LIF + 2 ALIF neurons, 2 readouts: 412 plastic
// synapses, so a whole trial is 164 800 updates (10.5 MB of records).
ir::Network small_store_recall_network() {
  ir::Network net;
  net.name = "sr_small";
  net.seed = 4;
  net.dt_ms = 1.0;
  auto population = [&](const char* name, ir::PopulationType type, uint32_t size) {
    ir::Population p;
    p.name = name;
    p.type = type;
    p.size = size;
    p.tau_m_ms = 20;
    p.v_th = 0.5;
    p.t_ref_ms = 5;
    net.populations.push_back(p);
    return &net.populations.back();
  };
  population("in", ir::PopulationType::input, 100);
  population("lif", ir::PopulationType::lif, 2);
  auto* alif = population("alif", ir::PopulationType::alif, 2);
  alif->tau_a_ms = 1200;
  alif->beta = 0.03;
  population("out", ir::PopulationType::readout, 2)->tau_out_ms = 20;
  auto project = [&](const char* source, const char* target) {
    ir::Projection p;
    p.source = source;
    p.target = target;
    p.random_init = ir::RandomInit{1.0, 1.0};
    net.projections.push_back(p);
  };
  for (const char* src : {"in", "lif", "alif"})
    for (const char* dst : {"lif", "alif"}) project(src, dst);
  project("lif", "out");
  project("alif", "out");
  ir::materialise_random_init(net);
  return net;
}

std::string write_network(const std::string& dir) {
  const std::string path = dir + "/sr_small.json";
  std::ofstream(path) << ir::network_to_json(small_store_recall_network());
  return path;
}

std::string train_args(const std::string& out, const std::string& extra, const char* mode = "fixed",
                       int iterations = 1) {
  return std::string("train --task store-recall --mode ") + mode + " --iterations " +
         std::to_string(iterations) + " --batch 1 --steps " +
         std::to_string(kTrialSteps) + " --validation-trials 1 --out " + out + " " + extra;
}

struct StreamCheck {
  uint64_t records = 0, synapses = 0, chained = 0, broken = 0, adaptive = 0, active = 0, with_state = 0,
           out_of_order = 0;
  std::string first_problem;
};

// Replays each record through etu_update<FixedOps>: a synapse's record at step t + 1 (same trial)
// must hold the state computed from its record at step t, i.e. the records are the engine's own
// updates, in its order, with the state before the update.
StreamCheck check_stream(const std::string& file) {
  rtl::EtuRecordReader reader(file);
  arith::SaturationCounts counts;
  const arith::FixedOps ops(reader.quant(), counts);
  std::map<std::pair<uint64_t, uint32_t>, std::pair<uint64_t, arith::EtuSynapseState<arith::FixedOps>>> last;
  StreamCheck c;
  uint64_t previous_step = 0;
  rtl::EtuRecord r;
  while (reader.next(r)) {
    ++c.records;
    c.out_of_order += r.key.stream != 0 || r.key.step < previous_step;
    previous_step = r.key.step;
    const auto id = std::make_pair(r.key.seed, r.key.index);
    const auto it = last.find(id);
    if (it != last.end() && it->second.first + 1 == r.key.step && r.key.step % kTrialSteps != 0) {
      const auto& e = it->second.second;
      if (e.eps_a.raw != r.eps_a || e.filtered.raw != r.filtered || e.accumulator.raw != r.accumulator) {
        if (c.broken++ == 0)
          c.first_problem = "synapse " + std::to_string(r.key.index) + " step " + std::to_string(r.key.step) +
                            ": recorded state " + std::to_string(r.eps_a) + " " + std::to_string(r.filtered) + " " +
                            std::to_string(r.accumulator) + ", etu_update of the previous record gave " +
                            std::to_string(e.eps_a.raw) + " " + std::to_string(e.filtered.raw) + " " +
                            std::to_string(e.accumulator.raw);
      }
      ++c.chained;
    }
    auto state = r.state();
    arith::etu_update(ops, r.neuron(), arith::Fx<Quantity::trace>{r.zbar}, state, r.key);
    last[id] = {r.key.step, state};
    c.adaptive += r.adaptive;
    c.active += r.h != 0 && r.zbar != 0 && r.L != 0;
    c.with_state += r.eps_a != 0 && r.filtered != 0 && r.accumulator != 0;
  }
  c.synapses = last.size();
  return c;
}

}  // namespace

TEST_CASE("nchip train --record-etu records a store-recall trial that nchip cosim replays") {
  const std::string dir = scratch_dir("record_etu");
  const std::string net = write_network(dir);
  const std::string file = dir + "/run.etu";
  const auto t = run_nchip(train_args(dir + "/train", "--net " + net + " --record-etu " + file), dir);
  INFO(t.out << t.err);
  REQUIRE(t.exit_code == 0);
  CHECK(t.err.empty());  // no warning: the training formats have a verilated variant
  CHECK(t.out.find("ETU record: all 164800 updates written to " + file) != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(file + ".tmp"));
  const auto metrics = nlohmann::json::parse(test::slurp(dir + "/train/metrics.json"));
  CHECK(metrics["etu_record"]["updates_recorded"] == 164800);
  CHECK(metrics["etu_record"]["updates_seen"] == 164800);
  CHECK(metrics["etu_record"]["limit_reached"] == false);

  // The header carries the run's formats: the QuantConfig defaults (accumulator s32.16), etu.sv's
  // default parameters, verilated as the nearest variant.
  {
    rtl::EtuRecordReader reader(file);
    CHECK(reader.count() == 164800);
    CHECK(reader.quant()[Quantity::update_accumulator] == arith::Format{32, 16, true});
    CHECK(reader.quant().rounding == arith::Rounding::nearest);
    const rtl::VerilatedEtuVariant* variant = rtl::find_verilated_etu(reader.quant());
    REQUIRE(variant != nullptr);
    CHECK(variant->name == "nearest");
  }

  const StreamCheck c = check_stream(file);
  INFO(c.first_problem);
  CHECK(c.records == 164800);
  CHECK(c.synapses == 412);  // 100 x 4 input + 4 x 3 recurrent (no self-connections), all plastic
  CHECK(c.out_of_order == 0);
  CHECK(c.broken == 0);
  CHECK(c.chained == 412 * (kTrialSteps - 1));
  CHECK(c.adaptive > 0);
  CHECK(c.active > 1000);      // the recall period's learning signal reaches the datapath
  CHECK(c.with_state > 1000);  // ALIF synapses with eps_a, filtered and accumulator all nonzero

  const auto r = run_nchip("cosim --stimulus recorded " + file + " --json", dir);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const auto report = nlohmann::json::parse(r.out);
  CHECK(report["match"] == true);
  CHECK(report["variant"] == "nearest");
  CHECK(report["updates_compared"] == 164800);
}

TEST_CASE("nchip train --record-etu of an 8-bit-weight run replays through the variant with its ETU formats") {
  // The unit has no weight port: a record of a run with s8.6 weights (and the stochastic weight
  // update that lets them move) replays through the default-format nearest variant (#18 row 4).
  const std::string dir = scratch_dir("record_etu_w8");
  const std::string net = write_network(dir);
  const std::string quant = dir + "/w8.json";
  std::ofstream(quant) << R"({"update_rounding": "stochastic", "formats": {"weight": {"width": 8, "frac": 6, "signed": true}}})";
  const std::string file = dir + "/run.etu";
  const auto t = run_nchip(train_args(dir + "/train", "--net " + net + " --quant " + quant + " --record-etu " + file +
                                                          " --record-etu-limit 20000"),
                           dir);
  INFO(t.out << t.err);
  REQUIRE(t.exit_code == 0);
  CHECK(t.err.empty());  // no "no verilated variant" warning: the ETU formats have one
  const auto r = run_nchip("cosim --stimulus recorded " + file + " --json", dir);
  INFO(r.out << r.err);
  REQUIRE(r.exit_code == 0);
  const auto report = nlohmann::json::parse(r.out);
  CHECK(report["match"] == true);
  CHECK(report["variant"] == "nearest");
  CHECK(report["updates_compared"] == 20000);
}

TEST_CASE("nchip train --record-etu-limit stops recording and says so, and the prefix replays") {
  const std::string dir = scratch_dir("record_etu_limit");
  const std::string net = write_network(dir);
  const std::string file = dir + "/run.etu";
  const auto t = run_nchip(
      train_args(dir + "/train", "--net " + net + " --record-etu " + file + " --record-etu-limit 5000", "fixed", 2),
      dir);
  INFO(t.out << t.err);
  REQUIRE(t.exit_code == 0);
  CHECK(t.out.find("ETU record: 5000 of 329600 updates written to " + file +
                   " (recording stopped at --record-etu-limit 5000, engine step 12)") != std::string::npos);
  const auto metrics = nlohmann::json::parse(test::slurp(dir + "/train/metrics.json"));
  CHECK(metrics["etu_record"]["limit_reached"] == true);
  CHECK(metrics["etu_record"]["limit"] == 5000);
  const StreamCheck c = check_stream(file);
  CHECK(c.records == 5000);
  CHECK(c.broken == 0);
  const auto r = run_nchip("cosim --stimulus recorded " + file, dir);
  INFO(r.out << r.err);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("5000 updates compared") != std::string::npos);
}

TEST_CASE("nchip train --record-etu: unusable combinations exit 2 with one line") {
  const std::string dir = scratch_dir("record_etu_bad");
  const std::string file = dir + "/bad.etu";
  const struct {
    const char* what;
    const char* mode;
    std::string extra;
  } cases[] = {
      {"float mode", "float", "--record-etu " + file},
      {"factored storage", "fixed", "--storage factored --record-etu " + file},
      {"limit without file", "fixed", "--record-etu-limit 10"},
      {"zero limit", "fixed", "--record-etu " + file + " --record-etu-limit 0"},
      {"unwritable path", "fixed", "--record-etu " + dir + "/missing/dir/x.etu"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    const auto r = run_nchip(train_args(dir + "/t", c.extra, c.mode), dir);
    INFO(r.out << r.err);
    CHECK(r.exit_code == 2);
    CHECK(test::line_count(r.err) == 1);
    CHECK(r.err.find("record-etu") != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(file));
    CHECK_FALSE(std::filesystem::exists(file + ".tmp"));
  }
}
