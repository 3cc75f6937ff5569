#include "index/index_builder.h"

#include <algorithm>
#include <chrono>
#include <optional>
#include <vector>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/log.h"
#include "core/process_memory.h"
#include "core/stopwatch.h"
#include "index/embedding_source.h"
#include "index/faiss_index.h"
#include "index/index_key.h"
#include "index/index_report.h"
#include "index/index_selection.h"
#include "index/index_tuning.h"
#include "index/memory_string.h"
#include "index/peak_memory.h"
#include "index/populated_index.h"

namespace clipret::index {

namespace {

constexpr int64_t kQueryRows = 1000;      // tuning and metric queries drawn from the data
constexpr uint64_t kQuerySeedOffset = 1;  // queries and training sample differ

// The build's first log line: what is built, and the memory it is expected to take.
void log_build_plan(const EmbeddingSource& source, const IndexPlan& plan) {
  CLIPRET_LOG_INFO("%s: %lld vectors of dimension %lld -> %s (estimated %s, peak memory %s)",
                   source.folder().c_str(), static_cast<long long>(source.rows()),
                   static_cast<long long>(source.dim()), plan.key.c_str(),
                   plan.memory.index_bytes < 0
                       ? "unknown size"
                       : format_memory(static_cast<uint64_t>(plan.memory.index_bytes)).c_str(),
                   format_memory(static_cast<uint64_t>(plan.memory.peak_bytes())).c_str());
}

// Rows drawn from the data (another sample than training's) to tune and measure the index.
struct QuerySample {
  int64_t count = 0;
  std::vector<float> rows;  // count x dim, row-major
};

QuerySample draw_queries(const EmbeddingSource& source, uint64_t seed) {
  QuerySample queries;
  queries.count = std::min(kQueryRows, source.rows());
  queries.rows.resize(static_cast<size_t>(queries.count * source.dim()));
  source.read_rows_at(source.sample_ids(queries.count, seed + kQuerySeedOffset),
                      queries.rows.data());
  return queries;
}

// Applies and returns the search parameters: --index_param when given, else the ones tuned on
// `queries` for the latency and neighbour targets.
std::string choose_index_param(faiss::Index* index, const IndexOptions& options,
                               const std::string& key, const QuerySample& queries) {
  if (options.index_param) {
    apply_index_param(index, *options.index_param);
    return *options.index_param;
  }
  apply_index_param(index, default_index_param(key));
  return tune_index_param(
      index, key, queries.rows.data(), queries.count,
      {options.max_index_query_time_ms, options.min_nearest_neighbors_to_retrieve});
}

}  // namespace

IndexPlan plan_index(const IndexOptions& options, const EmbeddingSource& source, int world_size) {
  IndexPlan plan;
  plan.inner_product = parse_metric_type(options.metric_type);
  plan.max_index_bytes =
      parse_memory_string(options.max_index_memory_usage, "max_index_memory_usage");
  plan.current_memory_bytes =
      parse_memory_string(options.current_memory_available, "current_memory_available");
  // autofaiss: the index may take at most 90 % of the memory available.
  CLIPRET_CHECK(
      static_cast<double>(plan.max_index_bytes) <=
          0.9 * static_cast<double>(plan.current_memory_bytes),
      InvalidInput,
      "current_memory_available=%s leaves less than 10%% over max_index_memory_usage=%s: give "
      "at least %s (or a smaller max_index_memory_usage)",
      options.current_memory_available.c_str(), options.max_index_memory_usage.c_str(),
      format_memory(static_cast<uint64_t>(static_cast<double>(plan.max_index_bytes) / 0.9) + 1)
          .c_str());
  CLIPRET_CHECK(options.max_index_query_time_ms > 0, InvalidInput,
                "--max_index_query_time_ms must be positive, got %g",
                options.max_index_query_time_ms);
  CLIPRET_CHECK(options.min_nearest_neighbors_to_retrieve > 0, InvalidInput,
                "--min_nearest_neighbors_to_retrieve must be positive, got %lld",
                static_cast<long long>(options.min_nearest_neighbors_to_retrieve));

  SelectionInput selection{source.rows(),
                           source.dim(),
                           plan.max_index_bytes,
                           options.make_direct_map,
                           options.should_be_memory_mappable || world_size > 1,
                           plan.inner_product};
  if (options.index_key) {
    plan.key = *options.index_key;
    const int64_t bytes =
        estimated_index_bytes(parse_index_key(plan.key), source.rows(), source.dim(),
                              options.make_direct_map, plan.inner_product);
    if (bytes > static_cast<int64_t>(plan.max_index_bytes)) {
      CLIPRET_LOG_WARN("--index_key %s: about %s for %lld vectors, over max_index_memory_usage",
                       plan.key.c_str(), format_memory(static_cast<uint64_t>(bytes)).c_str(),
                       static_cast<long long>(source.rows()));
    }
    CLIPRET_CHECK(
        world_size == 1 || parse_index_key(plan.key).is_ivf() || plan.key.rfind("IVF", 0) == 0,
        InvalidInput, "--index_key %s: a distributed build needs an IVF index", plan.key.c_str());
  } else {
    const auto keys = select_index_keys(selection);
    if (keys.empty()) {
      const SmallestBudget smallest = smallest_index_budget(selection);
      CLIPRET_THROW(InvalidInput,
                    "max_index_memory_usage=%s is too small for %lld vectors of dimension %lld "
                    "in %s: the smallest index (%s) needs about %s; give at least that",
                    options.max_index_memory_usage.c_str(), static_cast<long long>(source.rows()),
                    static_cast<long long>(source.dim()), source.folder().c_str(),
                    smallest.key.c_str(), format_memory(smallest.bytes).c_str());
    }
    plan.key = keys.front();
  }
  if (options.make_direct_map) {
    CLIPRET_CHECK(key_needs_training(plan.key), InvalidInput,
                  "--make_direct_map needs an IVF index, and %s is not one", plan.key.c_str());
  }
  plan.memory = plan_build_memory({plan.key, source.rows(), source.dim(), plan.current_memory_bytes,
                                   options.make_direct_map, plan.inner_product});
  return plan;
}

BuiltIndex build_index(const IndexOptions& options, const EmbeddingSource& source,
                       const IndexPlan& plan, const std::string& index_path,
                       const std::string& infos_path, const IndexEnvironment& env) {
  const auto start = std::chrono::steady_clock::now();
  BuiltIndex built{index_path, infos_path, plan.key, ""};
  log_build_plan(source, plan);

  // Train (rank 0) and add (every rank its share).
  std::optional<PopulatedIndex> populated = populate_index(source, plan, index_path, env, start);
  if (!populated) return built;  // another rank: its part is published, rank 0 goes on
  // The add batches (and merged parts) are freed; without this the binary's allocator policy
  // keeps them resident while tuning and exact search allocate on other threads (50 MB over a
  // 700M budget at 200k x HNSW32).
  core::return_freed_memory();
  faiss::Index* index = populated->index.get();
  if (options.make_direct_map) make_ivf_direct_map(index);

  // Tune on queries drawn from the data, unless the parameters are forced.
  const auto tune_start = std::chrono::steady_clock::now();
  const QuerySample queries = draw_queries(source, env.seed);
  built.param = choose_index_param(index, options, plan.key, queries);
  const double tune_seconds = core::seconds_since(tune_start);
  log_peak("tuning");

  // Write the index (its file size is the "size in bytes"), then measure it.
  core::AtomicFile index_file(index_path);  // removed if anything below fails
  write_index_file(*index, index_file.path());
  const IndexReport report =
      measure_index(index, index_file.path(), source, plan, queries.rows.data(), queries.count);
  const BuildTimings timings{.train = populated->train_seconds,
                             .add = populated->add_seconds,
                             .tune = tune_seconds,
                             .build = core::seconds_since(start)};
  core::write_file_atomically(
      infos_path, index_infos_json(*index, plan, built, report, timings, env.world_size));
  index_file.commit();
  CLIPRET_LOG_INFO("%s: %s with %s, recall@10 %.3f, %.2f ms per query", index_path.c_str(),
                   plan.key.c_str(), built.param.empty() ? "no parameters" : built.param.c_str(),
                   report.recall(10), report.latency.median_ms);
  return built;
}

}  // namespace clipret::index
