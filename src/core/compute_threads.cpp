#include "core/compute_threads.h"

#include <cblas.h>
#include <omp.h>
#include <sched.h>

#include <algorithm>
#include <atomic>
#include <thread>

#include "core/log.h"

namespace clipret::core {
namespace {

std::mutex& owner_mutex() {
  static std::mutex mutex;
  return mutex;
}

// Written under owner_mutex(); read without it by threads that apply the OpenMP count.
std::atomic<int> configured_blas{0};
std::atomic<int> configured_openmp{0};
// Bumped by each configuration of the OpenMP count, so threads know to apply it again.
std::atomic<unsigned> openmp_generation{0};

}  // namespace

int available_cores() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    const int count = CPU_COUNT(&set);
    if (count > 0) return count;
  }
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

void configure_compute_threads(const ComputeThreads& threads) {
  std::lock_guard<std::mutex> lock(owner_mutex());
  if (threads.blas > 0) {
    openblas_set_num_threads(threads.blas);
    configured_blas.store(threads.blas);
  }
  if (threads.openmp > 0) {
    omp_set_num_threads(threads.openmp);  // this thread's; others apply it on first use
    configured_openmp.store(threads.openmp);
    openmp_generation.fetch_add(1, std::memory_order_release);
  }
  CLIPRET_LOG_DEBUG("compute threads: OpenBLAS %d, OpenMP %d", openblas_get_num_threads(),
                    omp_get_max_threads());
}

ComputeThreads configured_compute_threads() {
  const int blas = configured_blas.load();
  const int openmp = configured_openmp.load();
  return {blas > 0 ? blas : openblas_get_num_threads(),
          openmp > 0 ? openmp : omp_get_max_threads()};
}

void use_configured_openmp_threads() {
  thread_local unsigned applied_generation = 0;
  const unsigned generation = openmp_generation.load(std::memory_order_acquire);
  if (generation == applied_generation) return;
  omp_set_num_threads(configured_openmp.load());
  applied_generation = generation;
}

ScopedBlasThreads::ScopedBlasThreads(int threads)
    : lock_(owner_mutex()), previous_(openblas_get_num_threads()) {
  if (threads > 0) openblas_set_num_threads(threads);
}

ScopedBlasThreads::~ScopedBlasThreads() {
  openblas_set_num_threads(previous_);
}

}  // namespace clipret::core
