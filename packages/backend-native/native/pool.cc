#include "pool.h"

#include <algorithm>
#include <chrono>
#include <cstdlib>

namespace tk {

ThreadPool& ThreadPool::instance() {
  static ThreadPool* pool = new ThreadPool();  // never destroyed: worker threads may outlive static destruction
  return *pool;
}

ThreadPool::ThreadPool() {
  int n = (int)std::thread::hardware_concurrency();
  if (n < 1) n = 1;
  if (const char* env = std::getenv("TENSORKIT_NATIVE_THREADS")) {
    int v = std::atoi(env);
    if (v >= 1) n = v;
  }
  if (n > 64) n = 64;
  start(n);
}

ThreadPool::~ThreadPool() { stop(); }

void ThreadPool::start(int n) {
  threads_ = n;
  quit_ = false;
  const unsigned gen = generation_.load();  // read here, not in the thread: it may start late
  for (int i = 1; i < n; i++) workers_.emplace_back([this, gen] { worker(gen); });
}

void ThreadPool::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    quit_ = true;
    generation_.fetch_add(1);
    ticket_.store((unsigned long long)generation_.load() << 32 | 0xffffffffu);
  }
  wake_.notify_all();
  for (auto& w : workers_) w.join();
  workers_.clear();
}

void ThreadPool::setThreads(int n) {
  std::lock_guard<std::mutex> guard(runMutex_);
  if (n < 1) n = 1;
  if (n > 64) n = 64;
  if (n == threads_) return;
  stop();
  start(n);
}

// Tells the core it is in a spin loop (frees pipeline resources for a sibling hyperthread).
static inline void cpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

void ThreadPool::worker(unsigned seen) {
  for (;;) {
    // Spin for ~100 us before sleeping: kernels come in bursts, and a sleeping worker takes 20-50 us
    // to wake. Timed by the clock, not by a count of pauses, whose latency differs ~10x between CPUs.
    // (Spinning 1-3 ms measured no faster in a training epoch, and costs a shared machine more.)
    unsigned gen = seen;
    const auto spinUntil = std::chrono::steady_clock::now() + std::chrono::microseconds(100);
    for (int spin = 1;; spin++) {
      gen = generation_.load(std::memory_order_acquire);
      if (gen != seen) break;
      cpuRelax();
      if ((spin & 255) == 0 && std::chrono::steady_clock::now() >= spinUntil) break;
    }
    if (gen == seen) {
      std::unique_lock<std::mutex> lock(mutex_);
      sleepers_++;
      wake_.wait(lock, [&] { return quit_.load() || generation_.load(std::memory_order_acquire) != seen; });
      sleepers_--;
      gen = generation_.load(std::memory_order_acquire);
    }
    seen = gen;
    if (quit_.load()) return;
    int t;
    while (claim(gen, t)) {
      (*fn_)(t);
      pending_.fetch_sub(1, std::memory_order_acq_rel);
    }
  }
}

// Claims the next task of generation `gen`; false once that run has no unclaimed task (a worker that
// wakes late can never take a task of a later run, since the generation is part of the ticket).
bool ThreadPool::claim(unsigned gen, int& task) {
  unsigned long long cur = ticket_.load(std::memory_order_acquire);
  for (;;) {
    if ((unsigned)(cur >> 32) != gen) return false;
    int index = (int)(cur & 0xffffffffu);
    if (index >= tasks_) return false;
    if (ticket_.compare_exchange_weak(cur, cur + 1, std::memory_order_acq_rel, std::memory_order_acquire)) {
      task = index;
      return true;
    }
  }
}

void ThreadPool::run(int tasks, const std::function<void(int)>& fn) {
  if (tasks <= 0) return;
  if (tasks == 1 || threads_ == 1) {
    for (int t = 0; t < tasks; t++) fn(t);
    return;
  }
  std::lock_guard<std::mutex> guard(runMutex_);
  fn_ = &fn;
  tasks_ = tasks;
  pending_.store(tasks, std::memory_order_release);
  unsigned gen;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    gen = generation_.load(std::memory_order_relaxed) + 1;
    ticket_.store((unsigned long long)gen << 32, std::memory_order_release);
    generation_.store(gen, std::memory_order_release);
  }
  if (sleepers_.load() > 0) wake_.notify_all();
  int t;
  while (claim(gen, t)) {
    fn(t);
    pending_.fetch_sub(1, std::memory_order_acq_rel);
  }
  while (pending_.load(std::memory_order_acquire) > 0) cpuRelax();
  fn_ = nullptr;
}

void parallelFor(size_t n, size_t grain, const std::function<void(size_t, size_t)>& fn) {
  ThreadPool& pool = ThreadPool::instance();
  int threads = pool.threads();
  if (grain < 1) grain = 1;
  size_t chunks = std::min<size_t>((size_t)threads, (n + grain - 1) / grain);
  if (chunks <= 1) {
    if (n) fn(0, n);
    return;
  }
  size_t step = (n + chunks - 1) / chunks;
  pool.run((int)chunks, [&](int t) {
    size_t begin = (size_t)t * step, end = std::min(n, begin + step);
    if (begin < end) fn(begin, end);
  });
}

}  // namespace tk
