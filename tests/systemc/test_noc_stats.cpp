// --noc-stats (runtime/cli/noc_stats.*) on a hand-computable run: one input spike from the host on
// tile 0 of a 4x1 row to a neuron three hops east and to one on the host tile. With hop latency 3,
// 4-flit packets, 2 cycles per synaptic op and 5 per neuron update, the step lasts 3 x 3 + 2 + 5 =
// 16 cycles; each link on the path is busy one packet (4 cycles): utilisation 4/16; each of the
// two cores works 2 + 5 = 7 cycles: load 7/16. One process per TEST_CASE.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <catch2/catch.hpp>

#include "hand_image.hpp"
#include "hw_model/systemc/timed_chip.hpp"
#include "runtime/cli/noc_stats.hpp"
#include "runtime/sweep/gnuplot_script.hpp"

using namespace nchip;
using nlohmann::json;

namespace {

std::vector<std::vector<std::string>> read_csv(const std::string& path) {
  std::ifstream in(path);
  REQUIRE(in.good());
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::stringstream s(line);
    for (std::string cell; std::getline(s, cell, ',');) cells.push_back(cell);
    rows.push_back(cells);
  }
  return rows;
}

// The row whose first columns are `key` (e.g. {"3", "3", "0", "local"}); fails when absent.
std::vector<std::string> row(const std::vector<std::vector<std::string>>& rows, const std::vector<std::string>& key) {
  for (const auto& r : rows)
    if (r.size() >= key.size() && std::equal(key.begin(), key.end(), r.begin())) return r;
  FAIL("no row starting with " << key[0] << "," << key[1]);
  return {};
}

// The 4x1 row of `far_near_image` on `model`, loaded and reset.
systemc::TimedChip& load_far_near(const image::ChipImage& img, systemc::NocModel model,
                                  arith::SaturationCounts& counts) {
  auto& chip = systemc::TimedChip::instance(4, 1);
  chip.set_noc_model(model);
  chip.load(img, img.network, arith::FixedOps(img.quant, counts));
  chip.reset(1);
  return chip;
}

systemc::NocModel each_model() {  // nothing ties in these runs: both rules give the same values
  const auto model = GENERATE(systemc::NocModel::events, systemc::NocModel::fast);
  UNSCOPED_INFO("noc model " << (model == systemc::NocModel::fast ? "fast" : "events"));
  return model;
}

}  // namespace

TEST_CASE("noc stats CSVs and critical path on a hand-computed run", "[systemc][noc]") {
  const auto img = test::far_near_image(test::timing_chip(4), 1);
  arith::SaturationCounts counts;
  auto& chip = load_far_near(img, each_model(), counts);
  chip.step({0});
  const systemc::ChipStats& s = chip.stats();
  REQUIRE(s.total_cycles == 16);

  const std::string dir = (std::filesystem::temp_directory_path() / "nchip_noc_stats_test").string();
  std::filesystem::remove_all(dir);
  runtime::write_noc_stats(s, dir, "hand", nullptr);

  const auto links = read_csv(dir + "/links.csv");
  REQUIRE(links[0] == std::vector<std::string>{"tile", "x", "y", "port", "to_x", "to_y", "packets", "busy_cycles",
                                               "utilization"});
  // Three router-to-router links east, the ejection into each destination core: one packet each.
  CHECK(row(links, {"0", "0", "0", "east"}) == std::vector<std::string>{"0", "0", "0", "east", "1", "0", "1", "4", "0.250000"});
  CHECK(row(links, {"1", "1", "0", "east"})[8] == "0.250000");
  CHECK(row(links, {"2", "2", "0", "east"})[8] == "0.250000");
  CHECK(row(links, {"3", "3", "0", "local"}) == std::vector<std::string>{"3", "3", "0", "local", "3", "0", "1", "4", "0.250000"});
  CHECK(row(links, {"0", "0", "0", "local"})[6] == "1");
  CHECK(row(links, {"1", "1", "0", "west"})[6] == "0");
  CHECK(row(links, {"1", "1", "0", "local"})[8] == "0.000000");
  // A 4x1 row has no north/south links and no link off its ends: 3 east + 3 west + 4 local.
  CHECK(links.size() == 1 + 10);

  const auto cores = read_csv(dir + "/cores.csv");
  CHECK(row(cores, {"3", "3", "0"}) == std::vector<std::string>{"3", "3", "0", "1", "2", "1", "0", "5", "0.437500", "0", "0"});
  CHECK(row(cores, {"0", "0", "0"})[8] == "0.437500");
  CHECK(row(cores, {"0", "0", "0"})[10] == "1");  // the first of two equally slow cores is the critical one
  CHECK(row(cores, {"1", "1", "0"})[8] == "0.000000");

  const auto routers = read_csv(dir + "/routers.csv");
  const auto r0 = row(routers, {"0", "0", "0"});
  CHECK(r0[3] == "2");  // packets out: east and into its own core
  CHECK(r0[4] == "1");  // one hop
  CHECK(row(routers, {"2", "2", "0"})[3] == "1");
  CHECK(row(routers, {"3", "3", "0"})[4] == "0");

  std::ifstream cp(dir + "/critical_path.json");
  const json critical = json::parse(cp);
  CHECK(critical["step"] == 0);
  CHECK(critical["cycles"] == 16);
  CHECK(critical["spike_phase_cycles"] == 11);
  CHECK(critical["compute_phase_cycles"] == 5);
  CHECK(critical["bound"] == "noc");
  CHECK(critical["last_packet_core"] == json{{"tile", 3}, {"x", 3}, {"y", 0}});
  // Four links were busy 4 cycles; the first (tile 0, east) is reported.
  CHECK(critical["busiest_link"] == json{{"tile", 0}, {"x", 0}, {"y", 0}, {"port", "east"}, {"busy_cycles", 4}});
  CHECK(critical["slowest_core"] == json{{"tile", 0}, {"x", 0}, {"y", 0}});

  if (!runtime::sweep::find_gnuplot().empty()) {
    CHECK(std::filesystem::file_size(dir + "/link_utilization.png") > 0);
    CHECK(std::filesystem::file_size(dir + "/core_load.png") > 0);
  }
  std::filesystem::remove_all(dir);
}

TEST_CASE("the slowest step's critical path follows a later, longer step", "[systemc][noc]") {
  // Step 0: the input reaches "far" (3 hops) and "near"; step 1 has no traffic (compute only), so
  // the slowest step stays step 0; step 2 sends the input again: equal length, step 0 is kept.
  const auto img = test::far_near_image(test::line_chip(4), 2);
  arith::SaturationCounts counts;
  auto& chip = load_far_near(img, each_model(), counts);
  chip.step({0});
  const uint64_t first = chip.stats().max_step_cycles;
  chip.step({});
  chip.step({0});
  CHECK(chip.stats().slowest.step == 0);
  // Step 3 sends both inputs: two packets serialize on every link, a longer step.
  chip.step({0, 1});
  const systemc::SlowestStep& w = chip.stats().slowest;
  CHECK(w.step == 3);
  CHECK(w.spike_cycles + w.compute_cycles > first);
  CHECK(w.last_core == 3);
  CHECK(w.busiest_link_busy_cycles == 2);  // two 1-flit packets on the first link east
}
