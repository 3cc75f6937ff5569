// index/faiss_threads.h: the thread counts index building wants, set through their one owner
// (core/compute_threads.h).
#pragma once

#include "core/compute_threads.h"

namespace clipret::index {

// faiss parallelises with OpenMP (`threads` threads); OpenBLAS, which it calls for k-means and
// exact search, is limited to one thread, because on this machine both pools at full size fight
// over the cores (IVF256,PQ16x8 training measured 1.8x slower; autofaiss-notes appendix: up to
// 3-6x). Only entry points call it (STYLE.md §2.11).
void set_faiss_threads(int threads);

// While alive, OpenBLAS gets faiss's OpenMP thread count. For the k-means of an IVF's lists
// only: there faiss makes one large sgemm per block of points from a single thread, so with
// one BLAS thread the longest stage of a large build (16,384 lists over 1M rows: most of an
// hour) ran on one core.
class WideBlasForKmeans {
 public:
  WideBlasForKmeans();

 private:
  core::ScopedBlasThreads blas_;
};

}  // namespace clipret::index
