// `nchip compile` / `nchip inspect` / `nchip run IMAGE` from the outside: the report, the image,
// and every user error exits with code 2, one line on stderr and no output file.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace {

struct Outcome {
  int exit_code = -1;
  std::string out, err;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

fs::path scratch(const std::string& name) {
  // Under the build tree, so two checkouts running their suites at once do not share folders.
  const fs::path dir = fs::path(NCHIP_BINARY_DIR) / "test-scratch" / ("compile_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

Outcome nchip(const std::string& args, const fs::path& dir) {
  const std::string cmd = std::string(NCHIP_BINARY_DIR) + "/nchip " + args + " > " + (dir / "out.txt").string() +
                          " 2> " + (dir / "err.txt").string();
  const int status = std::system(cmd.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(dir / "out.txt"), slurp(dir / "err.txt")};
}

const std::string kSrc = NCHIP_SOURCE_DIR;
const std::string kPattern = kSrc + "/examples/networks/pattern_generation.json";
const std::string kRecall = kSrc + "/examples/networks/store_recall.json";
const std::string kSmall = kSrc + "/examples/chips/small.json";

void expect_user_error(const Outcome& o, const std::string& needle) {
  CHECK(o.exit_code == 2);
  CHECK(o.err.find(needle) != std::string::npos);
  CHECK(std::count(o.err.begin(), o.err.end(), '\n') == 1);
}

}  // namespace

TEST_CASE("nchip compile writes image and report, inspect prints the same report, run replays it") {
  const fs::path dir = scratch("ok");
  const std::string image = (dir / "pg.nchip").string();
  const auto c = nchip("compile " + kPattern + " --chip " + kSmall + " -o " + image + " --report " +
                           (dir / "report.json").string(), dir);
  REQUIRE(c.exit_code == 0);
  CHECK(c.out.find("cores: 9 of 16 used") != std::string::npos);
  CHECK(c.out.find("rec->rec") != std::string::npos);
  CHECK(c.out.find("placement:") != std::string::npos);
  CHECK(slurp(dir / "report.json").find("\"routing_entries\"") != std::string::npos);
  const auto i = nchip("inspect " + image, dir);
  REQUIRE(i.exit_code == 0);
  CHECK(c.out.substr(0, c.out.find("image written")) == i.out);

  const auto from_image = nchip("run " + image + " --steps 200 --out " + (dir / "a.json").string(), dir);
  const auto from_ir = nchip("run " + kPattern + " --steps 200 --out " + (dir / "b.json").string(), dir);
  REQUIRE(from_image.exit_code == 0);
  REQUIRE(from_ir.exit_code == 0);
  CHECK(slurp(dir / "a.json") == slurp(dir / "b.json"));
  expect_user_error(nchip("run " + image + " --mode float", dir), "a chip image runs in fixed mode");
}

TEST_CASE("nchip compile: user errors exit 2 with one line and leave no file") {
  const fs::path dir = scratch("errors");
  const fs::path out = dir / "x.nchip";
  const std::string o = " -o " + out.string();
  const auto chip_file = [&](const std::string& name, const std::string& json) {
    std::ofstream(dir / name) << json;
    return (dir / name).string();
  };
  // Too large: 4 cores of 128 neurons cannot hold 600 + 3.
  expect_user_error(nchip("compile " + kPattern + " --chip " +
                              chip_file("four.json", R"({"name": "four", "mesh_width": 2, "mesh_height": 2, "core_max_neurons": 128, "core_synapse_memory_bits": 100000000})") + o,
                          dir),
                    "population 'rec' needs 5 cores of 128 neurons; 4 are free on chip 'four' (4 cores)");
  expect_user_error(nchip("compile " + kPattern + " --chip " +
                              chip_file("fanin.json", R"({"name": "f", "core_max_fan_in": 100, "core_synapse_memory_bits": 100000000})") + o,
                          dir),
                    "(core_max_fan_in) is too small");
  expect_user_error(nchip("compile " + kRecall + " --chip " +
                              chip_file("table.json", R"({"name": "t", "router_table_entries": 1})") + o,
                          dir),
                    "routing-table entries after merging");
  expect_user_error(nchip("compile " + kRecall + " --chip " +
                              chip_file("noalif.json", R"({"name": "n", "neuron_models": ["lif", "readout"]})") + o,
                          dir),
                    "uses neuron type 'alif', which chip 'n' does not support");
  expect_user_error(nchip("compile " + kRecall + " --chip " + chip_file("typo.json", R"({"mesh_widht": 2})") + o, dir),
                    "typo.json: /mesh_widht: unknown key 'mesh_widht'");
  expect_user_error(nchip("compile " + kRecall + " --chip " + kSmall + " --storage some" + o, dir),
                    "--storage: expected full or factored");
  expect_user_error(nchip("compile " + kRecall + " --chip " + kSmall + " --threads -1" + o, dir), "--threads");
  CHECK_FALSE(fs::exists(out));

  std::ofstream(dir / "bad.nchip") << "NCHIPIMG but not really an image";
  expect_user_error(nchip("inspect " + (dir / "bad.nchip").string(), dir), "bad.nchip: truncated image");
  expect_user_error(nchip("run " + (dir / "bad.nchip").string(), dir), "bad.nchip: truncated image");
}

TEST_CASE("nchip compile --threads 1 and --threads 2 write the same image bytes") {
  const fs::path dir = scratch("threads");
  const std::string one = (dir / "one.nchip").string(), two = (dir / "two.nchip").string();
  REQUIRE(nchip("compile " + kRecall + " --chip " + kSmall + " --threads 1 -o " + one, dir).exit_code == 0);
  REQUIRE(nchip("compile " + kRecall + " --chip " + kSmall + " --threads 2 -o " + two, dir).exit_code == 0);
  const std::string a = slurp(one), b = slurp(two);
  REQUIRE(a.size() > 100);
  CHECK(a == b);
}

// Issue #16: 12 five-neuron populations need 12 cores unpacked; a 2x2 mesh of 16-neuron cores
// holds their 60 neurons only packed (16 + 16 + 16 + 12, three populations cut across cores: 15
// slices), so --packing none refuses it, the default (auto) packs, and a bad mode is one line.
TEST_CASE("nchip compile --packing: none refuses what the default packs") {
  const fs::path dir = scratch("packing");
  std::string pops = R"({"name": "in", "type": "input", "size": 4})", projs;
  for (int k = 0; k < 12; ++k) {
    pops += R"(, {"name": "p)" + std::to_string(k) + R"(", "type": "lif", "size": 5})";
    projs += std::string(k ? ", " : "") + R"({"source": "in", "target": "p)" + std::to_string(k) + R"(", "init": {"gain": 1.0}})";
  }
  std::ofstream(dir / "net.json") << R"({"name": "many", "populations": [)" + pops + R"(], "projections": [)" + projs + "]}";
  std::ofstream(dir / "chip.json") << R"({"name": "quad", "mesh_width": 2, "mesh_height": 2, "core_max_neurons": 16})";
  const std::string args = "compile " + (dir / "net.json").string() + " --chip " + (dir / "chip.json").string() +
                           " -o " + (dir / "x.nchip").string();
  expect_user_error(nchip(args + " --packing none", dir),
                    "population 'p4' needs 1 cores of 16 neurons; 0 are free on chip 'quad' (4 cores)");
  CHECK(!fs::exists(dir / "x.nchip"));
  expect_user_error(nchip(args + " --packing tight", dir), "--packing: expected none, greedy or auto, got 'tight'");
  const auto packed = nchip(args, dir);  // 60 neurons on four 16-neuron cores
  REQUIRE(packed.exit_code == 0);
  CHECK(packed.out.find("cores: 4 of 4 used, 15 slices packed onto them") != std::string::npos);
  CHECK(fs::exists(dir / "x.nchip"));
  const auto greedy = nchip(args + " --packing greedy", dir);
  CHECK(greedy.out == packed.out);
}
