// nchip run --plot DIR_OR_PREFIX: the spike raster and readout traces of the run (gnuplot PNG and
// SVG), their data equal to the run's results JSON; one line when gnuplot is missing; exit 2 for
// a folder that does not exist, before anything runs.
#include <catch2/catch.hpp>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

namespace fs = std::filesystem;
using namespace nchip::test;

namespace {

const std::string kStoreRecall = source_path("examples/networks/store_recall.json");

bool have_gnuplot() { return std::system("command -v gnuplot >/dev/null 2>&1") == 0; }

std::vector<std::vector<std::string>> data_rows(const std::string& path) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(slurp(path));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#' || line.rfind("time_ms", 0) == 0) continue;
    std::vector<std::string> cells;
    std::istringstream cs(line);
    std::string c;
    while (std::getline(cs, c, ',')) cells.push_back(c);
    rows.push_back(cells);
  }
  return rows;
}

}  // namespace

TEST_CASE("nchip run --plot DIR draws the raster and readout traces of that run") {
  if (!have_gnuplot()) {
    WARN("gnuplot not installed (gnuplot-nox): run --plot test skipped");
    return;
  }
  const std::string dir = scratch_dir("run_plot_dir");
  fs::create_directories(dir + "/figs");
  const auto r = run_nchip("run " + kStoreRecall + " --seed 3 --plot " + dir + "/figs --out " + dir + "/run.json", dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK_THAT(r.out, Catch::Contains("plot: wrote " + dir + "/figs/raster.png, " + dir + "/figs/raster.svg"));
  for (const char* f : {"raster", "readouts"}) {
    const std::string png = slurp(dir + "/figs/" + f + ".png"), svg = slurp(dir + "/figs/" + f + ".svg");
    CHECK(png.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
    CHECK(svg.rfind("<?xml", 0) == 0);
    CHECK(svg.find("<svg") != std::string::npos);
    CHECK(svg.find("</svg>") != std::string::npos);
  }
  // The data drawn are the run's: every spike once (population by population), every readout value.
  const auto results = nlohmann::json::parse(slurp(dir + "/run.json"));
  const auto raster = data_rows(dir + "/figs/raster.dat");
  size_t spikes = 0;
  for (const auto& pop : results["populations"]) spikes += pop["spikes"].get<size_t>();
  REQUIRE(spikes > 0);
  CHECK(raster.size() == spikes);
  const auto& first_lif = results["spikes"]["lif"][0];  // (step, index) of the first LIF spike, dt 1 ms
  CHECK(raster[0] == std::vector<std::string>{std::to_string(first_lif[0].get<int>()), std::to_string(first_lif[1].get<int>())});
  const auto readouts = data_rows(dir + "/figs/readouts.dat");
  const auto& out = results["readouts"]["out"];
  REQUIRE(readouts.size() == out.size());
  REQUIRE(readouts[100].size() == 1 + out[100].size());
  for (size_t k = 0; k < out[100].size(); ++k) CHECK(std::stod(readouts[100][1 + k]) == Approx(out[100][k].get<double>()));
}

TEST_CASE("nchip run --plot PREFIX, without gnuplot, and with a folder that does not exist") {
  const std::string dir = scratch_dir("run_plot_prefix");
  if (have_gnuplot()) {
    const auto r = run_nchip("run " + kStoreRecall + " --plot " + dir + "/sr", dir);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(fs::exists(dir + "/sr_raster.png"));
    CHECK(fs::exists(dir + "/sr_readouts.svg"));
  }
  const std::string command = "NCHIP_GNUPLOT=/nonexistent " + std::string(NCHIP_BINARY_DIR) + "/nchip run " +
                              kStoreRecall + " --plot " + dir + "/none >" + dir + "/none.txt 2>&1";
  CHECK(std::system(command.c_str()) == 0);  // the run itself succeeds
  const std::string text = slurp(dir + "/none.txt");
  CHECK_THAT(text, Catch::Contains("plot: gnuplot not found (apt-get install gnuplot-nox); no figures drawn\n"));
  CHECK_FALSE(fs::exists(dir + "/none_raster.dat"));
  const auto bad = run_nchip("run " + kStoreRecall + " --plot " + dir + "/no/such/folder/x", dir);
  CHECK(bad.exit_code == 2);
  CHECK(line_count(bad.err) == 1);
  CHECK_THAT(bad.err, Catch::Contains("--plot " + dir + "/no/such/folder/x: folder"));
}
