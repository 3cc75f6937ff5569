// core/compute_threads.h: the one owner of the process-wide thread counts of OpenBLAS and
// OpenMP.
//
// OpenBLAS runs the large matrix products (the model's batches, faiss's k-means and exact
// search) and faiss parallelises with OpenMP. Both counts are process-wide (OpenMP's is per
// calling thread, inherited by nobody), and two pools at full size fight over the cores, so:
//   - each command sets them once at start with configure_compute_threads (cli/);
//   - threads that call faiss (back's request threads) apply the configured OpenMP count with
//     use_configured_openmp_threads;
//   - a stage that needs another OpenBLAS count for a while (k-means) holds a
//     ScopedBlasThreads, which takes the owner's lock, so no two stages change it at once.
// Nothing else in the tree calls openblas_set_num_threads or omp_set_num_threads. Backends own
// their own parallelism besides (model::CpuBackendOptions::threads).
#pragma once

#include <mutex>

namespace clipret::core {

struct ComputeThreads {
  int blas = 0;    // OpenBLAS threads; 0 leaves the count as it is
  int openmp = 0;  // OpenMP threads of one faiss call; 0 leaves the count as it is
};

// The cores this process may run on (its CPU affinity mask; at least 1).
int available_cores();

// Sets the process's counts (fields of 0 are left alone). Called by the entry point of a
// command, once, before any worker thread starts; later calls are allowed (tests, benchmarks)
// and take effect on each thread at its next use_configured_openmp_threads().
void configure_compute_threads(const ComputeThreads& threads);

// The counts in effect: the configured ones, or the libraries' own where none was configured.
ComputeThreads configured_compute_threads();

// Applies the configured OpenMP count on the calling thread unless already done since the last
// configure_compute_threads (one atomic load when it was). No-op when none is configured.
void use_configured_openmp_threads();

// While alive, OpenBLAS runs on `threads` threads; the count in effect before is restored
// after. Holds the owner's lock: other scopes and configure_compute_threads wait.
class ScopedBlasThreads {
 public:
  explicit ScopedBlasThreads(int threads);
  ~ScopedBlasThreads();
  ScopedBlasThreads(const ScopedBlasThreads&) = delete;
  ScopedBlasThreads& operator=(const ScopedBlasThreads&) = delete;

 private:
  std::unique_lock<std::mutex> lock_;
  int previous_ = 0;
};

}  // namespace clipret::core
