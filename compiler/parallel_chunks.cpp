#include "compiler/parallel_chunks.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <vector>

namespace nchip::compiler {

unsigned resolve_threads(unsigned threads) {
  if (threads > 0) return threads;
  return std::max(1u, std::thread::hardware_concurrency());
}

void parallel_chunks(size_t chunks, unsigned threads, const std::function<void(size_t chunk)>& fn) {
  const size_t workers = std::min<size_t>(resolve_threads(threads), chunks);
  std::vector<std::exception_ptr> errors(chunks);
  std::atomic<size_t> next{0};
  const auto work = [&] {
    for (size_t c = next++; c < chunks; c = next++) {
      try {
        fn(c);
      } catch (...) {
        errors[c] = std::current_exception();
      }
    }
  };
  std::vector<std::thread> pool;
  for (size_t t = 1; t < workers; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  for (const auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace nchip::compiler
