// Issue #15: `nchip run --out` streams long recordings to disk. Through the real binary: the peak
// resident memory of a run does not grow with its length (measured with wait4 on the child, no
// timing), an error in the middle of a run (the file-size limit) leaves neither a half file nor
// a temporary one and the old file untouched, and the SystemC backend streams the same bytes.
#include <catch2/catch.hpp>

#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/cli_runner.hpp"

using namespace nchip::test;
namespace fs = std::filesystem;

extern char** environ;

namespace {

// 40 LIF neurons and 2 readouts, driven by the default Poisson input.
std::string network(const std::string& dir) {
  std::string weights = "[";
  for (int j = 0; j < 40; ++j) weights += std::string(j ? ", " : "") + "[0.6, 0.3, -0.2]";
  weights += "]";
  const std::string path = dir + "/net.json";
  std::ofstream(path) << R"({"name": "stream", "default_input": "poisson", "populations": [
      {"name": "in", "type": "input", "size": 3},
      {"name": "rec", "type": "lif", "size": 40, "tau_m_ms": 20, "v_th": 0.5},
      {"name": "out", "type": "readout", "size": 2, "tau_out_ms": 20}],
    "projections": [{"source": "in", "target": "rec", "weights": )" + weights + R"(},
                    {"source": "rec", "target": "out", "init": {"gain": 1.0}}]})";
  return path;
}

struct Child {
  int exit_code = -1;
  long peak_rss_kb = 0;
};

// Runs nchip with `args` (no shell), its output to files in `dir`; the child's own peak RSS.
Child run_measured(const std::vector<std::string>& args, const std::string& dir) {
  std::vector<std::string> argv_strings = {std::string(NCHIP_BINARY_DIR) + "/nchip"};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t files;
  posix_spawn_file_actions_init(&files);
  posix_spawn_file_actions_addopen(&files, 1, (dir + "/stdout.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&files, 2, (dir + "/stderr.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  // Under AddressSanitizer freed blocks wait in a quarantine (256 MB by default), so the peak RSS
  // would grow with everything the run ever freed; without it the measure is the live memory again.
  std::vector<std::string> env_strings;
  bool asan_options_seen = false;
  for (char** e = environ; *e; ++e) {
    env_strings.emplace_back(*e);
    if (env_strings.back().rfind("ASAN_OPTIONS=", 0) == 0) {
      env_strings.back() += ":quarantine_size_mb=0:thread_local_quarantine_size_kb=0";
      asan_options_seen = true;
    }
  }
  if (!asan_options_seen) env_strings.emplace_back("ASAN_OPTIONS=quarantine_size_mb=0:thread_local_quarantine_size_kb=0");
  std::vector<char*> env;
  for (auto& e : env_strings) env.push_back(e.data());
  env.push_back(nullptr);
  pid_t pid = 0;
  const int rc = posix_spawn(&pid, argv[0], &files, nullptr, argv.data(), env.data());
  posix_spawn_file_actions_destroy(&files);
  REQUIRE(rc == 0);
  int status = 0;
  struct rusage usage {};
  REQUIRE(wait4(pid, &status, 0, &usage) == pid);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, usage.ru_maxrss};
}

}  // namespace

TEST_CASE("a long run with voltages streams to disk in bounded memory", "[cli][streaming]") {
  const std::string dir = scratch_dir("run_streaming_rss");
  const std::string net = network(dir);
  const auto run = [&](const std::string& steps, const std::string& out) {
    return run_measured({"run", net, "--steps", steps, "--record-voltages", "--out", dir + "/" + out}, dir);
  };
  const Child short_run = run("10000", "short.json");
  const Child long_run = run("40000", "long.json");
  REQUIRE(short_run.exit_code == 0);
  REQUIRE(long_run.exit_code == 0);
  const auto short_bytes = fs::file_size(dir + "/short.json"), long_bytes = fs::file_size(dir + "/long.json");
  INFO("peak RSS " << short_run.peak_rss_kb << " kB for " << short_bytes << " bytes, " << long_run.peak_rss_kb
                   << " kB for " << long_bytes << " bytes");
  // 30000 more steps of 42 values: ~10 MB as doubles and ~3x that as a JSON tree when the run was
  // held in memory; streamed, the peak stays where it was (a few MB of slack for the allocator).
  CHECK(long_bytes > 3 * short_bytes);
  CHECK(long_bytes > 12'000'000);
  CHECK(long_run.peak_rss_kb - short_run.peak_rss_kb < 4 * 1024);
  // The long run's results start with the short run's steps (same seed, same input).
  const std::string s = slurp(dir + "/short.json"), l = slurp(dir + "/long.json");
  CHECK(l.find("\"steps\": 40000") != std::string::npos);
  CHECK(s.find("\"steps\": 10000") != std::string::npos);
}

TEST_CASE("an error in the middle of a streamed run leaves no half file and the old one as it was", "[cli][streaming]") {
  const std::string dir = scratch_dir("run_streaming_error");
  const std::string out_dir = dir + "/out";
  fs::create_directories(out_dir);
  const std::string net = network(dir);
  std::ofstream(out_dir + "/r.json") << "old results\n";
  // 64 KB of file size: the recording outgrows it mid-run; the signal ignored, write() fails (EFBIG).
  const std::string command = "trap '' XFSZ; ulimit -f 64; exec " + std::string(NCHIP_BINARY_DIR) + "/nchip run " + net +
                              " --steps 20000 --record-voltages --out " + out_dir + "/r.json 2>" + dir + "/stderr.txt";
  const int status = std::system(("bash -c \"" + command + "\" >/dev/null").c_str());
  const std::string err = slurp(dir + "/stderr.txt");
  INFO(err);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 2);
  CHECK(std::count(err.begin(), err.end(), '\n') == 1);
  CHECK(err.find(out_dir + "/r.json: cannot write: File too large") != std::string::npos);
  CHECK(slurp(out_dir + "/r.json") == "old results\n");
  CHECK(std::distance(fs::directory_iterator(out_dir), fs::directory_iterator{}) == 1);  // no temporary left

  // Killed mid-run (kill -9): the spill file was unlinked when created and the output's temporary
  // file is only made at the end, so nothing is left behind either.
  const std::string killed_dir = dir + "/killed";
  fs::create_directories(killed_dir);
  const std::string kill_command = std::string(NCHIP_BINARY_DIR) + "/nchip run " + net +
                                   " --steps 5000000 --record-voltages --out " + killed_dir +
                                   "/r.json >/dev/null 2>&1 & pid=$!; sleep 1; kill -9 $pid; wait $pid; exit 0";
  REQUIRE(std::system(("bash -c '" + kill_command + "'").c_str()) == 0);
  CHECK(fs::is_empty(killed_dir));
}

TEST_CASE("the SystemC backend streams the same results file as the functional model", "[cli][streaming][systemc]") {
  const std::string dir = scratch_dir("run_streaming_systemc");
  const std::string net = network(dir);
  const CliResult functional = run_nchip("run " + net + " --steps 300 --record-voltages --out " + dir + "/f.json", dir);
  const CliResult timed =
      run_nchip("run " + net + " --steps 300 --record-voltages --backend systemc --out " + dir + "/s.json", dir);
  REQUIRE(functional.exit_code == 0);
  REQUIRE(timed.exit_code == 0);
  CHECK(slurp(dir + "/s.json") == slurp(dir + "/f.json"));
  CHECK(slurp(dir + "/f.json").find("\"rec\": [\n   [") != std::string::npos);  // it spiked
}
