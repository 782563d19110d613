// Runs fn(0) ... fn(chunks - 1) on up to `threads` threads (the caller included) and returns when
// all have finished. Which thread runs which chunk is not fixed, so a chunk must write only its own
// outputs; the compiler's passes then give the same bytes for any thread count. The compiler
// spawns threads per call instead of using learning::WorkerPool: it may not depend on the
// learning layer, and a pass runs a handful of calls, so thread start-up (~50 us) is noise.
#pragma once

#include <cstddef>
#include <functional>
#include <vector>

namespace nchip::compiler {

// The thread count `threads = 0` means: std::thread::hardware_concurrency(), at least 1.
unsigned resolve_threads(unsigned threads);

// An exception thrown by a chunk is rethrown in the caller (the one of the lowest chunk that threw,
// so the error message does not depend on timing either).
void parallel_chunks(size_t chunks, unsigned threads, const std::function<void(size_t chunk)>& fn);

// [begin, end) of chunk c when n items are cut into `chunks` near-equal contiguous ranges.
inline size_t chunk_begin(size_t n, size_t chunks, size_t c) { return n / chunks * c + (c < n % chunks ? c : n % chunks); }

// The middle step of a counting sort on chunks: per_chunk[c][i] holds how many items chunk c puts
// into slot i; it becomes chunk c's cursor in slot i, just after the earlier chunks' items, starting
// from next(i), which is advanced past all chunks' items. Each chunk then fills its own range of
// every slot, and the items land where a one-chunk pass in order puts them.
template <class Cursor, class Next>
void counts_to_chunk_cursors(std::vector<std::vector<Cursor>>& per_chunk, size_t chunks, size_t slots, Next&& next) {
  for (size_t i = 0; i < slots; ++i) {
    auto& at = next(i);
    for (size_t c = 0; c < chunks; ++c) {
      const Cursor count = per_chunk[c][i];
      per_chunk[c][i] = at;
      at += count;
    }
  }
}

}  // namespace nchip::compiler
