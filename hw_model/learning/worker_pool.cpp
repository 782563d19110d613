#include "hw_model/learning/worker_pool.hpp"

namespace nchip::learning {

unsigned WorkerPool::default_threads() {
  const unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : n;
}

WorkerPool::WorkerPool(unsigned threads) {
  const unsigned total = threads == 0 ? default_threads() : threads;
  for (unsigned i = 1; i < total; ++i) workers_.emplace_back([this] { work(0); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  for (auto& t : workers_) t.join();
}

// Takes task indices until none are left; each finished task is counted under the lock.
void WorkerPool::take_tasks() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (next_ < tasks_) {
    const size_t task = next_++;
    lock.unlock();
    (*fn_)(task);
    lock.lock();
    if (++finished_ == tasks_) done_.notify_all();
  }
}

void WorkerPool::work(size_t generation_seen) {
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait(lock, [&] { return stop_ || generation_ != generation_seen; });
      if (stop_) return;
      generation_seen = generation_;
    }
    take_tasks();
  }
}

void WorkerPool::run(size_t tasks, const std::function<void(size_t)>& fn) {
  if (tasks == 0) return;
  if (workers_.empty() || tasks == 1) {
    for (size_t t = 0; t < tasks; ++t) fn(t);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mutex_);
    fn_ = &fn;
    tasks_ = tasks;
    next_ = finished_ = 0;
    ++generation_;
  }
  wake_.notify_all();
  take_tasks();
  std::unique_lock<std::mutex> lock(mutex_);
  done_.wait(lock, [&] { return finished_ == tasks_; });
  fn_ = nullptr;
  tasks_ = 0;
}

}  // namespace nchip::learning
