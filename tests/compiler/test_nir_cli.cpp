// `nchip import` / `nchip export` and .nir networks in `nchip run` / `compile` (issue #14): a network
// imported from NIR simulates spike for spike like the same network written by hand in nchip JSON,
// an exported network comes back bit for bit, both chip models agree on an imported network, and
// every malformed file is one line on stderr with exit code 2 and nothing written.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <nlohmann/json.hpp>

#include "nir_cuba_fixture.hpp"
#include "nir_fixture.hpp"
#include "support/cli_runner.hpp"

using namespace nchip::test;
using nlohmann::json;

namespace {

// in (4) -> rec (6 lif, recurrent) -> out (2 readouts with bias), dt = 1 ms.
const std::vector<double> kWin = {0.6, 0.1, 0.0, 0.4, 0.3, 0.5, 0.2, 0.0, 0.0, 0.7, 0.3, 0.2,
                                  0.5, 0.0, 0.6, 0.1, 0.2, 0.2, 0.5, 0.3, 0.4, 0.4, 0.1, 0.6};
const std::vector<double> kWrec = {0, 0.1, -0.2, 0.15, 0, 0.05, 0.2, 0, 0.1, -0.1, 0.05, 0, -0.05, 0.1, 0, 0.2, 0, 0.1,
                                   0.1, 0, 0.05, 0, -0.1, 0.2, 0, 0.2, 0.1, 0.1, 0, -0.2, 0.15, 0, 0, 0.1, 0.2, 0};
const std::vector<double> kWout = {0.3, -0.2, 0.1, 0.4, -0.1, 0.2, -0.3, 0.2, 0.25, -0.1, 0.3, 0.05};
constexpr double kTauM = 20.0, kTauOut = 10.0, kVth = 0.5;

json rows(const std::vector<double>& w, size_t cols) {
  json out = json::array();
  for (size_t r = 0; r < w.size() / cols; ++r) out.push_back(std::vector<double>(w.begin() + r * cols, w.begin() + (r + 1) * cols));
  return out;
}

void write_hand_json(const std::string& path) {
  json net = {{"name", "hand"}, {"dt_ms", 1.0}, {"seed", 1}};
  net["populations"] = {{{"name", "in"}, {"type", "input"}, {"size", 4}},
                        {{"name", "rec"}, {"type", "lif"}, {"size", 6}, {"tau_m_ms", kTauM}, {"v_th", kVth}},
                        {{"name", "out"}, {"type", "readout"}, {"size", 2}, {"tau_out_ms", kTauOut}, {"bias", {0.01, -0.02}}}};
  net["projections"] = {{{"source", "in"}, {"target", "rec"}, {"weights", rows(kWin, 4)}},
                        {{"source", "rec"}, {"target", "rec"}, {"weights", rows(kWrec, 6)}},
                        {{"source", "rec"}, {"target", "out"}, {"weights", rows(kWout, 6)}}};
  std::ofstream(path) << net.dump(2);
}

// The same network as snnTorch writes it: beta = exp(-dt/tau_m), tau = dt/(1 - beta), r = tau/dt
// (seconds), reset by subtraction, the readout bias in the Affine before the LI node.
void write_snntorch_style_nir(const std::string& path) {
  const double dt = 1e-3;
  const double beta = std::exp(-1.0 / kTauM), kappa = std::exp(-1.0 / kTauOut);
  const double tau = dt / (1 - beta), tau_out = dt / (1 - kappa);
  NirFixture f;
  f.add("in", "Input").p("shape", {4});
  f.add("fc1", "Linear").matrix("weight", 6, 4, kWin);
  f.add("rec", "LIF").p("tau", std::vector<double>(6, tau)).p("r", std::vector<double>(6, tau / dt))
      .p("v_leak", std::vector<double>(6, 0.0)).p("v_threshold", std::vector<double>(6, kVth));
  f.add("w_rec", "Linear").matrix("weight", 6, 6, kWrec);
  f.add("fc2", "Affine").matrix("weight", 2, 6, kWout).p("bias", {0.01, -0.02});
  f.add("out", "LI").scalar("tau", tau_out).scalar("r", tau_out / dt).scalar("v_leak", 0.0);
  f.add("output", "Output").p("shape", {2});
  for (auto [a, b] : std::vector<std::pair<const char*, const char*>>{
           {"in", "fc1"}, {"fc1", "rec"}, {"rec", "w_rec"}, {"w_rec", "rec"}, {"rec", "fc2"}, {"fc2", "out"}, {"out", "output"}})
    f.edge(a, b);
  f.write(path);
}

json run(const std::string& net, const std::string& mode, const std::string& dir, const std::string& tag,
         const std::string& extra = "") {
  const std::string out = dir + "/" + tag + ".json";
  const auto r = run_nchip("run " + net + " --mode " + mode + " --input-task poisson --steps 400 --seed 4 --out " + out +
                               " " + extra,
                           dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  return json::parse(slurp(out));
}

size_t spike_count(const json& result) {
  size_t n = 0;
  for (const auto& [name, list] : result["spikes"].items()) n += list.size();
  return n;
}

}  // namespace

TEST_CASE("a network imported from NIR runs spike for spike like the same network in nchip JSON", "[nir][cli]") {
  const std::string dir = scratch_dir("nir_cli_same");
  write_hand_json(dir + "/hand.json");
  write_snntorch_style_nir(dir + "/model.nir");
  const auto imp = run_nchip("import " + dir + "/model.nir -o " + dir + "/imported.json --reset subtract", dir);
  INFO(imp.err);
  REQUIRE(imp.exit_code == 0);
  CHECK(imp.out.find("dt = 1 ms, implied by r = tau/dt") != std::string::npos);
  CHECK(imp.out.find("lif population 'rec' (6)") != std::string::npos);
  CHECK(imp.out.find("marks 'out' as a network output") != std::string::npos);
  // Same file, same bytes.
  const auto again = run_nchip("import " + dir + "/model.nir -o " + dir + "/again.json --reset subtract", dir);
  REQUIRE(again.exit_code == 0);
  CHECK(slurp(dir + "/again.json") == slurp(dir + "/imported.json"));
  for (const std::string mode : {"float", "fixed"}) {
    const json hand = run(dir + "/hand.json", mode, dir, "hand_" + mode);
    const json nir_direct = run(dir + "/model.nir", mode, dir, "nir_" + mode, "--reset subtract");
    const json imported = run(dir + "/imported.json", mode, dir, "imported_" + mode);
    CHECK(spike_count(hand) > 20);  // the comparison means something
    CHECK(hand["spikes"] == nir_direct["spikes"]);
    CHECK(hand["spikes"] == imported["spikes"]);
    // Decays come back through tau = dt/(1 - beta) within an ulp: readouts equal to rounding in float,
    // bit for bit once quantized.
    for (const char* k : {"0", "1"}) (void)k;
    const auto& a = hand["readouts"]["out"];
    const auto& b = nir_direct["readouts"]["out"];
    REQUIRE(a.size() == b.size());
    for (size_t t = 0; t < a.size(); ++t)
      for (size_t k = 0; k < 2; ++k) CHECK(a[t][k].get<double>() == Approx(b[t][k].get<double>()).margin(1e-12));
    if (mode == "fixed") CHECK(hand["readouts"] == nir_direct["readouts"]);
  }
}

TEST_CASE("nchip export then a .nir run gives the original network's results bit for bit", "[nir][cli]") {
  const std::string dir = scratch_dir("nir_cli_export");
  write_hand_json(dir + "/hand.json");
  for (const std::string disc : {"euler", "exact"}) {
    const auto e = run_nchip("export " + dir + "/hand.json -o " + dir + "/m.nir --discretization " + disc, dir);
    INFO(e.err);
    REQUIRE(e.exit_code == 0);
    const std::string dt = disc == "exact" ? " --dt-ms 1 --discretization exact" : "";
    for (const std::string mode : {"float", "fixed"}) {
      const json hand = run(dir + "/hand.json", mode, dir, "h" + mode);
      const json back = run(dir + "/m.nir", mode, dir, "b" + mode, "--reset subtract" + dt);
      CHECK(hand["spikes"] == back["spikes"]);
      CHECK(hand["readouts"] == back["readouts"]);
    }
  }
  // An ALIF network has no NIR form: one line, exit 2, no file.
  {
    json net = json::parse(slurp(dir + "/hand.json"));
    net["populations"][1]["type"] = "alif";
    std::ofstream(dir + "/alif.json") << net.dump();
  }
  const auto alif = run_nchip("export " + dir + "/alif.json -o " + dir + "/a.nir", dir);
  CHECK(alif.exit_code == 2);
  CHECK(line_count(alif.err) == 1);
  CHECK(alif.err.find("alif") != std::string::npos);
  CHECK(!std::filesystem::exists(dir + "/a.nir"));
}

TEST_CASE("an imported NIR network compiles for loihi_like and runs bit-identically on both chip models", "[nir][cli]") {
  const std::string dir = scratch_dir("nir_cli_chip");
  const std::string model = source_path("examples/nir/snntorch_like.nir");
  const auto c = run_nchip("compile " + model + " --reset subtract --chip " + source_path("examples/chips/loihi_like.json") +
                               " -o " + dir + "/net.nchip",
                           dir);
  INFO(c.err);
  REQUIRE(c.exit_code == 0);
  const auto flag_on_image = run_nchip("run " + dir + "/net.nchip --reset subtract", dir);
  CHECK(flag_on_image.exit_code == 2);
  CHECK(flag_on_image.err.find("--reset: only for a .nir network") != std::string::npos);
  const json functional = run(dir + "/net.nchip", "fixed", dir, "functional");
  const json systemc = run(dir + "/net.nchip", "fixed", dir, "systemc", "--backend systemc");
  CHECK(spike_count(functional) > 0);
  CHECK(functional["spikes"] == systemc["spikes"]);
  CHECK(functional["readouts"] == systemc["readouts"]);
  // The image exports back to NIR (weights and constants derived back from the quantized ones;
  // the subgraph's "lif1.lif" becomes the node "lif1_lif") and runs to the same spikes.
  const auto e = run_nchip("export " + dir + "/net.nchip -o " + dir + "/back.nir", dir);
  INFO(e.err);
  REQUIRE(e.exit_code == 0);
  const json back = run(dir + "/back.nir", "fixed", dir, "back", "--reset subtract");
  REQUIRE(back["spikes"].contains("lif1_lif"));
  CHECK(back["spikes"]["lif1_lif"] == functional["spikes"]["lif1.lif"]);
}

TEST_CASE("malformed NIR files: one line on stderr, exit code 2, nothing written", "[nir][cli]") {
  const std::string dir = scratch_dir("nir_cli_bad");
  std::vector<std::pair<std::string, std::string>> cases;  // file, expected text
  std::ofstream(dir + "/text.nir") << "not hdf5";
  cases.push_back({"text.nir", "not an HDF5 file"});
  auto fixture = [] { return lif_fixture(0.002, 1.0, 1.0); };
  {
    auto f = fixture();
    f.write_types = false;
    f.write(dir + "/notype.nir");
    cases.push_back({"notype.nir", "/node/nodes/in: missing 'type'"});
  }
  {
    auto f = fixture();
    f.nodes[2].type = "Izhikevich";
    f.write(dir + "/unknown.nir");
    cases.push_back({"unknown.nir", "node 'lif' (Izhikevich): unknown NIR node type; supported:"});
  }
  {
    auto f = lif_fixture(0.002, 1.0, 1.0, {1, 2, 3, 4});
    f.nodes[1].params[0].second.first = {2, 2};
    f.write(dir + "/shape.nir");
    cases.push_back({"shape.nir", "/node/nodes/w: node 'w' (Linear): shape mismatch"});
  }
  {
    auto f = fixture();
    f.edge("w", "ghost");
    f.write(dir + "/dangling.nir");
    cases.push_back({"dangling.nir", "/node/edges: edge target 'ghost' is not a node"});
  }
  {
    auto f = fixture();
    f.add("a", "Linear").matrix("weight", 2, 2, {1, 0, 0, 1});
    f.add("b", "Scale").p("scale", {1, 1});
    f.edge("lif", "a");
    f.edge("a", "b");
    f.edge("b", "a");
    f.add("li", "LI").scalar("tau", 0.01).scalar("r", 1).scalar("v_leak", 0);
    f.edge("a", "li");
    f.write(dir + "/cycle.nir");
    cases.push_back({"cycle.nir", "cycle without a neuron"});
  }
  {
    auto f = lif_fixture(0.002, 1.0, 1.0, {1, 2, NAN, 4, 5, 6});
    f.write(dir + "/nan.nir");
    cases.push_back({"nan.nir", "weight[2] is not finite"});
  }
  for (const auto& [file, text] : cases) {
    INFO(file);
    const auto r = run_nchip("import " + dir + "/" + file + " -o " + dir + "/out.json --dt-ms 1 --reset subtract", dir);
    CHECK(r.exit_code == 2);
    CHECK(line_count(r.err) == 1);
    CHECK(r.err.find(text) != std::string::npos);
    CHECK(r.err.find(dir + "/" + file) != std::string::npos);
    CHECK(!std::filesystem::exists(dir + "/out.json"));
  }
  // dt and reset: refused with the flag to use.
  fixture().write(dir + "/ok.nir");
  {
    auto f = fixture();
    f.nodes[2].type = "IF";  // no leak: nothing implies dt
    f.write(dir + "/if.nir");
  }
  const auto nodt = run_nchip("import " + dir + "/if.nir -o " + dir + "/out.json --reset subtract", dir);
  CHECK(nodt.exit_code == 2);
  CHECK(nodt.err.find("--dt-ms is required") != std::string::npos);
  // --reset zero (the default) runs on the chip; a v_reset it cannot honour is refused.
  CHECK(run_nchip("run " + dir + "/ok.nir --dt-ms 1", dir).exit_code == 0);
  {
    auto f = fixture();
    f.nodes[2].scalar("v_reset", 0.25);
    f.write(dir + "/v_reset.nir");
  }
  const auto zero = run_nchip("run " + dir + "/v_reset.nir --dt-ms 1", dir);
  CHECK(zero.exit_code == 2);
  CHECK(zero.err.find("--reset zero: v_reset = 0.25") != std::string::npos);
  // NIR flags on a JSON network are a mistake, not ignored.
  const auto json_flag = run_nchip("validate " + source_path("examples/networks/store_recall.json") + " --dt-ms 1", dir);
  CHECK(json_flag.exit_code == 2);
  CHECK(json_flag.err.find("only for a .nir network") != std::string::npos);
}

TEST_CASE("an example network with refractoriness exports, runs and trains from its .nir file", "[nir][cli]") {
  const std::string dir = scratch_dir("nir_cli_tref");
  const std::string net = source_path("examples/networks/pattern_generation_small.json");
  const auto e = run_nchip("export " + net + " -o " + dir + "/pg.nir", dir);
  INFO(e.err);
  REQUIRE(e.exit_code == 0);
  CHECK(e.err.find("t_ref_ms = 5 written as metadata/nchip_t_ref_ms") != std::string::npos);
  const json a = run(net, "fixed", dir, "json");
  const json b = run(dir + "/pg.nir", "fixed", dir, "nir", "--reset subtract");
  CHECK(spike_count(a) > 0);
  CHECK(a["spikes"] == b["spikes"]);
  CHECK(a["readouts"] == b["readouts"]);
  const auto t = run_nchip("train --task pattern-generation --net " + dir + "/pg.nir --reset subtract --iterations 2 "
                           "--quiet --out " + dir + "/train",
                           dir);
  INFO(t.err);
  CHECK(t.exit_code == 0);
  CHECK(std::filesystem::exists(dir + "/train/trained.json"));
}

// Issue #14 from the command line: a snnTorch-shaped CubaLIF file imports (the table names what
// each node became), runs in fixed point, compiles for the Loihi-like chip, and trains with e-prop
// (the CUBA eligibility, hw_model/learning/README.md) in float and fixed, functional and SystemC alike.
TEST_CASE("a NIR CubaLIF network imports and runs and compiles and trains from the CLI") {
  const std::string dir = scratch_dir("nir_cli_cuba");
  snntorch_cuba_fixture(snntorch_cuba_weights(true)).write(dir + "/cuba.nir");
  const auto imp = run_nchip("import " + dir + "/cuba.nir -o " + dir + "/cuba.json", dir);
  INFO(imp.err);
  REQUIRE(imp.exit_code == 0);
  CHECK(imp.out.find("cuba_lif population 'rec' (40), reset zero") != std::string::npos);
  CHECK(imp.out.find("alpha_syn 0.8") != std::string::npos);
  const auto run = run_nchip("run " + dir + "/cuba.nir --mode fixed --steps 50", dir);
  CHECK(run.exit_code == 0);
  const auto compiled = run_nchip("compile " + dir + "/cuba.json --chip " + source_path("examples/chips/loihi_like.json") +
                                      " -o " + dir + "/cuba.nchip",
                                  dir);
  CHECK(compiled.exit_code == 0);
  const std::string train = "train --task pattern-generation --inputs 12 --groups 4 --net " + dir +
                            "/cuba.json --iterations 2 --steps 200 --quiet --out " + dir;
  const auto fl = run_nchip(train + "/float --mode float", dir);
  INFO(fl.err);
  CHECK(fl.exit_code == 0);
  const auto fx = run_nchip(train + "/fixed --mode fixed", dir);
  INFO(fx.err);
  CHECK(fx.exit_code == 0);
  const auto sc = run_nchip(train + "/systemc --mode fixed --backend systemc", dir);
  INFO(sc.err);
  CHECK(sc.exit_code == 0);
  CHECK(slurp(dir + "/systemc/trained.json") == slurp(dir + "/fixed/trained.json"));
  // Learning moved the input weights (projection 0: input -> rec) in both modes.
  const json before = json::parse(slurp(dir + "/cuba.json"))["projections"][0]["weights"];
  CHECK(json::parse(slurp(dir + "/fixed/trained.json"))["projections"][0]["weights"] != before);
  CHECK(json::parse(slurp(dir + "/float/trained.json"))["projections"][0]["weights"] != before);
}

// Issue #14: a CubaLI readout and a Threshold layer from a .nir file through the CLI: the table
// says what each became, the JSON keeps the readout's tau_syn_ms, export writes the node types back.
TEST_CASE("nchip import and export of NIR CubaLI and Threshold nodes", "[nir][cli]") {
  const std::string dir = scratch_dir("nir_cli_cubali_threshold");
  NirFixture f = with_cuba_li(snntorch_cuba_weights(false), CubaLi{});
  f.add("fc5", "Linear").matrix("weight", 4, SnnTorchCuba::kRec, std::vector<double>(4 * SnnTorchCuba::kRec, 0.25));
  f.add("thr", "Threshold").p("threshold", std::vector<double>(4, 0.5));
  f.edge("rec", "fc5");
  f.edge("fc5", "thr");
  f.write(dir + "/m.nir");
  const auto imp = run_nchip("import " + dir + "/m.nir -o " + dir + "/m.json", dir);
  INFO(imp.out << imp.err);
  REQUIRE(imp.exit_code == 0);
  CHECK(imp.out.find("readout population 'cli' (3)") != std::string::npos);
  CHECK(imp.out.find("lif population 'thr' (4), alpha 0 (no memory), reset zero") != std::string::npos);
  const json net = json::parse(slurp(dir + "/m.json"));
  bool cli_current = false;
  for (const auto& p : net["populations"]) cli_current = cli_current || (p["name"] == "cli" && p.contains("tau_syn_ms"));
  CHECK(cli_current);
  const auto e = run_nchip("export " + dir + "/m.json -o " + dir + "/back.nir", dir);
  INFO(e.err);
  REQUIRE(e.exit_code == 0);
  const auto again = run_nchip("import " + dir + "/back.nir -o " + dir + "/again.json", dir);
  INFO(again.out);
  REQUIRE(again.exit_code == 0);
  // The table's row of a node: its name, then its NIR type.
  const auto row_type = [&](const std::string& node) {
    std::istringstream lines(again.out);
    std::string line, name, type;
    while (std::getline(lines, line)) {
      std::istringstream(line) >> name >> type;
      if (name == node) return type;
    }
    return std::string("(no row)");
  };
  CHECK(row_type("cli") == "CubaLI");
  CHECK(row_type("thr") == "Threshold");
}
