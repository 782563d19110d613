// A fixed set of worker threads for the plasticity engine's per-synapse work (issue #11, "threads:
// split the synapse blocks of a window over cores"). run(tasks, fn) calls fn(0) ... fn(tasks - 1),
// spread over the workers and the calling thread, and returns when all have finished. Which thread
// runs which task is not fixed, so a task must write only its own outputs (its rows' state, its own
// saturation counts): results are then the same bytes for every thread count.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace nchip::learning {

class WorkerPool {
 public:
  // `threads` in total, the caller included (0: std::thread::hardware_concurrency(), at least 1).
  explicit WorkerPool(unsigned threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  unsigned threads() const { return static_cast<unsigned>(workers_.size()) + 1; }
  // Not reentrant: one run at a time (the engine's windows run one after another).
  void run(size_t tasks, const std::function<void(size_t)>& fn);

  // The count `--threads 0` means on this machine.
  static unsigned default_threads();

 private:
  void work(size_t generation_seen);
  void take_tasks();

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void(size_t)>* fn_ = nullptr;
  size_t tasks_ = 0, next_ = 0, finished_ = 0, generation_ = 0;
  bool stop_ = false;
};

}  // namespace nchip::learning
