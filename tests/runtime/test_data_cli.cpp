// `nchip data convert|info`, `nchip train --data` and `nchip run --data` end to end (issue #13):
// training from a file is byte for byte training from the same trials generated in memory (float
// and fixed point); malformed or unfitting files exit 2 with one line naming the HDF5 path and
// write nothing; JSON spike files, the CSV example and the docs' h5py snippet convert and train.
#include <catch2/catch.hpp>

#include <hdf5.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "support/cli_runner.hpp"

namespace {

using nchip::test::curve_without_times;
using nchip::test::line_count;
using nchip::test::run_nchip;
using nchip::test::scratch_dir;
using nchip::test::slurp;
using nchip::test::source_path;

const std::string kShape = "--inputs 8 --cues 2 --cue-steps 10 --cue-spacing-steps 5 --delay-steps 20 --recall-steps 10";

std::string tiny_net() { return source_path("examples/networks/evidence_accumulation_tiny.json"); }

// metrics.json without wall times and without what names the source of the trials.
nlohmann::json metrics_without_times_and_source(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text);
  j.erase("seconds_per_iteration");
  j.erase("task");
  j.erase("data");
  return j;
}

void expect_refused(const nchip::test::CliResult& r, const std::string& starts_with, const std::string& out_dir) {
  INFO(r.err);
  CHECK(r.exit_code == 2);
  CHECK(line_count(r.err) == 1);
  CHECK(r.err.find(starts_with) != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(out_dir));
}

std::string python_with_h5py() {
  for (const char* python : {"python3", "/usr/bin/python3"})
    if (std::system((std::string(python) + " -c 'import h5py' >/dev/null 2>&1").c_str()) == 0) return python;
  return "";
}

}  // namespace

TEST_CASE("nchip train --data: training from a file is byte-identical to the same trials generated in memory") {
  const std::string dir = scratch_dir("data_cli_identical");
  const std::string file = dir + "/ea.h5";
  // The trainer draws training trials 0..iterations*batch-1 and validation trials
  // base+0..iterations*validation_trials-1: --from-task writes exactly those, in that order.
  auto r = run_nchip("data convert --out " + file + " --from-task evidence-accumulation --trials 12 "
                     "--validation-trials 12 --seed 4 " + kShape, dir);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("24 trials (12 training, 12 validation, 0 test), 60 steps, 8 inputs, 2 outputs") != std::string::npos);
  for (const std::string mode : {"float", "fixed"}) {
    const std::string common = " --net " + tiny_net() + " --mode " + mode +
                               " --iterations 3 --batch 4 --validation-trials 4 --seed 4 --threads 1 --quiet";
    const std::string mem = dir + "/mem_" + mode, from_file = dir + "/file_" + mode;
    r = run_nchip("train --task evidence-accumulation " + kShape + common + " --out " + mem, dir);
    REQUIRE(r.exit_code == 0);
    r = run_nchip("train --data " + file + " --shuffle off" + common + " --out " + from_file, dir);
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    INFO(mode);
    const std::string trained = slurp(mem + "/trained.json");
    CHECK(trained.size() > 1000);
    CHECK(trained == slurp(from_file + "/trained.json"));
    CHECK(curve_without_times(slurp(mem + "/curve.csv")) == curve_without_times(slurp(from_file + "/curve.csv")));
    CHECK(metrics_without_times_and_source(slurp(mem + "/metrics.json")) ==
          metrics_without_times_and_source(slurp(from_file + "/metrics.json")));
    const auto metrics = nlohmann::json::parse(slurp(from_file + "/metrics.json"));
    CHECK(metrics["task"] == "data");
    CHECK(metrics["data"]["training_trials"] == 12);
    CHECK(metrics["data"]["shuffle"] == false);
    CHECK(metrics["weights_changed"].get<int>() > 0);  // the runs compared did learn
  }
  // Regression (pattern generation, 3 outputs, NMSE): the same, through /targets.
  const std::string pg = dir + "/pg.h5";
  REQUIRE(run_nchip("data convert --out " + pg + " --from-task pattern-generation --steps 100 --trials 3", dir).exit_code ==
          0);
  const std::string pg_common = " --net " + source_path("examples/networks/pattern_generation_small.json") +
                                " --iterations 3 --threads 1 --quiet";
  REQUIRE(run_nchip("train --task pattern-generation --steps 100" + pg_common + " --out " + dir + "/pg_mem", dir)
              .exit_code == 0);
  r = run_nchip("train --data " + pg + " --shuffle off" + pg_common + " --out " + dir + "/pg_file", dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(slurp(dir + "/pg_mem/trained.json") == slurp(dir + "/pg_file/trained.json"));
  CHECK(curve_without_times(slurp(dir + "/pg_mem/curve.csv")) == curve_without_times(slurp(dir + "/pg_file/curve.csv")));
  CHECK(slurp(dir + "/pg_file/curve.csv").rfind("iteration,loss,nmse,", 0) == 0);

  // Shuffled (the default), the same seed gives the same bytes, and another order than the file's.
  const std::string common = " --net " + tiny_net() + " --iterations 3 --batch 4 --validation-trials 4 --threads 1 --quiet";
  REQUIRE(run_nchip("train --data " + file + common + " --out " + dir + "/s1", dir).exit_code == 0);
  REQUIRE(run_nchip("train --data " + file + common + " --out " + dir + "/s2", dir).exit_code == 0);
  CHECK(slurp(dir + "/s1/trained.json") == slurp(dir + "/s2/trained.json"));
  CHECK(curve_without_times(slurp(dir + "/s1/curve.csv")) != curve_without_times(slurp(dir + "/file_float/curve.csv")));
}

TEST_CASE("nchip train --data: bad files and files that do not fit the network exit 2 with one line, nothing written") {
  const std::string dir = scratch_dir("data_cli_refused");
  const std::string file = dir + "/ea.h5", out = dir + "/out";
  REQUIRE(run_nchip("data convert --out " + file + " --from-task evidence-accumulation --trials 4 " + kShape, dir)
              .exit_code == 0);
  const std::string train = "train --net " + tiny_net() + " --iterations 1 --out " + out + " --data ";
  // No validation trials for the per-iteration error rate.
  expect_refused(run_nchip(train + file, dir), file + ": /split: no validation trials", out);
  REQUIRE(run_nchip(train + file + " --validation-trials 0 --quiet", dir).exit_code == 0);
  std::filesystem::remove_all(out);
  // A second file validates.
  const std::string val = dir + "/val.h5";
  REQUIRE(run_nchip("data convert --out " + val + " --from-task evidence-accumulation --trials 2 --seed 9 " + kShape, dir)
              .exit_code == 0);
  const auto with_val = run_nchip(train + file + " --validation-data " + val + " --validation-trials 2", dir);
  CHECK(with_val.exit_code == 0);
  CHECK(with_val.out.find("(4 training, 2 validation, 0 test trials)") != std::string::npos);
  std::filesystem::remove_all(out);
  // Inputs of the file vs the network's.
  const std::string wide = dir + "/wide.h5";
  REQUIRE(run_nchip("data convert --out " + wide + " --from-task evidence-accumulation --trials 2 --inputs 12 --cues 2 "
                    "--cue-steps 10 --cue-spacing-steps 5 --delay-steps 20 --recall-steps 10", dir).exit_code == 0);
  expect_refused(run_nchip(train + wide + " --validation-trials 0", dir),
                 wide + ": / attribute 'n_inputs': 12 input channels, but network 'evidence_accumulation_tiny' has 8", out);
  // A channel beyond the file's own n_inputs.
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(f >= 0);
  const hid_t d = H5Dopen2(f, "/spikes/channels", H5P_DEFAULT);
  const hid_t space = H5Dget_space(d);
  std::vector<uint32_t> channels(static_cast<size_t>(H5Sget_simple_extent_npoints(space)));
  REQUIRE(channels.size() > 3);
  H5Dread(d, H5T_NATIVE_UINT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, channels.data());
  channels[3] = 9;
  H5Dwrite(d, H5T_NATIVE_UINT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, channels.data());
  H5Sclose(space);
  H5Dclose(d);
  H5Fclose(f);
  expect_refused(run_nchip(train + file + " --validation-trials 0", dir),
                 file + ": /spikes/channels[3]: channel 9 of trial ", out);
  expect_refused(run_nchip("data info " + file, dir), file + ": /spikes/channels[3]", out);
  // Not HDF5; flags that contradict --data.
  expect_refused(run_nchip(train + tiny_net(), dir), tiny_net() + ": not an HDF5 file", out);
  expect_refused(run_nchip(train + val + " --task evidence-accumulation", dir), "--data and --task", out);
  expect_refused(run_nchip(train + val + " --cues 3", dir), "--cues: the trials' shape comes from --data", out);
  expect_refused(run_nchip("train --task evidence-accumulation --shuffle off --out " + out, dir),
                 "--shuffle: only with --data", out);
  expect_refused(run_nchip("train --data " + val + " --out " + out, dir), "--data: give the network to train with --net",
                 out);
}

TEST_CASE("nchip data convert: JSON spike files, the CSV example and nchip run --data") {
  const std::string dir = scratch_dir("data_cli_convert");
  const std::string a = dir + "/a.json", b = dir + "/b.json";
  std::ofstream(a) << R"({"steps": 5, "n_inputs": 3, "spikes": [[0, 2], [4, 1]], "n_outputs": 2,
                         "loss": "cross_entropy", "target": [[0,0],[0,0],[0,0],[0,1],[0,1]], "mask": [0,0,0,1,1],
                         "labels": [[3, 5, 1]]})";
  std::ofstream(b) << R"({"steps": 5, "n_inputs": 3, "spikes": [[1, 0]], "n_outputs": 2,
                         "loss": "cross_entropy", "target": [[1,0],[1,0],[0,0],[0,0],[0,0]], "mask": [1,1,0,0,0],
                         "labels": [[0, 2, 0]]})";
  auto r = run_nchip("data convert --out " + dir + "/j.h5 --from-json " + a + " " + b + " --validation-last 1", dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  r = run_nchip("data info --json " + dir + "/j.h5", dir);
  REQUIRE(r.exit_code == 0);
  const auto info = nlohmann::json::parse(r.out);
  CHECK(info["trials"] == 2);
  CHECK(info["validation_trials"] == 1);
  CHECK(info["events"] == 3);
  CHECK(info["labels"] == 2);
  CHECK(info["kind"] == "classification");
  // A classification spike file whose target is not one-hot of its labels cannot be stored as labels.
  std::ofstream(b) << R"({"steps": 5, "n_inputs": 3, "spikes": [], "n_outputs": 2, "loss": "cross_entropy",
                         "target": [[1,0],[1,0],[1,0],[1,0],[1,0]], "labels": [[0, 2, 0]]})";
  expect_refused(run_nchip("data convert --out " + dir + "/bad.h5 --from-json " + a + " " + b, dir),
                 b + ": a classification trial's target must be one-hot", dir + "/bad.h5");

  // The checked-in CSV example, converted as examples/data/README.md does, trains and runs.
  const std::string toy = dir + "/toy.h5";
  r = run_nchip("data convert --out " + toy + " --spikes-csv " + source_path("examples/data/toy_spikes.csv") +
                " --labels-csv " + source_path("examples/data/toy_labels.csv") +
                " --steps 100 --inputs 8 --outputs 2 --validation-last 8", dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("40 trials (32 training, 8 validation, 0 test), 100 steps, 8 inputs, 2 outputs, classification") !=
        std::string::npos);
  r = run_nchip("train --data " + toy + " --net " + tiny_net() + " --iterations 2 --batch 4 --validation-trials 8 "
                "--quiet --out " + dir + "/toy_out", dir);
  CHECK(r.exit_code == 0);
  CHECK(line_count(slurp(dir + "/toy_out/curve.csv")) == 3);
  r = run_nchip("run " + tiny_net() + " --data " + toy + " --trial 39 --json", dir);
  REQUIRE(r.exit_code == 0);
  CHECK(nlohmann::json::parse(r.out)["steps"] == 100);
  expect_refused(run_nchip("run " + tiny_net() + " --data " + toy + " --trial 40", dir), "--trial 40: " + toy +
                 " has trials 0..39", dir + "/none");
}

TEST_CASE("the docs' h5py snippet writes a file nchip trains on (skipped without python3-h5py)") {
  const std::string python = python_with_h5py();
  if (python.empty()) {
    WARN("skipped: no python3 with h5py (apt-get install python3-h5py)");
    return;
  }
  const std::string dir = scratch_dir("data_cli_h5py");
  const std::string file = dir + "/py.h5";
  REQUIRE(std::system((python + " " + source_path("examples/data/h5py_trials.py") + " " + file).c_str()) == 0);
  auto r = run_nchip("data info --json " + file, dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto info = nlohmann::json::parse(r.out);
  CHECK(info["trials"] == 24);
  CHECK(info["validation_trials"] == 4);
  CHECK(info["n_inputs"] == 8);
  r = run_nchip("train --data " + file + " --net " + tiny_net() + " --iterations 2 --batch 4 --validation-trials 4 "
                "--quiet --out " + dir + "/out", dir);
  CHECK(r.exit_code == 0);
}

TEST_CASE("nchip train --task fashion-mnist learns from the command line, and trains the same from its converted file") {
  const std::string dir = scratch_dir("data_cli_fashion");
  const std::string out = dir + "/out";
  // Without the data set: one line naming the missing file and the package, exit 2, nothing written.
  expect_refused(run_nchip("train --task fashion-mnist --dataset-dir " + dir + "/none --out " + out, dir),
                 "train-images-idx3-ubyte.gz not found (install Debian's dataset-fashion-mnist", out);
  expect_refused(run_nchip("train --task fashion-mnist --cues 3 --out " + out, dir), "--cues: not a fashion-mnist option",
                 out);
  expect_refused(run_nchip("train --task evidence-accumulation --encoding rows --out " + out, dir),
                 "--encoding: only with --task fashion-mnist", out);
  if (std::system("test -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz") != 0) {
    WARN("skipped the training part: Debian's dataset-fashion-mnist is not installed");
    return;
  }
  const std::string split = " --train-images 256 --validation-images 64 --test-images 200";
  const std::string common = " --iterations 80 --batch 16 --validation-trials 32 --shuffle off --seed 3 --threads 1 --quiet";
  const std::string net = " --net " + source_path("examples/networks/fashion_mnist.json");
  auto r = run_nchip("train --task fashion-mnist" + split + net + common + " --out " + out, dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto metrics = nlohmann::json::parse(slurp(out + "/metrics.json"));
  CHECK(metrics["task"] == "fashion-mnist");
  CHECK(metrics["dataset"]["encoding"] == "rows");
  CHECK(metrics["test_trials"] == 200);
  // 80 iterations of 16 images (5 epochs of 256): well above chance (0.1) on held-out images (0.455 measured).
  CHECK(metrics["test_accuracy"].get<double>() > 0.3);
  CHECK(metrics["test_accuracy"].get<double>() + metrics["test_error_rate"].get<double>() == Approx(1.0));

  // The same images through the container: the same bytes (validation and test splits included).
  const std::string file = dir + "/fm.h5";
  r = run_nchip("data convert --from-fashion-mnist" + split + " --out " + file, dir);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.find("520 trials (256 training, 64 validation, 200 test), 38 steps, 29 inputs, 10 outputs") !=
        std::string::npos);
  r = run_nchip("train --data " + file + net + common + " --out " + dir + "/from_file", dir);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(slurp(out + "/trained.json") == slurp(dir + "/from_file/trained.json"));
  CHECK(curve_without_times(slurp(out + "/curve.csv")) == curve_without_times(slurp(dir + "/from_file/curve.csv")));
  const auto from_file = nlohmann::json::parse(slurp(dir + "/from_file/metrics.json"));
  CHECK(from_file["test_accuracy"] == metrics["test_accuracy"]);
}
