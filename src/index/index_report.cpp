#include "index/index_report.h"

#include <faiss/Index.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "index/embedding_source.h"
#include "index/faiss_index.h"
#include "index/index_builder.h"
#include "index/memory_plan.h"
#include "index/peak_memory.h"

namespace clipret::index {

namespace {

constexpr int64_t kRecallK = 100;  // recall@1/10/100
constexpr int64_t kLatencySearches = 2000;
constexpr double kLatencySeconds = 10.0;

// recall@1/10/100 of `index` against exact search over `source`.
std::vector<std::pair<int64_t, double>> recalls_against_exact_search(
    faiss::Index* index, int64_t index_file_bytes, const EmbeddingSource& source,
    const IndexPlan& plan, const float* queries, int64_t nq) {
  const int64_t k = std::min(kRecallK, source.rows());
  // The exact search streams within the peak announced by build_index's first log line, not the
  // whole budget: a user who sized current_memory_available from that line must not see it
  // exceeded here.
  const uint64_t streaming_memory =
      plan.memory.index_bytes < 0
          ? plan.current_memory_bytes
          : std::min(plan.current_memory_bytes, static_cast<uint64_t>(plan.memory.peak_bytes()));
  const auto truth =
      exact_neighbors(source, queries, nq, k, plan.inner_product,
                      streaming_batch_rows(streaming_memory, index_file_bytes, source.dim()));
  std::vector<float> distances(static_cast<size_t>(nq * k));
  std::vector<faiss::Index::idx_t> found(static_cast<size_t>(nq * k));
  run_faiss("search", [&] { index->search(nq, queries, k, distances.data(), found.data()); });
  const std::vector<int64_t> found_ids(found.begin(), found.end());
  std::vector<std::pair<int64_t, double>> recalls;
  for (int64_t r : {1, 10, 100}) {
    if (r <= k) recalls.emplace_back(r, recall_at(found_ids, truth, nq, k, r));
  }
  return recalls;
}

}  // namespace

double IndexReport::recall(int64_t r) const {
  for (const auto& [at, value] : recalls) {
    if (at == r) return value;
  }
  return 0.0;
}

IndexReport measure_index(faiss::Index* index, const std::string& index_file,
                          const EmbeddingSource& source, const IndexPlan& plan,
                          const float* queries, int64_t nq) {
  IndexReport report;
  report.file_bytes = static_cast<int64_t>(std::filesystem::file_size(index_file));
  report.recall_queries = nq;
  report.recalls =
      recalls_against_exact_search(index, report.file_bytes, source, plan, queries, nq);
  log_peak("exact search");
  report.latency = measure_latency(index, queries, nq, kLatencySearches, kLatencySeconds);
  report.reconstruction_error_percent = reconstruction_error_percent(*index, queries, nq);
  return report;
}

std::string index_infos_json(const faiss::Index& index, const IndexPlan& plan,
                             const BuiltIndex& built, const IndexReport& report,
                             const BuildTimings& timings, int world_size) {
  nlohmann::ordered_json infos;
  infos["index_key"] = plan.key;
  infos["index_param"] = built.param;
  infos["index_path"] = built.index_path;
  infos["size in bytes"] = report.file_bytes;
  infos["avg_search_speed_ms"] = report.latency.mean_ms;
  infos["99p_search_speed_ms"] = report.latency.p99_ms;
  infos["reconstruction error %"] = report.reconstruction_error_percent;
  infos["nb vectors"] = index.ntotal;
  infos["vectors dimension"] = index.d;
  infos["compression ratio"] =
      4.0 * static_cast<double>(index.ntotal) * index.d / static_cast<double>(report.file_bytes);
  infos["median_search_speed_ms"] = report.latency.median_ms;
  for (const auto& [r, recall] : report.recalls) infos["recall@" + std::to_string(r)] = recall;
  infos["recall_queries"] = report.recall_queries;
  infos["metric_type"] = plan.inner_product ? "ip" : "l2";
  infos["train_vectors"] = plan.memory.train_rows;
  infos["estimated_index_bytes"] = plan.memory.index_bytes;
  infos["estimated_peak_memory_bytes"] = plan.memory.peak_bytes();
  infos["train_time_s"] = timings.train;
  infos["add_time_s"] = timings.add;
  infos["tune_time_s"] = timings.tune;
  infos["build_time_s"] = timings.build;
  infos["ranks"] = world_size;
  infos["peak_memory_bytes"] = peak_rss_bytes();  // this process (rank 0)
  return infos.dump(4) + "\n";
}

}  // namespace clipret::index
