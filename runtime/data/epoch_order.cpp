#include "runtime/data/epoch_order.hpp"

#include <numeric>
#include <utility>

#include "hw_model/arith/counter_rng.hpp"

namespace nchip::runtime {

namespace {
// Hash stream of the per-epoch shuffle (as runtime/tasks/trial_random.hpp's streams: fixed forever).
constexpr uint32_t kStreamEpochShuffle = 0x7A5C0501;
}  // namespace

size_t EpochOrder::position(uint64_t seed, uint64_t draw) const {
  const uint64_t n = n_, epoch = draw / n, position = draw % n;
  if (!shuffle_) return static_cast<size_t>(position);
  std::lock_guard<std::mutex> lock(mutex_);
  if (cached_epoch_ != epoch || cached_seed_ != seed) {
    permutation_.resize(n_);
    std::iota(permutation_.begin(), permutation_.end(), 0u);
    for (uint64_t i = n - 1; i > 0; --i) {
      const uint64_t j = arith::counter_random({seed, kStreamEpochShuffle, static_cast<uint32_t>(epoch), i}) % (i + 1);
      std::swap(permutation_[i], permutation_[j]);
    }
    cached_seed_ = seed;
    cached_epoch_ = epoch;
  }
  return permutation_[position];
}

}  // namespace nchip::runtime
