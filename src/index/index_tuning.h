// index/index_tuning.h: search hyper-parameters within a latency target (autofaiss-notes §3).
//
// One parameter is tuned per key family: nprobe (IVF), nprobe with efSearch = 2 * nprobe (IVF
// with an HNSW coarse quantizer), efSearch (HNSW); ht=2048 turns polysemous filtering off for
// PQ. Step A finds the smallest value whose searches return at least
// min_nearest_neighbors_to_retrieve results for 99 % of the slots (coverage); step B the largest
// value at or above it whose single-query latency stays under max_index_query_time_ms, then a
// longer measurement walks it down while it is still too slow. Coverage has priority.
#pragma once

#include <cstdint>
#include <string>

namespace faiss {
struct Index;
}

namespace clipret::index {

struct TuningOptions {
  double max_index_query_time_ms = 10.0;  // target latency of one query (k = 40)
  int64_t min_nearest_neighbors_to_retrieve = 20;
  bool show_progress = true;  // a bar counting the settings measured
};

// The parameters set before tuning (and the only ones for keys without a tunable family).
std::string default_index_param(const std::string& key);

// Tunes `index` (which must hold its vectors) with `queries` (nq x d, row-major, drawn from the
// data), applies the result to the index and returns it as a ParameterSpace string ("" for
// Flat and keys without a known family).
std::string tune_index_param(faiss::Index* index, const std::string& key, const float* queries,
                             int64_t nq, const TuningOptions& options);

// Mean milliseconds per single-query search with k = 40, cycling over the queries, stopping
// after `max_searches` or when `timeout_seconds` have passed.
double single_query_latency_ms(faiss::Index* index, const float* queries, int64_t nq,
                               int64_t max_searches, double timeout_seconds);

}  // namespace clipret::index
