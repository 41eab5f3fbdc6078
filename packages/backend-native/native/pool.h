// A persistent thread pool: workers spin briefly on a generation counter (so back-to-back kernels
// wake them in well under a microsecond), then sleep on a condition variable. Spawning threads per
// call costs 13-20 us, which is why the pool outlives calls.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace tk {

class ThreadPool {
 public:
  static ThreadPool& instance();
  // Runs fn(t) for t in [0, tasks), spread over the workers and the calling thread; returns when all are done.
  void run(int tasks, const std::function<void(int)>& fn);
  int threads() const { return threads_; }
  void setThreads(int n);
  ~ThreadPool();

 private:
  ThreadPool();
  void start(int n);
  void stop();
  void worker(unsigned seen);

  int threads_ = 1;
  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::mutex runMutex_;
  std::condition_variable wake_;
  std::atomic<unsigned> generation_{0};
  std::atomic<unsigned long long> ticket_{0};  // (generation << 32) | next task index
  bool claim(unsigned gen, int& task);
  std::atomic<int> pending_{0};
  std::atomic<bool> quit_{false};
  std::atomic<int> sleepers_{0};
  int tasks_ = 0;
  const std::function<void(int)>* fn_ = nullptr;
};

// parallel_for over [0, n) in chunks of at least `grain`, using up to the pool's threads.
void parallelFor(size_t n, size_t grain, const std::function<void(size_t, size_t)>& fn);

}  // namespace tk
