// index/index_selection.h: which faiss index fits (vectors, dimension, memory budget).
//
// autofaiss's get_optimal_index_keys_v2 (autofaiss-notes §1), with one correction: a candidate
// must fit the budget by its full estimated size (estimated_index_bytes: coarse centroids, OPQ
// matrix, HNSW graph and list ids included), where autofaiss compares only the per-vector codes
// and so may pick an index larger than max_index_memory_usage. The documented worked examples
// pick the same keys either way. And two measured replacements (docs/index.md, "Choice of
// index"), each ahead of autofaiss's key, which stays among the candidates:
// - from 1M vectors, where HNSW{M} fits, `IVF{c}_HNSW32,Flat` (1M x 512 at 4G: built in 124 s
//   instead of 322 s, recall@10 0.994 instead of 0.978 at the same 10 ms);
// - where autofaiss quantizes with OPQ and PQ, lists of scalar-quantized residuals
//   (`IVF{c}[_HNSW32],SQ8`, then `SQ6`) when they fit (1M x 512 at 1G: recall@10 0.97 instead of
//   0.85, built in 123 s instead of 357 s).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace clipret::index {

struct SelectionInput {
  int64_t vectors = 0;
  int64_t dim = 0;
  uint64_t max_index_bytes = 0;  // max_index_memory_usage
  bool make_direct_map = false;
  bool should_be_memory_mappable = false;  // only IVF indices can be memory-mapped
  bool inner_product = true;
  // The measured replacements above (false: autofaiss's own choice, the benchmark's peer's).
  bool measured_replacements = true;
};

// nlist candidates, preferred first (autofaiss-notes §1.2, including its repeated entry).
std::vector<int64_t> nlist_candidates(int64_t vectors);

// The OPQ output dimension autofaiss pairs with `pq` sub-quantizers: (min(d / pq, 6) + 1) * pq.
int64_t opq_output_dim(int64_t dim, int64_t pq);

// IVF keys over scalar-quantized residuals, SQ8 then SQ6, each over nlist_candidates.
std::vector<std::string> scalar_quantized_keys(int64_t vectors);

// All OPQ+IVF+PQ keys in autofaiss's order (PQ size outer, nlist inner), not filtered by memory.
std::vector<std::string> quantized_keys(int64_t vectors, int64_t dim);

// Candidate keys, best first; element 0 is built. Empty when nothing fits the budget.
std::vector<std::string> select_index_keys(const SelectionInput& input);

// The smallest max_index_memory_usage for which select_index_keys is not empty, and the key it
// would give (for the error message of a budget that is too small).
struct SmallestBudget {
  uint64_t bytes = 0;
  std::string key;
};
SmallestBudget smallest_index_budget(const SelectionInput& input);

}  // namespace clipret::index
