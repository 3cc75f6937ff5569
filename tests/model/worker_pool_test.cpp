#include "model/cpu/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace clipret::model::cpu {
namespace {

// Every chunk runs exactly once per task, whether the workers are spinning (tasks back to
// back) or asleep (a pause longer than kSpinMicros before the task).
TEST(WorkerPoolTest, RunsEveryChunkOnce) {
  for (const int workers : {0, 1, 3}) {
    WorkerPool pool(workers);
    EXPECT_EQ(pool.workers(), workers);
    for (int task = 0; task < 200; ++task) {
      if (task % 50 == 49) {
        std::this_thread::sleep_for(std::chrono::microseconds(2 * WorkerPool::kSpinMicros));
      }
      const size_t chunks = static_cast<size_t>(task % 37);
      std::vector<std::atomic<int>> calls(chunks);
      auto count = [&](size_t index) { calls[index].fetch_add(1); };
      pool.run(chunks, count);
      for (size_t i = 0; i < chunks; ++i) {
        ASSERT_EQ(calls[i].load(), 1)
            << "workers " << workers << " task " << task << " chunk " << i;
      }
    }
  }
}

// Chunks that take long enough for both threads to take some.
TEST(WorkerPoolTest, WorkersShareTheChunks) {
  WorkerPool pool(1);
  const std::thread::id caller = std::this_thread::get_id();
  std::atomic<int> by_worker{0};
  auto chunk = [&](size_t) {
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    if (std::this_thread::get_id() != caller) by_worker.fetch_add(1);
  };
  pool.run(20, chunk);
  EXPECT_GT(by_worker.load(), 0);
}

}  // namespace
}  // namespace clipret::model::cpu
