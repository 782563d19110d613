// Fashion-MNIST (runtime/data): the IDX reader on the first records of Debian's
// dataset-fashion-mnist (skipped with a message when the package is absent), IDX errors, the
// three encodings on synthetic images (no package needed), and the task's splits and draw order.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "hw_model/error.hpp"
#include "runtime/data/fashion_mnist_task.hpp"
#include "runtime/data/idx_file.hpp"

using namespace nchip::runtime;

namespace {

std::string temp_path(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(NCHIP_BINARY_DIR) / "test_fashion_mnist_tmp";
  std::filesystem::create_directories(dir);
  return (dir / name).string();
}

bool have_dataset() {
  if (fashion_mnist_available()) return true;
  WARN("skipped: Debian's dataset-fashion-mnist is not installed (" << kFashionMnistDir << ")");
  return false;
}

std::vector<uint8_t> image_of(uint8_t background) { return std::vector<uint8_t>(784, background); }

}  // namespace

TEST_CASE("fashion-mnist: the IDX reader on the first records of the Debian package") {
  if (!have_dataset()) return;
  const std::string dir = kFashionMnistDir;
  const IdxArray labels = read_idx_file(dir + "/train-labels-idx1-ubyte.gz", 10);
  CHECK(labels.dims == std::vector<uint32_t>{10});  // capped at the 10 asked for (the file has 60000)
  // The data set's first training labels: ankle boot, T-shirt, T-shirt, dress, T-shirt, pullover,
  // sneaker, pullover, sandal, sandal.
  CHECK(labels.values == std::vector<uint8_t>{9, 0, 0, 3, 0, 2, 7, 2, 5, 5});
  CHECK(read_idx_file(dir + "/t10k-labels-idx1-ubyte.gz", 5).values == std::vector<uint8_t>{9, 2, 1, 1, 6});
  const IdxArray images = read_idx_file(dir + "/train-images-idx3-ubyte.gz", 2);
  CHECK(images.dims == std::vector<uint32_t>{2, 28, 28});
  REQUIRE(images.values.size() == 2 * 784);
  CHECK(std::count_if(images.values.begin(), images.values.begin() + 784, [](uint8_t v) { return v >= 128; }) == 343);
}

TEST_CASE("fashion-mnist: IDX files that are not IDX, or short, are one line naming the file") {
  const std::string bad = temp_path("bad.idx");
  std::ofstream(bad, std::ios::binary) << "P5 28 28";
  CHECK_THROWS_WITH(read_idx_file(bad), Catch::StartsWith(bad + ": not an IDX file"));
  const std::string short_file = temp_path("short.idx");
  {
    std::ofstream out(short_file, std::ios::binary);
    const unsigned char header[] = {0, 0, 8, 1, 0, 0, 0, 5, 1, 2};  // 5 labels announced, 2 present
    out.write(reinterpret_cast<const char*>(header), sizeof header);
  }
  CHECK_THROWS_WITH(read_idx_file(short_file), Catch::StartsWith(short_file + ": file ends inside the values"));
  CHECK(read_idx_file(short_file, 2).values == std::vector<uint8_t>{1, 2});
  CHECK_THROWS_WITH(read_idx_file(temp_path("none.idx.gz")), Catch::StartsWith(temp_path("none.idx.gz") + ": cannot read"));
  FashionMnistOptions o;
  o.dir = temp_path("no_dataset_here");
  CHECK_THROWS_WITH(FashionMnistTask(o), Catch::Contains("train-images-idx3-ubyte.gz not found (install Debian's "
                                                         "dataset-fashion-mnist"));
}

TEST_CASE("fashion-mnist: the rows, pixels and latency encodings of synthetic images") {
  FashionMnistOptions o;
  SECTION("rows: column c fires at row r's first step iff its pixel >= the threshold; prompt in the window") {
    std::vector<uint8_t> px = image_of(0);
    px[0 * 28 + 3] = 128;   // at the threshold: fires
    px[5 * 28 + 27] = 255;
    px[5 * 28 + 26] = 127;  // below: silent
    o.row_steps = 2;
    o.recall_steps = 4;
    const Trial t = encode_fashion_mnist(o, px.data(), 7);
    CHECK(t.steps == 28 * 2 + 4);
    CHECK(t.n_inputs == 29);
    CHECK(t.n_outputs == 10);
    CHECK(t.input_spikes[0] == std::vector<uint32_t>{3});
    CHECK(t.input_spikes[10] == std::vector<uint32_t>{27});
    CHECK(t.input_spikes[11].empty());
    for (uint32_t s = 56; s < 60; ++s) CHECK(t.input_spikes[s] == std::vector<uint32_t>{28});
    CHECK(t.labels == std::vector<int>{7});
    CHECK(t.label_windows[0] == std::pair<uint32_t, uint32_t>{56, 60});
    CHECK(t.target_at(57, 7) == 1.0);
    CHECK(t.target_mask[55] == 0);
    CHECK(trial_shape_problem(t).empty());
  }
  SECTION("pixels (LSNN): a threshold channel fires when the grey value crosses it, either way") {
    o.encoding = "pixels";
    std::vector<uint8_t> px = image_of(0);
    px[1] = 255;  // 0 -> 255: all 80 cross up
    px[2] = 255;  // no change: none
    px[3] = 128;  // 255 -> 128: thresholds in (128, 255) cross down: (i+1)*255/81 > 128, i >= 40
    const Trial t = encode_fashion_mnist(o, px.data(), 0);
    CHECK(t.steps == 784 + 10);
    CHECK(t.n_inputs == 81);
    CHECK(t.input_spikes[0].empty());
    CHECK(t.input_spikes[1].size() == 80);
    CHECK(t.input_spikes[2].empty());
    REQUIRE(t.input_spikes[3].size() == 40);
    CHECK(t.input_spikes[3].front() == 40);
    CHECK(t.input_spikes[3].back() == 79);
    CHECK(t.input_spikes[4].size() == 40);  // 128 -> 0: the 40 thresholds below 128 cross down
    CHECK(t.input_spikes[4].back() == 39);
    CHECK(t.input_spikes[784] == std::vector<uint32_t>{80});
  }
  SECTION("latency: one spike per bright pixel, brighter earlier") {
    o.encoding = "latency";
    std::vector<uint8_t> px = image_of(10);  // below the threshold: silent
    px[100] = 255;  // step 0
    px[200] = 128;  // round((1 - 128/255) * 19) = 9
    px[300] = 128;
    const Trial t = encode_fashion_mnist(o, px.data(), 3);
    CHECK(t.steps == 20 + 10);
    CHECK(t.n_inputs == 785);
    CHECK(t.input_spikes[0] == std::vector<uint32_t>{100});
    CHECK(t.input_spikes[9] == std::vector<uint32_t>{200, 300});
    size_t total = 0;
    for (uint32_t s = 0; s < 20; ++s) total += t.input_spikes[s].size();
    CHECK(total == 3);
  }
}

TEST_CASE("fashion-mnist: splits, draw order and bad options") {
  if (!have_dataset()) return;
  FashionMnistOptions o;
  o.train_images = 6;
  o.validation_images = 3;
  o.test_images = 4;
  o.shuffle = false;
  const FashionMnistTask task(o);
  const IdxArray labels = read_idx_file(std::string(kFashionMnistDir) + "/train-labels-idx1-ubyte.gz");
  const IdxArray test_labels = read_idx_file(std::string(kFashionMnistDir) + "/t10k-labels-idx1-ubyte.gz", 4);
  for (uint64_t k = 0; k < 8; ++k) CHECK(task.make_trial(1, k).labels[0] == labels.values[k % 6]);
  // Validation: the last images of the training file, never the training ones.
  CHECK(task.make_trial(1, kValidationTrialBase + 0).labels[0] == labels.values[59'997]);
  CHECK(task.make_trial(1, kValidationTrialBase + 5).labels[0] == labels.values[59'999]);
  CHECK(task.make_trial(1, kTestTrialBase + 3).labels[0] == test_labels.values[3]);
  CHECK_THROWS_AS(task.make_trial(1, kTestTrialBase + 4), nchip::InputError);
  const TrialSet set = task.to_trial_set();
  REQUIRE(set.trials.size() == 13);
  CHECK(set.count(TrialSplit::validation) == 3);
  CHECK(set.count(TrialSplit::test) == 4);
  CHECK(set.trials[7] == task.make_trial(1, kValidationTrialBase + 1));
  CHECK(set.trials[12] == task.make_trial(1, kTestTrialBase + 3));

  o.shuffle = true;
  const FashionMnistTask shuffled(o);
  std::vector<int> epoch;
  for (uint64_t k = 6; k < 12; ++k) epoch.push_back(shuffled.make_trial(5, k).labels[0]);
  std::vector<int> sorted = epoch, expected(labels.values.begin(), labels.values.begin() + 6);
  std::sort(sorted.begin(), sorted.end());
  std::sort(expected.begin(), expected.end());
  CHECK(sorted == expected);  // each training image once per epoch

  FashionMnistOptions bad = o;
  bad.train_images = 59'998;
  CHECK_THROWS_WITH(FashionMnistTask(bad), Catch::Contains("--train-images 59998 + --validation-images 3 exceed"));
  bad = o;
  bad.encoding = "spiral";
  CHECK_THROWS_WITH(FashionMnistTask(bad), Catch::Contains("--encoding: expected rows, pixels or latency, got 'spiral'"));
}
