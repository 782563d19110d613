// Runs fn(0) ... fn(chunks - 1) on up to `threads` threads (the caller included) and returns when
// all have finished. Which thread runs which chunk is not fixed, so a chunk must write only its own
// outputs; the compiler's passes then give the same bytes for any thread count. The compiler
// spawns threads per call instead of using learning::WorkerPool: it may not depend on the
// learning layer, and a pass runs a handful of calls, so thread start-up (~50 us) is noise.
#pragma once

#include <cstddef>
#include <functional>

namespace nchip::compiler {

// The thread count `threads = 0` means: std::thread::hardware_concurrency(), at least 1.
unsigned resolve_threads(unsigned threads);

// An exception thrown by a chunk is rethrown in the caller (the one of the lowest chunk that threw,
// so the error message does not depend on timing either).
void parallel_chunks(size_t chunks, unsigned threads, const std::function<void(size_t chunk)>& fn);

// [begin, end) of chunk c when n items are cut into `chunks` near-equal contiguous ranges.
inline size_t chunk_begin(size_t n, size_t chunks, size_t c) { return n / chunks * c + (c < n % chunks ? c : n % chunks); }

}  // namespace nchip::compiler
