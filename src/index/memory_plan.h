// index/memory_plan.h: how a build stays within current_memory_available.
//
// Before reading any vector, the build decides the training sample size and the rows per add
// batch from the budget, so that (estimated) peak memory = process baseline + what faiss holds
// at the worst moment stays under the budget. A budget too small is refused here, naming the
// smallest budget that would work. Memory of each step, as faiss 1.7.3 allocates it:
//   training: the float32 sample, its transformed copy (OPQ/Pad), OPQ's work arrays on at most
//             65,536 rows, k-means' assignment and distance arrays and 16 MB distance tiles,
//             PQ's residuals of at most 65,536 rows, and the trained empty index;
//   adding:   the index so far (inverted lists grow by doubling, so up to twice their final
//             size), one float32 batch and its transformed copy, and faiss's internal blocks
//             of 65,536 rows (residuals, assignments, codes).
#pragma once

#include <cstdint>
#include <string>

#include "index/index_key.h"

namespace clipret::index {

// Resident memory of the clip-retrieval process before it holds any vector: code, libraries,
// OpenBLAS and OpenMP thread buffers, metadata (measured on Debian 12: see docs/index.md).
inline constexpr uint64_t kProcessBaselineBytes = uint64_t{48} << 20;

struct BuildMemoryInput {
  std::string key;  // index_factory key
  int64_t vectors = 0;
  int64_t dim = 0;
  uint64_t current_memory_bytes = 0;  // current_memory_available
  bool make_direct_map = false;
  bool inner_product = true;
};

struct BuildMemoryPlan {
  int64_t index_bytes = -1;      // estimated finished index; -1 for keys we cannot size
  int64_t train_rows = 0;        // training sample (0: no training)
  int64_t train_peak_bytes = 0;  // estimated process peak while training
  int64_t add_batch_rows = 0;    // rows converted to float32 and added at a time
  int64_t add_peak_bytes = 0;    // estimated process peak while adding
  int64_t peak_bytes() const { return std::max(train_peak_bytes, add_peak_bytes); }
};

// Throws Error(kInvalidInput) naming the smallest current_memory_available that would work
// when the budget cannot hold the training sample or the index plus one batch.
BuildMemoryPlan plan_build_memory(const BuildMemoryInput& input);

// Rows per batch for streaming passes other than adding (exact search for recall, searches
// while the finished index of `index_bytes` is in memory).
int64_t streaming_batch_rows(uint64_t current_memory_bytes, int64_t index_bytes, int64_t dim);

}  // namespace clipret::index
