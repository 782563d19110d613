// The trial-set container (runtime/data): round trips of generated trials (regression, one and
// several labels per trial, split), deterministic bytes, one check per class of malformed file
// (each a single line naming the file and the HDF5 path), the CSV layout, and the trainer's view
// (TrialSetTask: file order, seeded per-epoch permutations, validation draws).
#include <catch2/catch.hpp>

#include <hdf5.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "hw_model/error.hpp"
#include "runtime/data/trial_set_csv.hpp"
#include "runtime/data/trial_set_h5.hpp"
#include "runtime/data/trial_set_task.hpp"
#include "runtime/tasks/task.hpp"

using namespace nchip::runtime;

namespace {

std::string temp_path(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(NCHIP_BINARY_DIR) / "test_trial_set_tmp";
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TrialSet generated_set(const std::string& task_name, const TaskOptions& options, uint64_t n, uint64_t n_val) {
  const auto task = make_task(task_name, options);
  TrialSet set;
  set.steps = task->steps();
  set.n_inputs = task->n_inputs();
  set.n_outputs = task->n_outputs();
  set.loss = task->loss();
  for (uint64_t i = 0; i < n + n_val; ++i) {
    set.trials.push_back(task->make_trial(7, i < n ? i : kValidationTrialBase + i));
    set.split.push_back(i < n ? TrialSplit::training : TrialSplit::validation);
  }
  return set;
}

TaskOptions small_evidence() {
  TaskOptions o;
  o.inputs = 8;
  o.cues = 2;
  o.cue_steps = 10;
  o.cue_spacing_steps = 5;
  o.delay_steps = 20;
  o.recall_steps = 10;
  return o;
}

// Writes a valid classification file, then lets `edit` break it with the HDF5 C API.
std::string broken_file(const std::string& name, const std::function<void(hid_t)>& edit) {
  const std::string path = temp_path(name + ".h5");
  write_trial_set(path, generated_set("evidence-accumulation", small_evidence(), 3, 1));
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  REQUIRE(file >= 0);
  edit(file);
  H5Fclose(file);
  return path;
}

void replace_dataset(hid_t file, const char* name, hid_t file_type, hid_t mem_type, const void* data,
                     std::vector<hsize_t> dims) {
  H5Ldelete(file, name, H5P_DEFAULT);
  const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
  const hid_t d = H5Dcreate2(file, name, file_type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  REQUIRE(d >= 0);
  REQUIRE(H5Dwrite(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) >= 0);
  H5Dclose(d);
  H5Sclose(space);
}

template <class T>
std::vector<T> read_all(hid_t file, const char* name, hid_t mem_type) {
  const hid_t d = H5Dopen2(file, name, H5P_DEFAULT);
  const hid_t space = H5Dget_space(d);
  std::vector<T> v(static_cast<size_t>(H5Sget_simple_extent_npoints(space)));
  H5Dread(d, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Sclose(space);
  H5Dclose(d);
  return v;
}

std::string read_error(const std::string& path) {
  try {
    read_trial_set(path);
  } catch (const nchip::InputError& e) {
    return e.what();
  }
  return "no error";
}

void check_one_line(const std::string& message, const std::string& path, const std::string& where) {
  INFO(message);
  CHECK(message.rfind(path + ": " + where, 0) == 0);
  CHECK(message.find('\n') == std::string::npos);
}

}  // namespace

TEST_CASE("trial set: generated trials survive a round trip through the HDF5 container") {
  SECTION("regression (pattern generation, frozen Poisson inputs, several outputs)") {
    TaskOptions o;
    o.pattern_input = "poisson";
    o.inputs = 30;
    o.steps = 200;
    const TrialSet set = generated_set("pattern-generation", o, 3, 0);
    write_trial_set(temp_path("regression.h5"), set);
    const TrialSet back = read_trial_set(temp_path("regression.h5"));
    CHECK(back.steps == 200);
    CHECK(back.n_inputs == 30);
    CHECK(back.n_outputs == 3);
    CHECK(back.loss == LossKind::mse);
    REQUIRE(back.trials.size() == 3);
    for (size_t i = 0; i < 3; ++i) CHECK(back.trials[i] == set.trials[i]);
    CHECK(back.split == set.split);
  }
  SECTION("classification with several labels per trial (store-recall) and a validation split") {
    TaskOptions o;
    const TrialSet set = generated_set("store-recall", o, 2, 2);
    // Exercises /label_offsets: some trial has not exactly one label.
    REQUIRE(std::any_of(set.trials.begin(), set.trials.end(), [](const Trial& t) { return t.labels.size() != 1; }));
    write_trial_set(temp_path("store_recall.h5"), set);
    const TrialSet back = read_trial_set(temp_path("store_recall.h5"));
    REQUIRE(back.trials.size() == 4);
    for (size_t i = 0; i < 4; ++i) CHECK(back.trials[i] == set.trials[i]);
    CHECK(back.split == set.split);
    CHECK(back.count(TrialSplit::validation) == 2);
  }
  SECTION("a regression mask survives (steps without a target)") {
    TaskOptions o;
    o.steps = 50;
    TrialSet set = generated_set("pattern-generation", o, 2, 0);
    set.trials[1].target_mask[7] = 0;
    write_trial_set(temp_path("masked.h5"), set);
    CHECK(read_trial_set(temp_path("masked.h5")).trials[1] == set.trials[1]);
  }
}

TEST_CASE("trial set: the same set gives the same bytes, and nothing is left half written") {
  const TrialSet set = generated_set("evidence-accumulation", small_evidence(), 4, 2);
  write_trial_set(temp_path("bytes_a.h5"), set);
  write_trial_set(temp_path("bytes_b.h5"), set);
  const std::string a = slurp(temp_path("bytes_a.h5"));
  CHECK(a.size() > 1000);
  CHECK(a == slurp(temp_path("bytes_b.h5")));
  CHECK_FALSE(std::filesystem::exists(temp_path("bytes_a.h5.tmp")));
  // A set the writer must refuse (a trial of another shape) leaves no file at all.
  TrialSet bad = set;
  bad.trials[1].steps += 1;
  CHECK_THROWS_AS(write_trial_set(temp_path("refused.h5"), bad), std::invalid_argument);
  CHECK_FALSE(std::filesystem::exists(temp_path("refused.h5")));
  CHECK_THROWS_AS(write_trial_set(temp_path("no_such_dir/x.h5"), set), nchip::InputError);
}

TEST_CASE("trial set: every malformed file is one line naming the file and the HDF5 path") {
  SECTION("not HDF5") {
    const std::string path = temp_path("text.h5");
    std::ofstream(path) << "trial,step,channel\n";
    check_one_line(read_error(path), path, "not an HDF5 file");
    check_one_line(read_error(temp_path("missing.h5")), temp_path("missing.h5"), "cannot read file");  // the words of every other reader
  }
  SECTION("missing dataset") {
    const auto path = broken_file("missing_channels", [](hid_t f) { H5Ldelete(f, "/spikes/channels", H5P_DEFAULT); });
    check_one_line(read_error(path), path, "/spikes/channels: missing dataset");
  }
  SECTION("missing attribute") {
    const auto path = broken_file("missing_steps", [](hid_t f) { H5Adelete(f, "steps"); });
    check_one_line(read_error(path), path, "/ attribute 'steps': missing");
  }
  SECTION("wrong dtype") {
    const auto path = broken_file("float_times", [](hid_t f) {
      auto times = read_all<double>(f, "/spikes/times", H5T_NATIVE_DOUBLE);
      replace_dataset(f, "/spikes/times", H5T_IEEE_F32LE, H5T_NATIVE_DOUBLE, times.data(), {times.size()});
    });
    check_one_line(read_error(path), path, "/spikes/times: expected integer values, got float");
    const auto labels = broken_file("float_labels", [](hid_t f) {
      const double v[4] = {0, 1, 0, 1};
      replace_dataset(f, "/labels", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, v, {4});
    });
    check_one_line(read_error(labels), labels, "/labels: expected integer values, got float");
  }
  SECTION("shapes that disagree") {
    const auto channels = broken_file("short_channels", [](hid_t f) {
      auto c = read_all<uint32_t>(f, "/spikes/channels", H5T_NATIVE_UINT32);
      c.pop_back();
      replace_dataset(f, "/spikes/channels", H5T_STD_U32LE, H5T_NATIVE_UINT32, c.data(), {c.size()});
    });
    check_one_line(read_error(channels), channels, "/spikes/channels: ");
    CHECK(read_error(channels).find("but /spikes/times has") != std::string::npos);
    const auto windows = broken_file("windows_rank", [](hid_t f) {
      const uint32_t w[8] = {0, 1, 0, 1, 0, 1, 0, 1};
      replace_dataset(f, "/windows", H5T_STD_U32LE, H5T_NATIVE_UINT32, w, {8});
    });
    check_one_line(read_error(windows), windows, "/windows: expected 2 dimensions, got 1");
    const auto offsets = broken_file("offsets_end", [](hid_t f) {
      auto o = read_all<uint64_t>(f, "/spikes/offsets", H5T_NATIVE_UINT64);
      o.back() -= 1;
      replace_dataset(f, "/spikes/offsets", H5T_STD_U64LE, H5T_NATIVE_UINT64, o.data(), {o.size()});
    });
    check_one_line(read_error(offsets), offsets, "/spikes/offsets: ends at");
    const auto split = broken_file("split_length", [](hid_t f) {
      const uint8_t s[2] = {0, 1};
      replace_dataset(f, "/split", H5T_STD_U8LE, H5T_NATIVE_UINT8, s, {2});
    });
    check_one_line(read_error(split), split, "/split: 2 entries for 4 trials");
  }
  SECTION("events outside the trial, channels beyond n_inputs, duplicate events") {
    const auto time = broken_file("late_event", [](hid_t f) {
      auto t = read_all<uint32_t>(f, "/spikes/times", H5T_NATIVE_UINT32);
      t[2] = 60;  // steps = 60
      replace_dataset(f, "/spikes/times", H5T_STD_U32LE, H5T_NATIVE_UINT32, t.data(), {t.size()});
    });
    check_one_line(read_error(time), time, "/spikes/times[2]: step 60 of trial 0 is outside the trial [0, 60)");
    const auto negative = broken_file("negative_event", [](hid_t f) {
      auto t = read_all<int32_t>(f, "/spikes/times", H5T_NATIVE_INT32);
      t[0] = -1;
      replace_dataset(f, "/spikes/times", H5T_STD_I32LE, H5T_NATIVE_INT32, t.data(), {t.size()});
    });
    check_one_line(read_error(negative), negative, "/spikes/times[0]: step -1");
    const auto channel = broken_file("wide_channel", [](hid_t f) {
      auto c = read_all<uint32_t>(f, "/spikes/channels", H5T_NATIVE_UINT32);
      c[1] = 8;  // n_inputs = 8
      replace_dataset(f, "/spikes/channels", H5T_STD_U32LE, H5T_NATIVE_UINT32, c.data(), {c.size()});
    });
    check_one_line(read_error(channel), channel, "/spikes/channels[1]: channel 8 of trial 0 is outside [0, n_inputs = 8)");
    const auto duplicate = broken_file("duplicate_event", [](hid_t f) {
      auto t = read_all<uint32_t>(f, "/spikes/times", H5T_NATIVE_UINT32);
      auto c = read_all<uint32_t>(f, "/spikes/channels", H5T_NATIVE_UINT32);
      t[1] = t[0];
      c[1] = c[0];
      replace_dataset(f, "/spikes/times", H5T_STD_U32LE, H5T_NATIVE_UINT32, t.data(), {t.size()});
      replace_dataset(f, "/spikes/channels", H5T_STD_U32LE, H5T_NATIVE_UINT32, c.data(), {c.size()});
    });
    check_one_line(read_error(duplicate), duplicate, "/spikes/channels: trial 0 has two events on channel");
  }
  SECTION("labels out of range, windows outside the trial") {
    const auto label = broken_file("label_range", [](hid_t f) {
      const int32_t v[4] = {0, 2, 0, 1};  // n_outputs = 2
      replace_dataset(f, "/labels", H5T_STD_I32LE, H5T_NATIVE_INT32, v, {4});
    });
    check_one_line(read_error(label), label, "/labels[1]: label 2 of trial 1 is outside [0, n_outputs = 2)");
    const auto window = broken_file("window_range", [](hid_t f) {
      const uint32_t w[8] = {50, 60, 50, 61, 50, 60, 50, 60};
      replace_dataset(f, "/windows", H5T_STD_U32LE, H5T_NATIVE_UINT32, w, {4, 2});
    });
    check_one_line(read_error(window), window, "/windows[1]: [50, 61) of trial 1 is empty or outside the trial");
  }
  SECTION("empty set, both kinds of target, unknown version") {
    const auto empty = broken_file("empty", [](hid_t f) {
      const uint64_t o[1] = {0};
      replace_dataset(f, "/spikes/offsets", H5T_STD_U64LE, H5T_NATIVE_UINT64, o, {1});
    });
    check_one_line(read_error(empty), empty, "/spikes/offsets: empty trial set");
    const auto both = broken_file("both", [](hid_t f) {
      const double t[1] = {0};
      replace_dataset(f, "/targets", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, t, {1, 1, 1});
    });
    check_one_line(read_error(both), both, "/: both /targets (regression) and /labels (classification)");
    const auto version = broken_file("version", [](hid_t f) {
      const int32_t v = 2;
      const hid_t a = H5Aopen(f, "nchip_trials_version", H5P_DEFAULT);
      H5Awrite(a, H5T_NATIVE_INT32, &v);
      H5Aclose(a);
    });
    check_one_line(read_error(version), version, "/ attribute 'nchip_trials_version': version 2 is not supported");
  }
  SECTION("regression targets of the wrong shape, masks that are not 0/1") {
    TaskOptions o;
    o.steps = 20;
    const std::string path = temp_path("regression_bad.h5");
    write_trial_set(path, generated_set("pattern-generation", o, 2, 0));
    const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    const std::vector<uint8_t> mask(40, 2);
    replace_dataset(f, "/mask", H5T_STD_U8LE, H5T_NATIVE_UINT8, mask.data(), {2, 20});
    H5Fclose(f);
    check_one_line(read_error(path), path, "/mask[0][0]: 2 is not 0 or 1");
    const hid_t g = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    const std::vector<double> targets(2 * 20 * 2, 0.0);
    replace_dataset(g, "/targets", H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, targets.data(), {2, 20, 2});
    H5Fclose(g);
    check_one_line(read_error(path), path, "/targets: shape [2, 20, 2], expected [trials, steps, n_outputs] = [2, 20, 3]");
  }
}

TEST_CASE("trial set: TrialSetTask draws file order, seeded per-epoch permutations and validation trials") {
  const TrialSet set = generated_set("evidence-accumulation", small_evidence(), 5, 2);
  const auto task = make_trial_set_task(set, "s.h5", nullptr, "", false);
  CHECK(task->training_count() == 5);
  CHECK(task->validation_count() == 2);
  for (uint64_t k = 0; k < 12; ++k) CHECK(task->make_trial(3, k) == set.trials[k % 5]);
  CHECK(task->make_trial(3, kValidationTrialBase + 0) == set.trials[5]);
  CHECK(task->make_trial(3, kValidationTrialBase + 3) == set.trials[6]);

  const auto shuffled = make_trial_set_task(set, "s.h5", nullptr, "", true);
  std::vector<std::vector<size_t>> epochs;
  for (uint64_t epoch = 0; epoch < 3; ++epoch) {
    std::vector<size_t> order;
    for (uint64_t k = 0; k < 5; ++k) order.push_back(shuffled->training_position(11, epoch * 5 + k));
    std::vector<size_t> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    CHECK(sorted == std::vector<size_t>{0, 1, 2, 3, 4});  // every trial once per epoch
    epochs.push_back(order);
  }
  CHECK(std::set<std::vector<size_t>>(epochs.begin(), epochs.end()).size() > 1);  // epochs differ
  // The same (seed, draw) gives the same trial whatever was drawn before; another seed another order.
  const auto again = make_trial_set_task(set, "s.h5", nullptr, "", true);
  CHECK(again->training_position(11, 7) == epochs[1][2]);
  std::vector<size_t> other;
  for (uint64_t k = 0; k < 5; ++k) other.push_back(again->training_position(12, k));
  CHECK(other != epochs[0]);
  CHECK(shuffled->make_trial(11, 6) == set.trials[epochs[1][1]]);

  // A second file validates; the training file may then have no split of its own.
  TrialSet train_only = set;
  train_only.split.assign(set.trials.size(), TrialSplit::training);
  const auto two = make_trial_set_task(train_only, "t.h5", &set, "v.h5", false);
  CHECK(two->training_count() == 7);
  CHECK(two->validation_count() == 7);
  CHECK_THROWS_WITH(make_trial_set_task(set, "t.h5", &set, "v.h5", false),
                    Catch::StartsWith("t.h5: /split: the file has its own validation trials"));
  TrialSet all_validation = set;
  all_validation.split.assign(set.trials.size(), TrialSplit::validation);
  CHECK_THROWS_WITH(make_trial_set_task(all_validation, "a.h5", nullptr, "", false),
                    Catch::StartsWith("a.h5: /split: no training trials"));
  TrialSet other_shape = generated_set("evidence-accumulation", TaskOptions{}, 1, 0);
  CHECK_THROWS_WITH(make_trial_set_task(train_only, "t.h5", &other_shape, "v.h5", false),
                    Catch::StartsWith("v.h5: /: shape 2250 steps x 40 inputs"));
  TrialSet no_validation = train_only;
  const auto none = make_trial_set_task(no_validation, "n.h5", nullptr, "", false);
  CHECK_THROWS_WITH(none->make_trial(1, kValidationTrialBase), Catch::StartsWith("n.h5: no validation trials"));
}

TEST_CASE("trial set: the CSV layout, and its errors with file and line") {
  const std::string spikes = temp_path("spikes.csv"), labels = temp_path("labels.csv"), targets = temp_path("targets.csv");
  std::ofstream(spikes) << "trial,step,channel\n1,3,2\n0,0,1\n0,0,0\n1,9,3\n";
  std::ofstream(labels) << "trial,label,first_step,last_step\n0,1,5,10\n1,0,2,4\n1,2,6,10\n";
  CsvShape shape{10, 4, 3};
  const TrialSet set = read_trial_set_csv(spikes, labels, "", shape);
  REQUIRE(set.trials.size() == 2);
  CHECK(set.loss == LossKind::cross_entropy);
  CHECK(set.trials[0].input_spikes[0] == std::vector<uint32_t>{0, 1});
  CHECK(set.trials[1].input_spikes[3] == std::vector<uint32_t>{2});
  CHECK(set.trials[1].input_spikes[9] == std::vector<uint32_t>{3});
  CHECK(set.trials[1].labels == std::vector<int>{0, 2});
  CHECK(set.trials[1].label_windows[1] == std::pair<uint32_t, uint32_t>{6, 10});
  CHECK(set.trials[0].target_at(7, 1) == 1.0);
  CHECK(set.trials[0].target_mask[4] == 0);
  CHECK(trial_set_problem(set).empty());

  std::ofstream(targets) << "trial,step,y0,y1\n0,2,0.5,-1\n1,0,1e-3,2\n";
  const TrialSet regression = read_trial_set_csv(spikes, "", targets, {10, 4, 0});
  CHECK(regression.n_outputs == 2);
  CHECK(regression.trials[0].target_at(2, 1) == -1.0);
  CHECK(regression.trials[0].target_mask == std::vector<uint8_t>{0, 0, 1, 0, 0, 0, 0, 0, 0, 0});

  const auto error = [&](const std::string& spikes_text, const std::string& labels_text) {
    std::ofstream(spikes) << spikes_text;
    std::ofstream(labels) << labels_text;
    try {
      read_trial_set_csv(spikes, labels, "", shape);
    } catch (const nchip::InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string ok_labels = "trial,label,first_step,last_step\n0,1,5,10\n";
  CHECK(error("trial,step,channel\n0,10,1\n", ok_labels) == spikes + ":2: step '10' is not a whole number below 10");
  CHECK(error("trial,step,channel\n0,1,4\n", ok_labels) == spikes + ":2: channel '4' is not a whole number below 4");
  CHECK(error("trial,step,channel\n0,1,1\n0,1,1\n", ok_labels) ==
        spikes + ":3: a second event on channel 1 at trial 0 step 1");
  CHECK(error("trial,time,channel\n", ok_labels) == spikes + ":1: header must be 'trial,step,channel'");
  CHECK(error("trial,step,channel\n", "trial,label,first_step,last_step\n0,3,5,10\n") ==
        labels + ":2: label '3' is not a whole number below 3");
  CHECK(error("trial,step,channel\n", "trial,label,first_step,last_step\n1,0,5,10\n") ==
        labels + ": trial 0 has no rows (trials are 0..1)");
  CHECK(error("trial,step,channel\n", "trial,label,first_step,last_step\n") == labels + ": no rows (an empty trial set)");
}

// Found by tests/fuzz/fuzz_nir on the shared HDF5 path: libhdf5 converts a number by the bit fields
// of its stored type without checking them, so a damaged type could make H5Dread/H5Aread read past
// a buffer. Only IEEE float32/64 and consistent integers are read; a legal but non-IEEE float (an
// exponent bias of 1000) is refused the same way, by name.
TEST_CASE("trial set: a number stored in a non-IEEE float type is refused before it is converted") {
  const std::string path = broken_file("custom_float", [](hid_t file) {
    const double dt = 1.0;
    H5Adelete(file, "dt_ms");
    const hid_t type = H5Tcopy(H5T_IEEE_F64LE);
    REQUIRE(H5Tset_ebias(type, 1000) >= 0);
    const hid_t space = H5Screate(H5S_SCALAR);
    const hid_t a = H5Acreate2(file, "dt_ms", type, space, H5P_DEFAULT, H5P_DEFAULT);
    REQUIRE(a >= 0);
    REQUIRE(H5Awrite(a, H5T_NATIVE_DOUBLE, &dt) >= 0);
    H5Aclose(a);
    H5Sclose(space);
    H5Tclose(type);
  });
  const std::string message = read_error(path);
  check_one_line(message, path, "/ attribute 'dt_ms': stored float type is not IEEE float32 or float64");
}
