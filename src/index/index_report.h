// index/index_report.h: the last stage of build_index: how good the written index is, and the
// infos json (<name>.json) that says so, with autofaiss's keys first and ours after.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "index/index_metrics.h"

namespace faiss {
struct Index;
}

namespace clipret::index {

class EmbeddingSource;
struct BuiltIndex;
struct IndexPlan;

// What measure_index found.
struct IndexReport {
  int64_t file_bytes = 0;      // the written index file: the json's "size in bytes"
  int64_t recall_queries = 0;  // queries compared with exact search
  // (R, recall@R) for R = 1, 10, 100 up to the number of neighbours compared (at most 100,
  // fewer when the source has fewer rows).
  std::vector<std::pair<int64_t, double>> recalls;
  LatencyStats latency;
  double reconstruction_error_percent = 0;

  // recall@R, 0 when it was not measured.
  double recall(int64_t r) const;
};

// Measures `index`, written at `index_file`, with `queries` (nq rows drawn from `source`), in
// this order: recall against exact search over `source` (streamed within plan's announced peak
// memory), single-query latency, reconstruction error.
IndexReport measure_index(faiss::Index* index, const std::string& index_file,
                          const EmbeddingSource& source, const IndexPlan& plan,
                          const float* queries, int64_t nq);

// Wall-clock seconds of the build's stages, for the infos json.
struct BuildTimings {
  double train = 0;
  double add = 0;
  double tune = 0;
  double build = 0;  // the whole build up to the json
};

// The infos json text ("\n"-terminated) of `index`, built from `plan` as `built` with
// `world_size` ranks; its peak memory is this process's (rank 0) when called.
std::string index_infos_json(const faiss::Index& index, const IndexPlan& plan,
                             const BuiltIndex& built, const IndexReport& report,
                             const BuildTimings& timings, int world_size);

}  // namespace clipret::index
