// nchip train's checkpoints and --resume (issue #15 row 15): a run killed with SIGKILL at any
// moment and resumed writes trained.json, curve.csv's learning columns and metrics.json (less its
// seconds_per_iteration) byte for byte as the run that was never interrupted; bad checkpoints and
// conflicting options exit 2 with one line; a finished run resumed changes nothing.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

using nchip::test::curve_without_times;
using nchip::test::line_count;
using nchip::test::run_nchip;
using nchip::test::scratch_dir;
using nchip::test::slurp;
using nchip::test::source_path;

namespace {

const std::string kPattern = "train --task pattern-generation --net " +
                             source_path("examples/networks/pattern_generation_small.json") +
                             " --steps 100 --iterations 5 --quiet ";
const std::string kEvidenceShape =
    "--inputs 8 --cues 2 --cue-steps 10 --cue-spacing-steps 5 --delay-steps 20 --recall-steps 10";
const std::string kCheckpoint = "/checkpoint.nchip-train";

// metrics.json without its only wall-clock field.
std::string metrics_without_times(const std::string& dir) {
  auto metrics = nlohmann::json::parse(slurp(dir + "/metrics.json"));
  metrics.erase("seconds_per_iteration");
  return metrics.dump(2);
}

void check_same_outputs(const std::string& expected, const std::string& resumed) {
  CHECK(slurp(resumed + "/trained.json") == slurp(expected + "/trained.json"));
  CHECK(curve_without_times(slurp(resumed + "/curve.csv")) == curve_without_times(slurp(expected + "/curve.csv")));
  CHECK(metrics_without_times(resumed) == metrics_without_times(expected));
}

// `train_args` run whole into DIR/whole, and into DIR/killed with NCHIP_TEST_KILL_AT=kill_at
// (SIGKILL there, exit 137), then resumed with another thread count: the same outputs.
void check_kill_and_resume(const std::string& dir, const std::string& train_args, const std::string& kill_at) {
  const std::string whole = dir + "/whole", killed = dir + "/killed";
  std::filesystem::remove_all(whole);
  std::filesystem::remove_all(killed);
  auto r = run_nchip(train_args + " --threads 1 --out " + whole, dir);
  INFO(train_args << " | " << kill_at << ": " << r.err);
  REQUIRE(r.exit_code == 0);
  const std::string env_run = "NCHIP_TEST_KILL_AT=" + kill_at + " " + std::string(NCHIP_BINARY_DIR) + "/nchip " +
                              train_args + " --threads 1 --out " + killed + " >/dev/null 2>&1";
  const int status = std::system(env_run.c_str());
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 128 + SIGKILL);  // the shell reports the killed child so
  REQUIRE(std::filesystem::exists(killed + kCheckpoint));
  r = run_nchip("train --resume " + killed + " --threads 3", dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  check_same_outputs(whole, killed);
  for (const auto& entry : std::filesystem::directory_iterator(killed))  // a partial write's leftover is gone
    CHECK(entry.path().filename().string().find(".tmp.") == std::string::npos);
}

}  // namespace

TEST_CASE("nchip train killed at chosen points and resumed: float and fixed, SGD, Adam and Lion") {
  const std::string dir = scratch_dir("train_resume_points");
  for (const std::string options : {"--mode float", "--mode fixed", "--mode float --optimizer lion",
                                    "--mode fixed --optimizer lion --lr-shifts fan-in",
                                    "--mode fixed --quant '{\"update_rounding\": \"stochastic\"}' --optimizer sign",
                                    "--mode fixed --storage factored"})
    for (const std::string kill_at : {"after-checkpoint:1", "after-curve:3", "checkpoint-partial:3",
                                      "after-checkpoint:5"}) {
      // Checkpoints 1 and 3 exist with --checkpoint-every 1 only; the default (by time) writes
      // one before iteration 1 and one after the last (5), and a kill after curve row 3 resumes
      // from the first.
      const bool every_iteration = kill_at == "after-checkpoint:1" || kill_at == "checkpoint-partial:3";
      check_kill_and_resume(dir, kPattern + options + (every_iteration ? " --checkpoint-every 1" : ""), kill_at);
    }
}

TEST_CASE("nchip train resumes classification with validation trials, --data --shuffle epochs and BPTT") {
  const std::string dir = scratch_dir("train_resume_data");
  const std::string file = dir + "/ea.h5";
  REQUIRE(run_nchip("data convert --out " + file + " --from-task evidence-accumulation --trials 12 "
                    "--validation-trials 8 --seed 3 " + kEvidenceShape, dir)
              .exit_code == 0);
  const std::string net = " --net " + source_path("examples/networks/evidence_accumulation_tiny.json");
  // 12 training trials, batch 4: an epoch is 3 iterations, so iteration 4 starts epoch 2's order.
  const std::string from_file = "train --data " + file + " --shuffle on" + net + " --iterations 6 --batch 4 "
                                "--validation-trials 4 --seed 3 --quiet ";
  for (const std::string mode : {"--mode float", "--mode fixed"})
    check_kill_and_resume(dir, from_file + mode, "after-curve:4");
  check_kill_and_resume(dir, "train --task evidence-accumulation " + kEvidenceShape + net +
                                 " --iterations 4 --batch 2 --validation-trials 3 --algorithm bptt --quiet "
                                 "--checkpoint-every 1",
                        "after-checkpoint:2");
}

TEST_CASE("nchip train --net NET.nchip resumes from the image's own weights, and refuses a changed image") {
  const std::string dir = scratch_dir("train_resume_image");
  const std::string image = dir + "/net.nchip";
  REQUIRE(run_nchip("compile " + source_path("examples/networks/pattern_generation_small.json") + " --chip " +
                        source_path("examples/chips/small.json") + " --optimizer lion -o " + image,
                    dir)
              .exit_code == 0);
  const std::string args = "train --task pattern-generation --net " + image +
                           " --mode fixed --steps 80 --iterations 4 --optimizer lion --quiet --checkpoint-every 1";
  check_kill_and_resume(dir, args, "checkpoint-partial:2");
  // Another image under the same name (its network renamed): the inputs hash tells.
  const std::string killed = dir + "/changed";
  REQUIRE(std::system(("NCHIP_TEST_KILL_AT=after-curve:2 " + std::string(NCHIP_BINARY_DIR) + "/nchip " + args +
                       " --out " + killed + " >/dev/null 2>&1")
                          .c_str()) != 0);
  auto renamed = nlohmann::json::parse(slurp(source_path("examples/networks/pattern_generation_small.json")));
  renamed["name"] = "renamed";
  std::ofstream(dir + "/renamed.json") << renamed.dump();
  REQUIRE(run_nchip("compile " + dir + "/renamed.json --chip " + source_path("examples/chips/small.json") +
                        " --optimizer lion -o " + image,
                    dir)
              .exit_code == 0);
  const auto r = run_nchip("train --resume " + killed, dir);
  CHECK(r.exit_code == 2);
  CHECK(line_count(r.err) == 1);
  CHECK(r.err.find("changed since the run started") != std::string::npos);
}

TEST_CASE("nchip train resumes on the SystemC backend") {
  const std::string dir = scratch_dir("train_resume_systemc");
  check_kill_and_resume(dir,
                        "train --task pattern-generation --net " +
                            source_path("examples/networks/pattern_generation_small.json") +
                            " --steps 50 --iterations 3 --mode fixed --backend systemc --optimizer lion --quiet",
                        "after-curve:2");
}

// The test driver kills (or sends SIGTERM / SIGINT) at whatever moment its timer fires (in a trial,
// during a write, after the end): the resumed outputs must be the whole run's every time.
TEST_CASE("nchip train killed or stopped at a moment the test does not choose, then resumed") {
  const std::string dir = scratch_dir("train_resume_timed");
  const std::string args = "train --task pattern-generation --net " +
                           source_path("examples/networks/pattern_generation_small.json") +
                           " --steps 200 --iterations 12 --quiet --mode fixed --optimizer lion";
  const std::string whole = dir + "/whole";
  REQUIRE(run_nchip(args + " --out " + whole, dir).exit_code == 0);
  for (int delay_ms : {0, 5, 20, 60, 10, 30}) {
    // SIGKILL mostly; SIGTERM and SIGINT stop after the iteration (exit 143 / 130) and resume too.
    const int signal = delay_ms == 10 ? SIGTERM : delay_ms == 30 ? SIGINT : SIGKILL;
    const std::string killed = dir + "/killed" + std::to_string(delay_ms);
    const std::string command = "exec " + std::string(NCHIP_BINARY_DIR) + "/nchip " + args + " --out " + killed +
                                " >/dev/null 2>&1";
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    // The first checkpoint exists before iteration 1 starts; kill at some moment after it.
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!std::filesystem::exists(killed + kCheckpoint) && std::chrono::steady_clock::now() < give_up)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms));
    kill(pid, signal);
    int status = 0;
    waitpid(pid, &status, 0);
    const auto r = run_nchip("train --resume " + killed, dir);
    INFO("delay " << delay_ms << " ms: " << r.err);
    REQUIRE(r.exit_code == 0);
    check_same_outputs(whole, killed);
  }
}

TEST_CASE("nchip train --resume of a finished run says so, exits 0 and changes nothing") {
  const std::string dir = scratch_dir("train_resume_finished");
  const std::string out = dir + "/out";
  REQUIRE(run_nchip(kPattern + "--mode fixed --out " + out, dir).exit_code == 0);
  const std::string trained = slurp(out + "/trained.json"), curve = slurp(out + "/curve.csv"),
                    metrics = slurp(out + "/metrics.json"), checkpoint = slurp(out + kCheckpoint);
  const auto r = run_nchip("train --resume " + out, dir);
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("the run finished (all 5 iterations") != std::string::npos);
  CHECK(slurp(out + "/trained.json") == trained);
  CHECK(slurp(out + "/curve.csv") == curve);
  CHECK(slurp(out + "/metrics.json") == metrics);
  CHECK(slurp(out + kCheckpoint) == checkpoint);
}

TEST_CASE("nchip train --resume refuses a bad checkpoint or other options with one line, exit 2, nothing changed") {
  const std::string dir = scratch_dir("train_resume_refused");
  const std::string out = dir + "/out";
  REQUIRE(system(("NCHIP_TEST_KILL_AT=after-checkpoint:2 " + std::string(NCHIP_BINARY_DIR) + "/nchip " + kPattern +
                  "--mode fixed --checkpoint-every 1 --out " + out + " >/dev/null 2>&1")
                     .c_str()) != 0);
  const std::string good = slurp(out + kCheckpoint), curve = slurp(out + "/curve.csv");
  REQUIRE(good.size() > 100);
  const auto refused = [&](const std::string& args, const std::string& expected) {
    const auto r = run_nchip(args, dir);
    INFO(args << ": " << r.err);
    CHECK(r.exit_code == 2);
    CHECK(line_count(r.err) == 1);
    CHECK(r.err.find(expected) != std::string::npos);
    CHECK(slurp(out + "/curve.csv") == curve);
    CHECK(!std::filesystem::exists(out + "/trained.json"));
  };
  const auto write = [&](const std::string& bytes) { std::ofstream(out + kCheckpoint, std::ios::binary) << bytes; };
  std::string flipped = good;
  flipped[good.size() / 2] = static_cast<char>(flipped[good.size() / 2] ^ 0x10);
  write(flipped);
  refused("train --resume " + out, "corrupt checkpoint (checksum mismatch)");
  write(good.substr(0, good.size() - 9));
  refused("train --resume " + out, "truncated checkpoint");
  std::string other_version = good;
  other_version[8] = 7;
  write(other_version);
  refused("train --resume " + out, "checkpoint format version 7");
  write("{\"not\": \"a checkpoint\"}");
  refused("train --resume " + out, "no NCHIPCKP magic");
  write(good);
  refused("train --resume " + out + " --lr 0.1", "--lr: a resumed run keeps the options it was started with");
  refused("train --resume " + dir + "/nowhere", "no checkpoint.nchip-train there");
  refused(kPattern + "--mode fixed --out " + dir + "/x --resume " + out, "a resumed run keeps the options");
  refused("train --resu " + out, "--resume: give it alone");
  refused(kPattern + "--mode fixed --record-etu " + dir + "/r.etu --checkpoint-every 2 --out " + dir + "/y",
          "--checkpoint-every: not with --record-etu");
  // The good checkpoint still resumes after all that.
  const auto r = run_nchip("train --resume " + out, dir);
  CHECK(r.exit_code == 0);
  CHECK(std::filesystem::exists(out + "/trained.json"));
}

TEST_CASE("nchip train --checkpoint-every N writes every N iterations, 0 none") {
  const std::string dir = scratch_dir("train_resume_every");
  REQUIRE(run_nchip(kPattern + "--checkpoint-every 0 --out " + dir + "/none", dir).exit_code == 0);
  CHECK(!std::filesystem::exists(dir + "/none" + kCheckpoint));
  // Killed after curve row 3 with a checkpoint every 2: resumed from iteration 2, same outputs.
  check_kill_and_resume(dir, kPattern + "--mode fixed --checkpoint-every 2", "after-curve:3");
}

// The default schedule is by time (--checkpoint-seconds, default 30 s): a short run checkpoints
// before iteration 1 and after the last only, so a kill mid-run resumes from iteration 0 and
// recomputes, to the same bytes; a small --checkpoint-seconds checkpoints after every iteration.
TEST_CASE("nchip train --checkpoint-seconds S: by time, by default every 30 s, same bytes after a resume") {
  const std::string dir = scratch_dir("train_resume_seconds");
  const auto resumed_after = [&](const std::string& args, const std::string& kill_at) {
    const std::string killed = dir + "/probe";
    std::filesystem::remove_all(killed);
    REQUIRE(std::system(("NCHIP_TEST_KILL_AT=" + kill_at + " " + std::string(NCHIP_BINARY_DIR) + "/nchip " + args +
                         " --out " + killed + " >/dev/null 2>&1")
                            .c_str()) != 0);
    const auto r = run_nchip("train --resume " + killed, dir);
    REQUIRE(r.exit_code == 0);
    return r.out;
  };
  const std::string args = kPattern + "--mode fixed";
  // Without --quiet, the resumed run names the iteration its checkpoint holds.
  std::string loud = args;
  loud.erase(loud.find("--quiet "), 8);
  CHECK_THAT(resumed_after(loud, "after-curve:4"),
             Catch::Contains("resuming " + dir + "/probe after iteration 0 of 5 (its checkpoint)"));
  // Killed after curve row 4, before checkpoint 4: the last checkpoint is iteration 3's.
  CHECK_THAT(resumed_after(loud + " --checkpoint-seconds 1e-9", "after-curve:4"),
             Catch::Contains("resuming " + dir + "/probe after iteration 3 of 5 (its checkpoint)"));
  check_kill_and_resume(dir, args, "after-curve:4");
  check_kill_and_resume(dir, args + " --checkpoint-seconds 1e-9", "after-checkpoint:2");
  const auto refused = run_nchip(args + " --checkpoint-seconds 5 --checkpoint-every 2 --out " + dir + "/both", dir);
  CHECK(refused.exit_code == 2);
  CHECK(refused.err == "nchip train: error: --checkpoint-seconds: not with --checkpoint-every (one schedule: by time or every N "
                       "iterations)\n");
  const auto zero = run_nchip(args + " --checkpoint-seconds 0 --out " + dir + "/zero", dir);
  CHECK(zero.exit_code == 2);
  CHECK(zero.err == "nchip train: error: --checkpoint-seconds: 0 is not a time in (0, 1e9] seconds\n");
}

TEST_CASE("nchip train --validation-trials 0 scores the batch's own trials") {
  const std::string dir = scratch_dir("train_validation_zero");
  const auto r = run_nchip("train --task evidence-accumulation " + kEvidenceShape + " --net " +
                               source_path("examples/networks/evidence_accumulation_tiny.json") +
                               " --iterations 3 --batch 4 --validation-trials 0 --quiet --out " + dir + "/out",
                           dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  // curve.csv: iteration,loss,recall_error_rate,train_recall_error,...: the metric is column 3's twin.
  std::istringstream csv(slurp(dir + "/out/curve.csv"));
  std::string line;
  std::getline(csv, line);
  int rows = 0;
  while (std::getline(csv, line)) {
    std::vector<std::string> cells;
    std::stringstream cs(line);
    for (std::string c; std::getline(cs, c, ',');) cells.push_back(c);
    REQUIRE(cells.size() > 3);
    CHECK(std::stod(cells[2]) == Approx(std::stod(cells[3])).margin(1e-6));
    ++rows;
  }
  CHECK(rows == 3);
}
