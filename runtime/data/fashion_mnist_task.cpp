#include "runtime/data/fashion_mnist_task.hpp"

#include <fmt/core.h>

#include <cmath>
#include <filesystem>

#include "hw_model/error.hpp"
#include "runtime/data/idx_file.hpp"

namespace nchip::runtime {

namespace {

constexpr uint32_t kSide = 28, kPixels = kSide * kSide, kClasses = 10;
constexpr uint32_t kTrainFileImages = 60'000, kTestFileImages = 10'000;
constexpr uint32_t kCrossingChannels = 80;  // the LSNN paper's 80 threshold neurons

uint32_t presentation_steps(const FashionMnistOptions& o) {
  if (o.encoding == "rows") return kSide * o.row_steps;
  if (o.encoding == "pixels") return kPixels;
  return o.latency_steps;
}

uint32_t image_channels(const FashionMnistOptions& o) {
  if (o.encoding == "rows") return kSide;
  if (o.encoding == "pixels") return kCrossingChannels;
  return kPixels;
}

std::string file_path(const std::string& dir, const char* name) { return dir + "/" + name; }

// The IDX file, or one line saying where to get it.
IdxArray read_dataset_file(const std::string& dir, const char* name, uint64_t items) {
  const std::string path = file_path(dir, name);
  if (!std::filesystem::exists(path))
    throw InputError(fmt::format("fashion-mnist: {} not found (install Debian's dataset-fashion-mnist, "
                                 "scripts/setup.sh, or give --dataset-dir DIR)", path));
  return read_idx_file(path, items);
}

}  // namespace

bool fashion_mnist_available(const std::string& dir) {
  for (const char* name : {"train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
                           "t10k-labels-idx1-ubyte.gz"})
    if (!std::filesystem::exists(file_path(dir, name))) return false;
  return true;
}

Trial encode_fashion_mnist(const FashionMnistOptions& o, const uint8_t* px, int label) {
  Trial t;
  const uint32_t shown = presentation_steps(o), prompt = image_channels(o);
  t.steps = shown + o.recall_steps;
  t.n_inputs = prompt + 1;
  t.n_outputs = kClasses;
  t.loss = LossKind::cross_entropy;
  t.input_spikes.resize(t.steps);
  if (o.encoding == "rows") {
    for (uint32_t r = 0; r < kSide; ++r)
      for (uint32_t c = 0; c < kSide; ++c)
        if (px[r * kSide + c] >= o.pixel_threshold) t.input_spikes[r * o.row_steps].push_back(c);
  } else if (o.encoding == "pixels") {
    // Channel i's threshold (i + 1) * 255 / 81 lies strictly between 0 and 255; a crossing is the
    // previous and the current grey value on different sides of it (the first pixel's previous is 0).
    int previous = 0;
    for (uint32_t p = 0; p < kPixels; ++p) {
      const int v = px[p];
      for (uint32_t i = 0; i < kCrossingChannels; ++i) {
        const double theta = (i + 1) * 255.0 / (kCrossingChannels + 1);
        if ((previous < theta) != (v < theta)) t.input_spikes[p].push_back(i);
      }
      previous = v;
    }
  } else {
    for (uint32_t p = 0; p < kPixels; ++p)
      if (px[p] >= o.pixel_threshold) {
        const auto step = static_cast<uint32_t>(std::lround((1.0 - px[p] / 255.0) * (o.latency_steps - 1)));
        t.input_spikes[step].push_back(p);  // p increases, so each step's list stays sorted
      }
  }
  for (uint32_t s = shown; s < t.steps; ++s) t.input_spikes[s].push_back(prompt);
  t.labels = {label};
  t.label_windows = {{shown, t.steps}};
  fill_classification_target(t);
  return t;
}

FashionMnistTask::FashionMnistTask(const FashionMnistOptions& options)
    : o_(options), order_(options.train_images == 0 ? 1 : options.train_images, options.shuffle) {
  const auto fail = [](const std::string& what) { throw InputError("task 'fashion-mnist': " + what); };
  if (o_.encoding != "rows" && o_.encoding != "pixels" && o_.encoding != "latency")
    fail(fmt::format("--encoding: expected rows, pixels or latency, got '{}'", o_.encoding));
  if (o_.train_images == 0) fail("--train-images must be at least 1");
  if (uint64_t{o_.train_images} + o_.validation_images > kTrainFileImages)
    fail(fmt::format("--train-images {} + --validation-images {} exceed the training file's {} images",
                     o_.train_images, o_.validation_images, kTrainFileImages));
  if (o_.test_images > kTestFileImages)
    fail(fmt::format("--test-images {} exceeds the test file's {} images", o_.test_images, kTestFileImages));
  if (o_.recall_steps == 0) fail("--recall-steps must be at least 1 (the decision window)");
  if (o_.row_steps == 0 || o_.row_steps > 1000) fail("--row-steps must be in [1, 1000]");
  if (o_.latency_steps < 2 || o_.latency_steps > 10'000) fail("--latency-steps must be in [2, 10000]");
  if (o_.pixel_threshold == 0 || o_.pixel_threshold > 255) fail("--pixel-threshold must be in [1, 255]");
  if (o_.recall_steps > 100'000) fail("--recall-steps must be at most 100000");

  // Only the images the splits use: the first train_images and the last validation_images.
  const uint32_t needed = o_.validation_images ? kTrainFileImages : o_.train_images;
  IdxArray images = read_dataset_file(o_.dir, "train-images-idx3-ubyte.gz", needed);
  IdxArray labels = read_dataset_file(o_.dir, "train-labels-idx1-ubyte.gz", needed);
  const auto check = [&](const IdxArray& a, const char* name, uint32_t n, bool image) {
    if (a.dims.size() != (image ? 3u : 1u) || a.dims[0] < n || (image && (a.dims[1] != kSide || a.dims[2] != kSide))) {
      std::string dims;
      for (uint32_t d : a.dims) dims += (dims.empty() ? "" : "x") + std::to_string(d);
      throw InputError(fmt::format("{}: expected at least {} {}, got an array of {}", file_path(o_.dir, name), n,
                                   image ? "28x28 images" : "labels", dims));
    }
  };
  check(images, "train-images-idx3-ubyte.gz", needed, true);
  check(labels, "train-labels-idx1-ubyte.gz", needed, false);
  train_images_ = std::move(images.values);
  train_labels_ = std::move(labels.values);
  if (o_.test_images > 0) {
    IdxArray ti = read_dataset_file(o_.dir, "t10k-images-idx3-ubyte.gz", o_.test_images);
    IdxArray tl = read_dataset_file(o_.dir, "t10k-labels-idx1-ubyte.gz", o_.test_images);
    check(ti, "t10k-images-idx3-ubyte.gz", o_.test_images, true);
    check(tl, "t10k-labels-idx1-ubyte.gz", o_.test_images, false);
    test_images_ = std::move(ti.values);
    test_labels_ = std::move(tl.values);
  }
  for (uint8_t l : train_labels_)
    if (l >= kClasses) throw InputError(file_path(o_.dir, "train-labels-idx1-ubyte.gz") + ": a label above 9");
  for (uint8_t l : test_labels_)
    if (l >= kClasses) throw InputError(file_path(o_.dir, "t10k-labels-idx1-ubyte.gz") + ": a label above 9");
}

uint32_t FashionMnistTask::n_inputs() const { return image_channels(o_) + 1; }
uint32_t FashionMnistTask::steps() const { return presentation_steps(o_) + o_.recall_steps; }

Trial FashionMnistTask::image_trial(const std::vector<uint8_t>& images, const std::vector<uint8_t>& labels,
                                    size_t i) const {
  return encode_fashion_mnist(o_, &images[i * kPixels], labels[i]);
}

Trial FashionMnistTask::make_trial(uint64_t seed, uint64_t trial_index) const {
  if (trial_index >= kTestTrialBase) {
    const uint64_t j = trial_index - kTestTrialBase;
    if (j >= o_.test_images)
      throw InputError(fmt::format("task 'fashion-mnist': test image {} beyond --test-images {}", j, o_.test_images));
    return image_trial(test_images_, test_labels_, static_cast<size_t>(j));
  }
  if (trial_index >= kValidationTrialBase) {
    if (o_.validation_images == 0)
      throw InputError("task 'fashion-mnist': --validation-images 0 leaves no validation images (or --validation-trials 0)");
    const uint64_t j = (trial_index - kValidationTrialBase) % o_.validation_images;
    return image_trial(train_images_, train_labels_, kTrainFileImages - o_.validation_images + static_cast<size_t>(j));
  }
  return image_trial(train_images_, train_labels_, order_.position(seed, trial_index));
}

TrialSet FashionMnistTask::to_trial_set() const {
  TrialSet set;
  set.steps = steps();
  set.n_inputs = n_inputs();
  set.n_outputs = kClasses;
  set.loss = LossKind::cross_entropy;
  const auto add = [&](Trial t, TrialSplit split) {
    set.trials.push_back(std::move(t));
    set.split.push_back(split);
  };
  for (uint32_t i = 0; i < o_.train_images; ++i) add(image_trial(train_images_, train_labels_, i), TrialSplit::training);
  for (uint32_t j = 0; j < o_.validation_images; ++j)
    add(image_trial(train_images_, train_labels_, kTrainFileImages - o_.validation_images + j), TrialSplit::validation);
  for (uint32_t j = 0; j < o_.test_images; ++j) add(image_trial(test_images_, test_labels_, j), TrialSplit::test);
  return set;
}

}  // namespace nchip::runtime
