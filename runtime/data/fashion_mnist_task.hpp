// --task fashion-mnist: Fashion-MNIST (Xiao et al. 2017; Debian's dataset-fashion-mnist, IDX
// files under /usr/share/datasets/fashion-mnist/) as spike trials for 10-way classification.
//
// Encodings (FashionMnistOptions::encoding):
//   rows    (default) row by row: 28 input channels, one per column; row r is shown during steps
//           [r * row_steps, (r + 1) * row_steps), and column c fires at the first of them iff its
//           pixel is >= pixel_threshold (of 255). 28 row_steps steps: the short sequential task
//           this project can train in CPU-minutes.
//   pixels  the LSNN paper's sequential-MNIST encoding (lsnn-bellec-2018.txt, Sec. 4): the 784
//           pixels one per step, 80 input channels with thresholds (i + 1) * 255 / 81, channel i
//           fires at step t when the grey value crosses its threshold from pixel t - 1 to pixel t.
//   latency one channel per pixel (784), firing once at step round((1 - v / 255) * (latency_steps
//           - 1)) when v >= pixel_threshold: brighter pixels earlier.
// Every encoding adds one prompt channel (the last) that fires at every step of the decision
// window of recall_steps steps after the image, where the label is trained (cross entropy) and
// decided (largest mean readout), as the paper's "additional input neuron ... to prompt an output".
//
// Splits: training = the first train_images of the training file, validation = its last
// validation_images (disjoint; scored every iteration), test = the first test_images of t10k
// (scored once after training: kTestTrialBase + j). Training draws go through EpochOrder (a
// permutation per epoch from the seed); the encodings themselves are deterministic.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/data/epoch_order.hpp"
#include "runtime/data/trial_set.hpp"
#include "runtime/tasks/task.hpp"

namespace nchip::runtime {

inline constexpr const char* kFashionMnistDir = "/usr/share/datasets/fashion-mnist";

struct FashionMnistOptions {
  std::string dir = kFashionMnistDir;
  std::string encoding = "rows";
  uint32_t train_images = 59'000, validation_images = 1'000, test_images = 10'000;
  uint32_t recall_steps = 10;
  uint32_t row_steps = 1;        // rows
  uint32_t latency_steps = 20;   // latency
  uint32_t pixel_threshold = 128;  // rows, latency
  bool shuffle = true;
};

// One image as a trial (exposed for tests and the converter).
Trial encode_fashion_mnist(const FashionMnistOptions& o, const uint8_t* pixels /*28x28*/, int label);

class FashionMnistTask final : public Task {
 public:
  // Reads the IDX files; InputError (one line, naming the file and the Debian package) when they
  // are missing, and for options that cannot work.
  explicit FashionMnistTask(const FashionMnistOptions& options);

  std::string name() const override { return "fashion-mnist"; }
  uint32_t n_inputs() const override;
  uint32_t n_outputs() const override { return 10; }
  LossKind loss() const override { return LossKind::cross_entropy; }
  uint32_t steps() const override;
  Trial make_trial(uint64_t seed, uint64_t trial_index) const override;

  const FashionMnistOptions& options() const { return o_; }
  // The split's images as a trial set (nchip data convert --from-fashion-mnist): training in
  // file order, then validation, then test.
  TrialSet to_trial_set() const;

 private:
  Trial image_trial(const std::vector<uint8_t>& images, const std::vector<uint8_t>& labels, size_t i) const;

  FashionMnistOptions o_;
  std::vector<uint8_t> train_images_, train_labels_, test_images_, test_labels_;
  EpochOrder order_;
};

// Whether the IDX files are there (tests skip without them).
bool fashion_mnist_available(const std::string& dir = kFashionMnistDir);

}  // namespace nchip::runtime
