// `nchip train` from the outside: a short run writes its three files and `nchip run` replays the
// trained network; bad task/flag/config combinations exit with code 2 and one line on stderr.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include <nlohmann/json.hpp>

#include "compiler/ir/network_json.hpp"
#include "tests/runtime/train_test_helpers.hpp"

namespace fs = std::filesystem;

namespace {

struct Outcome {
  int exit_code = -1;
  std::string err;
};

fs::path scratch(const std::string& name) {
  // Under the build tree, so two checkouts running their suites at once do not share folders.
  const fs::path dir = fs::path(NCHIP_BINARY_DIR) / "test-scratch" / ("train_" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

Outcome run_nchip(const std::string& args, const fs::path& dir) {
  const std::string err_file = (dir / "stderr.txt").string();
  const std::string cmd = std::string(NCHIP_BINARY_DIR) + "/nchip " + args + " > " +
                          (dir / "stdout.txt").string() + " 2> " + err_file;
  const int status = std::system(cmd.c_str());
  Outcome o;
  o.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream in(err_file);
  std::stringstream ss;
  ss << in.rdbuf();
  o.err = ss.str();
  return o;
}

size_t lines(const std::string& text) {
  size_t n = 0;
  for (char c : text) n += c == '\n';
  return n;
}

// The 60-LIF pattern-generation test network as DIR/net.json.
fs::path write_small_network(const fs::path& dir) {
  const fs::path net = dir / "net.json";
  std::ofstream(net) << nchip::ir::network_to_json(nchip::test::small_pattern_network());
  return net;
}

nlohmann::json read_metrics(const fs::path& out) {
  std::ifstream in(out / "metrics.json");
  return nlohmann::json::parse(in);
}

}  // namespace

TEST_CASE("nchip train writes curve, metrics and a trained network that nchip run replays") {
  const fs::path dir = scratch("ok");
  const fs::path net = write_small_network(dir);
  for (const char* mode : {"float", "fixed"}) {
    const fs::path out = dir / mode;
    const auto r = run_nchip("train --task pattern-generation --net " + net.string() + " --steps 100 --iterations 3 --mode " +
                             mode + " --out " + out.string(),
                         dir);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    CHECK(fs::exists(out / "curve.csv"));
    CHECK(fs::exists(out / "metrics.json"));
    REQUIRE(fs::exists(out / "trained.json"));
    std::ifstream curve(out / "curve.csv");
    std::string text((std::istreambuf_iterator<char>(curve)), {});
    CHECK(lines(text) == 4);  // header + 3 iterations
    const auto replay = run_nchip("run " + (out / "trained.json").string() + " --input-task pattern-generation --steps 50", dir);
    INFO(replay.err);
    CHECK(replay.exit_code == 0);
  }
}

TEST_CASE("nchip train --optimizer sign trains with the sign update at its default rate") {
  const fs::path dir = scratch("sign");
  const fs::path net = write_small_network(dir);
  for (const char* mode : {"float", "fixed"}) {
    const fs::path out = dir / mode;
    const auto r = run_nchip("train --task pattern-generation --net " + net.string() +
                                 " --steps 100 --iterations 2 --optimizer sign --mode " + mode + " --out " + out.string(),
                             dir);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    const auto metrics = read_metrics(out);
    CHECK(metrics.at("optimizer") == "sign");
    CHECK(metrics.at("lr") == nchip::runtime::kSignDefaultLr);
  }
  // On chip, store-recall trains with the sign update by default (full storage; the factored
  // scheme has its own online rule), pattern generation with SGD at 0.9 / (steps x batch x N),
  // here 100 steps and the test network's 60 LIF neurons.
  const struct {
    const char* args;
    const char* optimizer;
    double lr;
  } defaults[] = {
      {"--task store-recall --steps 400 --batch 1 --validation-trials 1", "sign", 0.003},
      {"--task store-recall --steps 400 --batch 1 --validation-trials 1 --storage factored", "sgd", 3e-4},
      {"--task pattern-generation --steps 100 --net NET", "sgd", 0.9 / (100 * 60)},
  };
  for (const auto& [args, optimizer, lr] : defaults) {
    std::string a = args;
    if (const auto at = a.find("NET"); at != std::string::npos) a.replace(at, 3, net.string());
    const fs::path out = dir / "default";
    const auto r = run_nchip("train " + a + " --mode fixed --iterations 1 --quiet --out " + out.string(), dir);
    INFO(args << " -> " << r.err);
    REQUIRE(r.exit_code == 0);
    const auto metrics = read_metrics(out);
    CHECK(metrics.at("optimizer") == optimizer);
    CHECK(metrics.at("lr").get<double>() == Approx(lr).epsilon(1e-12));
  }
}

TEST_CASE("nchip train: bad task, flag and config combinations exit 2 with one line") {
  const fs::path dir = scratch("errors");
  const fs::path net = write_small_network(dir);
  const std::string out = " --out " + (dir / "o").string();
  const char* cases[] = {
      "train --task sudoku",
      "train --task store-recall --mode fixed --storage factored --optimizer adam",
      "train --task store-recall --mode fixed --storage factored --optimizer sign",
      "train --task store-recall --optimizer momentum",
      "train --task store-recall --storage factored",
      "train --task store-recall --mode float --quant x.json",
      "train --task store-recall --iterations 0",
      "train --task store-recall --softmax lut",
      "train --task pattern-generation --softmax hard-sigmoid",
      "train --task store-recall --mode fixed --softmax exact",
      "train --task store-recall --feedback sideways",
      "train --task store-recall --lr -1",
      "train --task store-recall --batch 0",
      "train --task store-recall --no-such-flag 3",
      "train --task store-recall --mode fixed --quant /nonexistent/q.json",
      "train --task store-recall --algorithm bptt --mode fixed",
      "train --task store-recall --algorithm bptt --feedback symmetric",
      "train --task store-recall --algorithm sideways",
  };
  for (const char* c : cases) {
    const auto r = run_nchip(std::string(c) + out, dir);
    INFO(c << " -> " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(lines(r.err) == 1);
  }
  // A network that does not fit the task: 20 inputs / 3 readouts for store-recall.
  const auto r = run_nchip("train --task store-recall --net " + net.string() + out, dir);
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(lines(r.err) == 1);
  const auto missing_out = run_nchip("train --task store-recall", dir);
  CHECK(missing_out.exit_code == 2);
}
