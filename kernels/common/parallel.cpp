#include "kernels/common/parallel.h"

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

namespace mrt {

namespace {

thread_local bool tls_in_parallel_region = false;

class ThreadPool {
 public:
  explicit ThreadPool(int n) {
    for (int i = 0; i < n; ++i) workers_.emplace_back([this] { WorkerLoop(); });
  }
  ~ThreadPool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
  }

  // Runs task(i) for i in [0, count) on the workers and the calling thread; returns when done.
  void Run(int count, const std::function<void(int)>& task) {
    std::unique_lock<std::mutex> lock(run_mu_);  // one parallel region at a time
    {
      std::lock_guard<std::mutex> l(mu_);
      task_ = &task;
      count_ = count;
      next_ = 0;
      done_ = 0;
      ++generation_;
    }
    cv_.notify_all();
    DrainTasks();
    std::unique_lock<std::mutex> l(mu_);
    done_cv_.wait(l, [&] { return done_ == count_; });
    task_ = nullptr;
  }

 private:
  void DrainTasks() {
    for (;;) {
      int i;
      const std::function<void(int)>* task;
      {
        std::lock_guard<std::mutex> l(mu_);
        if (task_ == nullptr || next_ >= count_) return;
        i = next_++;
        task = task_;
      }
      tls_in_parallel_region = true;
      (*task)(i);
      tls_in_parallel_region = false;
      {
        std::lock_guard<std::mutex> l(mu_);
        if (++done_ == count_) done_cv_.notify_all();
      }
    }
  }

  void WorkerLoop() {
    uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> l(mu_);
        cv_.wait(l, [&] { return stop_ || generation_ != seen; });
        if (stop_) return;
        seen = generation_;
      }
      DrainTasks();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex mu_, run_mu_;
  std::condition_variable cv_, done_cv_;
  const std::function<void(int)>* task_ = nullptr;
  int count_ = 0, next_ = 0, done_ = 0;
  uint64_t generation_ = 0;
  bool stop_ = false;
};

ThreadPool& Pool() {
  static ThreadPool pool(NumThreads() - 1);
  return pool;
}

}  // namespace

int NumThreads() {
  static const int n = [] {
    if (const char* env = std::getenv("MRT_NUM_THREADS")) {
      const int v = std::atoi(env);
      if (v > 0) return v;
    }
    return std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  }();
  return n;
}

void ParallelFor(int64_t n, int64_t grain, const std::function<void(int64_t, int64_t)>& fn) {
  if (n <= 0) return;
  grain = std::max<int64_t>(grain, 1);
  const int threads = NumThreads();
  if (threads == 1 || n < 2 * grain || tls_in_parallel_region) {
    fn(0, n);
    return;
  }
  const int64_t chunks = std::min<int64_t>(n / grain, threads * 4);
  const int64_t per = (n + chunks - 1) / chunks;
  Pool().Run(static_cast<int>(chunks), [&](int c) {
    const int64_t b = c * per, e = std::min(n, b + per);
    if (b < e) fn(b, e);
  });
}

}  // namespace mrt
