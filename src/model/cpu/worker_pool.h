// model/cpu/worker_pool.h: persistent worker threads that share a loop of equal chunks with the
// calling thread, for products that take tens of microseconds (a text query's gemms), where
// starting a thread or waking a sleeping one costs as much as the work.
//
// run() publishes the task and works on it itself; workers take chunks as they arrive. A
// worker spins for a while (kSpinMicros) after each task, so the next one a few microseconds
// later starts at once, then sleeps on a futex (std::atomic::wait). Chunks are claimed one at a
// time from a shared counter, so a worker that is asleep or descheduled (the machine is busy)
// delays nothing: the caller does the chunks nobody claimed and waits only for chunks in
// progress.
//
// The workers are separate from OpenBLAS's threads: CpuBackend uses this pool only for the
// products it does not hand to OpenBLAS, and workers sleep shortly after the last one.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <thread>
#include <vector>

namespace clipret::model::cpu {

class WorkerPool {
 public:
  // How long an idle worker polls for the next task before it sleeps.
  static constexpr int kSpinMicros = 200;

  // `workers` threads besides the caller, started here.
  explicit WorkerPool(int workers);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  int workers() const { return static_cast<int>(threads_.size()); }

  // Calls chunk(context, i) once for every i < chunks, on the calling thread and the workers,
  // and returns when all calls have returned. chunk must not throw. One caller at a time.
  void run(size_t chunks, void (*chunk)(void* context, size_t index), void* context);

  // The same with a callable taking the chunk index.
  template <class F>
  void run(size_t chunks, F& f) {
    run(
        chunks, [](void* context, size_t index) { (*static_cast<F*>(context))(index); }, &f);
  }

 private:
  void worker_loop();
  // Claims and runs chunks of task `generation` until none is left or the task is no longer
  // the current one.
  void work_on(uint32_t generation);

  // The task, written by run() before it publishes `generation_`, read by workers only after
  // they claimed a chunk of that generation (so run() has not returned yet).
  void (*chunk_)(void*, size_t) = nullptr;
  void* context_ = nullptr;

  // The task's generation, chunk count and next unclaimed chunk in one word (worker_pool.cpp):
  // claims of an old task fail.
  alignas(64) std::atomic<uint64_t> next_{0};
  alignas(64) std::atomic<size_t> done_{0};
  // Bumped once per task; workers wait on it.
  alignas(64) std::atomic<uint32_t> generation_{0};
  std::atomic<int> sleepers_{0};
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

}  // namespace clipret::model::cpu
