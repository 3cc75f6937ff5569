#include "model/cpu/worker_pool.h"

#include <cassert>
#include <chrono>

namespace clipret::model::cpu {

namespace {

// next_ packs the generation (bits 32..63), the task's chunk count (16..31) and the next
// unclaimed chunk (0..15), so one compare-and-swap checks all three.
constexpr uint64_t kMaxChunks = 0xffff;

uint64_t pack(uint32_t generation, size_t chunks, size_t next) {
  return (static_cast<uint64_t>(generation) << 32) | (static_cast<uint64_t>(chunks) << 16) |
         static_cast<uint64_t>(next);
}

void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#endif
}

}  // namespace

WorkerPool::WorkerPool(int workers) {
  threads_.reserve(static_cast<size_t>(workers > 0 ? workers : 0));
  for (int w = 0; w < workers; ++w) threads_.emplace_back([this] { worker_loop(); });
}

WorkerPool::~WorkerPool() {
  stop_.store(true, std::memory_order_seq_cst);
  generation_.fetch_add(1, std::memory_order_seq_cst);
  generation_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void WorkerPool::run(size_t chunks, void (*chunk)(void*, size_t), void* context) {
  assert(chunks <= kMaxChunks);
  if (threads_.empty() || chunks <= 1) {
    for (size_t i = 0; i < chunks; ++i) chunk(context, i);
    return;
  }
  const uint32_t generation = generation_.load(std::memory_order_relaxed) + 1;
  chunk_ = chunk;
  context_ = context;
  done_.store(0, std::memory_order_relaxed);
  next_.store(pack(generation, chunks, 0), std::memory_order_release);
  // seq_cst store then load, against the worker's seq_cst increment then load in worker_loop:
  // either the worker sees the new generation or we see it asleep and wake it.
  generation_.store(generation, std::memory_order_seq_cst);
  if (sleepers_.load(std::memory_order_seq_cst) > 0) generation_.notify_all();

  work_on(generation);
  // Only chunks a worker claimed are left; they are running now.
  for (int spins = 0; done_.load(std::memory_order_acquire) != chunks; ++spins) {
    if (spins < 4096) {
      cpu_relax();
    } else {
      std::this_thread::yield();  // the worker may be waiting for this core
    }
  }
}

void WorkerPool::work_on(uint32_t generation) {
  uint64_t current = next_.load(std::memory_order_acquire);
  for (;;) {
    const size_t chunks = (current >> 16) & kMaxChunks;
    const size_t index = current & kMaxChunks;
    if (static_cast<uint32_t>(current >> 32) != generation || index >= chunks) return;
    if (!next_.compare_exchange_weak(current, current + 1, std::memory_order_acquire,
                                     std::memory_order_acquire)) {
      continue;  // `current` now holds the new value
    }
    // Claimed chunk `index` of this task: run() waits for it, so the task fields are valid.
    chunk_(context_, index);
    done_.fetch_add(1, std::memory_order_release);
    current = next_.load(std::memory_order_acquire);
  }
}

void WorkerPool::worker_loop() {
  uint32_t seen = 0;
  for (;;) {
    uint32_t generation = generation_.load(std::memory_order_acquire);
    if (generation == seen) {
      // Poll for kSpinMicros, then sleep until run() or the destructor bumps the generation.
      const auto deadline =
          std::chrono::steady_clock::now() + std::chrono::microseconds(kSpinMicros);
      for (int polls = 1; generation == seen; ++polls) {
        cpu_relax();
        generation = generation_.load(std::memory_order_acquire);
        if (polls % 64 == 0 && std::chrono::steady_clock::now() > deadline) break;
      }
      if (generation == seen) {
        sleepers_.fetch_add(1, std::memory_order_seq_cst);
        if (generation_.load(std::memory_order_seq_cst) == seen) generation_.wait(seen);
        sleepers_.fetch_sub(1, std::memory_order_seq_cst);
        continue;
      }
    }
    if (stop_.load(std::memory_order_acquire)) return;
    seen = generation;
    work_on(generation);
  }
}

}  // namespace clipret::model::cpu
