// index/faiss_threads.h: the thread settings of faiss work, a process-wide choice the CLI makes.
#pragma once

namespace clipret::index {

// faiss parallelises with OpenMP (`threads` threads); OpenBLAS, which it calls for k-means and
// exact search, is limited to one thread, because on this machine both pools at full size fight
// over the cores (IVF256,PQ16x8 training measured 1.8x slower; autofaiss-notes appendix: up to
// 3-6x). Only entry points call it (STYLE.md §2.11).
void set_faiss_threads(int threads);

}  // namespace clipret::index
