// index/index_metrics.h: how good a built index is, against exact search on a sample.
#pragma once

#include <cstdint>
#include <vector>

namespace faiss {
struct Index;
}

namespace clipret::index {

class EmbeddingSource;

// Exact top-k ids (nq x k, best first; -1 padding when k > rows) of `queries` over every row
// of `source`, streamed in batches of `batch_rows`: inner product or L2 as the index uses.
std::vector<int64_t> exact_neighbors(const EmbeddingSource& source, const float* queries,
                                     int64_t nq, int64_t k, bool inner_product, int64_t batch_rows);

// R-recall@R averaged over queries: |found top-R ∩ true top-R| / R, where both are nq x k
// (k >= r) id arrays; -1 ids never count, and R is capped by the valid true ids.
double recall_at(const std::vector<int64_t>& found, const std::vector<int64_t>& truth, int64_t nq,
                 int64_t k, int64_t r);

struct LatencyStats {
  double mean_ms = 0;
  double median_ms = 0;
  double p99_ms = 0;  // numpy's linear-interpolated 0.99 quantile
  int64_t searches = 0;
};
// Single-query searches with k = 40, cycling over the queries, up to `max_searches` or
// `max_seconds` (autofaiss: 2000 searches or 10 s).
LatencyStats measure_latency(faiss::Index* index, const float* queries, int64_t nq,
                             int64_t max_searches, double max_seconds);

// 100 * mean ||decode(encode(x)) - x|| / mean ||x|| over the rows (0 when the index has no
// standalone codec, as for HNSW).
double reconstruction_error_percent(const faiss::Index& index, const float* rows, int64_t n);

}  // namespace clipret::index
