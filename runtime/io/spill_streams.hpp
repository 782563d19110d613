// Several text streams written side by side, each read back whole and in order at the end, held in
// one unlinked temporary file instead of memory: what an output that lists a run's steps per
// population needs (nchip run --out: a 10^7-step recording, issue #15). Memory is one small buffer
// per stream plus one (offset, length) entry per spilled chunk; the file vanishes with the process,
// whatever ends it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/io/atomic_file.hpp"

namespace nchip::runtime {

class SpillStreams {
 public:
  // The temporary file goes into the folder of `beside` (the output it will become part of);
  // InputError("BESIDE: cannot write: reason") when it cannot be created.
  SpillStreams(const std::string& beside, size_t n_streams);
  ~SpillStreams();
  SpillStreams(const SpillStreams&) = delete;
  SpillStreams& operator=(const SpillStreams&) = delete;

  void append(size_t stream, std::string_view text);
  bool empty(size_t stream) const { return streams_[stream].bytes == 0; }
  // Writes everything appended to `stream`, in order, to `out`.
  void copy_to(size_t stream, AtomicFileWriter& out);

 private:
  struct Stream {
    std::string buffer;
    std::vector<std::pair<uint64_t, uint64_t>> chunks;  // (offset, length) in the file
    uint64_t bytes = 0;
  };
  void spill(Stream& s);
  std::string beside_;
  std::FILE* file_ = nullptr;
  uint64_t file_size_ = 0;
  std::vector<Stream> streams_;
};

}  // namespace nchip::runtime
