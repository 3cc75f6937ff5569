// download/worker_pool.h: the threads that decode, resize and encode downloaded images.
#pragma once

#include <functional>
#include <thread>
#include <utility>
#include <vector>

#include "core/blocking_queue.h"

namespace clipret::download {

// Decode/resize/encode workers shared by every shard in flight: img2dataset resizes one image
// at a time per process; here every core works on images as they arrive.
class WorkerPool {
 public:
  // `capacity`: bodies waiting for a worker before the fetch loops wait (img2dataset caps
  // downloaded-but-unprocessed samples at twice its threads).
  WorkerPool(size_t threads, size_t capacity) : queue_(capacity) {
    for (size_t i = 0; i < threads; ++i) {
      workers_.emplace_back([this] {
        while (auto task = queue_.pop()) (*task)();
      });
    }
  }
  ~WorkerPool() {
    queue_.close();
    for (auto& worker : workers_) worker.join();
  }
  // Blocks while the queue is full: the fetch loop then services no transfer (back-pressure
  // bounds the downloaded bytes waiting in memory; the queue is sized so that this happens only
  // when decoding falls far behind, since transfers in flight may reach their deadline meanwhile).
  void submit(std::function<void()> task) { queue_.push(std::move(task)); }

 private:
  core::BlockingQueue<std::function<void()>> queue_;
  std::vector<std::thread> workers_;
};

}  // namespace clipret::download
