// The order in which a fixed pool of N training samples is drawn: draw k is sample (k mod N) of
// epoch k / N, in pool order or in a permutation drawn from (seed, epoch) alone (Fisher-Yates on
// counter-based draws), so every sample appears once per epoch and draw k never depends on
// the draws before it. Shared by TrialSetTask and FashionMnistTask.
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

namespace nchip::runtime {

class EpochOrder {
 public:
  EpochOrder(size_t n, bool shuffle) : n_(n), shuffle_(shuffle) {}
  size_t position(uint64_t seed, uint64_t draw) const;  // n must be > 0
  size_t size() const { return n_; }

 private:
  size_t n_;
  bool shuffle_;
  mutable std::mutex mutex_;  // guards the cached permutation of the last epoch asked for
  mutable uint64_t cached_seed_ = 0, cached_epoch_ = UINT64_MAX;
  mutable std::vector<uint32_t> permutation_;
};

}  // namespace nchip::runtime
