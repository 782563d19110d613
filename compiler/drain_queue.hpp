// A queue written once in order and read once in order, held in segments of its own mapped memory
// (page_memory.hpp) that go back to the system as soon as they are read: a bucket of the lowering's
// transpose (lower.cpp), where everything the queues hold is also being written into the synapse
// matrices, so holding both would double the memory.
#pragma once

#include <cstddef>
#include <cstring>
#include <type_traits>
#include <vector>

#include "compiler/page_memory.hpp"

namespace nchip::compiler {

template <class T>
class DrainQueue {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  // About 1 MB a segment: few mappings, and a bucket's untouched tail costs nothing (never faulted in).
  static constexpr size_t kPerSegment = (size_t{1} << 20) / sizeof(T);

  void push(const T& value) {
    if (segments_.empty() || used_ == kPerSegment) {
      segments_.emplace_back(kPerSegment * sizeof(T));
      used_ = 0;
    }
    std::memcpy(static_cast<T*>(segments_.back().data()) + used_++, &value, sizeof(T));
  }

  // fn(value) for every value in push order; each segment is freed once read. The queue is then empty.
  template <class Fn>
  void drain(Fn&& fn) {
    for (size_t s = 0; s < segments_.size(); ++s) {
      const T* values = static_cast<const T*>(segments_[s].data());
      const size_t n = s + 1 < segments_.size() ? kPerSegment : used_;
      for (size_t i = 0; i < n; ++i) fn(values[i]);
      segments_[s] = MappedBlock();
    }
    segments_.clear();
    used_ = 0;
  }

 private:
  std::vector<MappedBlock> segments_;
  size_t used_ = 0;
};

}  // namespace nchip::compiler
