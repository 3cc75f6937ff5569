#include "index/index_builder.h"

#include <faiss/Index.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/log.h"
#include "core/process_memory.h"
#include "core/stopwatch.h"
#include "index/distributed_build.h"
#include "index/embedding_source.h"
#include "index/faiss_index.h"
#include "index/index_key.h"
#include "index/index_merge.h"
#include "index/index_metrics.h"
#include "index/index_selection.h"
#include "index/index_trainer.h"
#include "index/index_tuning.h"
#include "index/memory_string.h"

namespace clipret::index {

namespace fs = std::filesystem;

namespace {

constexpr int64_t kQueryRows = 1000;  // tuning and metric queries drawn from the data
constexpr int64_t kRecallK = 100;     // recall@1/10/100
constexpr int64_t kLatencySearches = 2000;
constexpr double kLatencySeconds = 10.0;
constexpr uint64_t kQuerySeedOffset = 1;  // queries and training sample differ

// Peak resident memory of this process so far (VmHWM), 0 when unknown.
int64_t peak_rss_bytes() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stoll(line.substr(6)) * 1024;
  }
  return 0;
}

void log_peak(const char* stage) {
  CLIPRET_LOG_DEBUG("peak resident memory after %s: %s", stage,
                    format_memory(static_cast<uint64_t>(peak_rss_bytes())).c_str());
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
  const bool distributed = env.world_size > 1;
  CLIPRET_LOG_INFO("%s: %lld vectors of dimension %lld -> %s (estimated %s, peak memory %s)",
                   source.folder().c_str(), static_cast<long long>(source.rows()),
                   static_cast<long long>(source.dim()), plan.key.c_str(),
                   plan.memory.index_bytes < 0
                       ? "unknown size"
                       : format_memory(static_cast<uint64_t>(plan.memory.index_bytes)).c_str(),
                   format_memory(static_cast<uint64_t>(plan.memory.peak_bytes())).c_str());

  // Train (rank 0) and add (every rank its share).
  IndexPtr index;
  double train_seconds = 0;
  double add_seconds = 0;
  AddOptions add{.batch_rows = plan.memory.add_batch_rows,
                 .with_global_ids = distributed,
                 .show_progress = env.show_progress,
                 .label = "adding " + fs::path(index_path).filename().string()};
  if (!distributed) {
    index = train_new_index(source, plan.key, plan.inner_product, plan.memory.train_rows, env.seed);
    train_seconds = core::seconds_since(start);
    log_peak("training");
    reserve_index_storage(index.get(), source.rows());
    add_embeddings(index.get(), source, 0, source.rows(), add);
    add_seconds = core::seconds_since(start) - train_seconds;
    log_peak("adding");
  } else {
    const BuildRendezvous rendezvous(index_path + ".parts-" + env.run_id, env.rank, env.world_size);
    try {
      if (env.rank == 0) {
        rendezvous.prepare_as_rank0();
        index =
            train_new_index(source, plan.key, plan.inner_product, plan.memory.train_rows, env.seed);
        rendezvous.publish_trained(*index);
        train_seconds = core::seconds_since(start);
      }
      // Every rank, rank 0 included, adds its share to a copy of the published index.
      IndexPtr part = rendezvous.wait_for_trained();
      const auto [begin, end] = rank_rows(source.rows(), env.rank, env.world_size);
      add_embeddings(part.get(), source, begin, end, add);
      rendezvous.publish_part(*part);
      part.reset();
      if (env.rank != 0) return built;
      merge_parts_into(index.get(), rendezvous.wait_for_parts());
      rendezvous.remove();
      add_seconds = core::seconds_since(start) - train_seconds;
    } catch (const std::exception& e) {
      rendezvous.report_failure(e.what());
      throw;
    }
  }
  // The add batches (and merged parts) are freed; without this the binary's allocator policy
  // keeps them resident while tuning and exact search allocate on other threads (50 MB over a
  // 700M budget at 200k x HNSW32).
  core::return_freed_memory();
  if (options.make_direct_map) make_ivf_direct_map(index.get());

  // Tune on queries drawn from the data, unless the parameters are forced.
  const auto tune_start = std::chrono::steady_clock::now();
  const int64_t nq = std::min(kQueryRows, source.rows());
  std::vector<float> queries(static_cast<size_t>(nq * source.dim()));
  source.read_rows_at(source.sample_ids(nq, env.seed + kQuerySeedOffset), queries.data());
  if (options.index_param) {
    built.param = *options.index_param;
    apply_index_param(index.get(), built.param);
  } else {
    apply_index_param(index.get(), default_index_param(plan.key));
    built.param = tune_index_param(
        index.get(), plan.key, queries.data(), nq,
        {options.max_index_query_time_ms, options.min_nearest_neighbors_to_retrieve});
  }
  const double tune_seconds = core::seconds_since(tune_start);
  log_peak("tuning");

  // Write the index (its file size is the "size in bytes"), then measure it.
  core::AtomicFile index_file(index_path);  // removed if anything below fails
  {
    write_index_file(*index, index_file.path());
    const auto size = static_cast<int64_t>(fs::file_size(index_file.path()));
    const int64_t k = std::min(kRecallK, source.rows());
    // The exact search streams within the peak announced above, not the whole budget: a user
    // who sized current_memory_available from that line must not see it exceeded here.
    const uint64_t streaming_memory =
        plan.memory.index_bytes < 0
            ? plan.current_memory_bytes
            : std::min(plan.current_memory_bytes, static_cast<uint64_t>(plan.memory.peak_bytes()));
    const auto truth = exact_neighbors(source, queries.data(), nq, k, plan.inner_product,
                                       streaming_batch_rows(streaming_memory, size, source.dim()));
    std::vector<float> distances(static_cast<size_t>(nq * k));
    std::vector<faiss::Index::idx_t> found(static_cast<size_t>(nq * k));
    run_faiss("search",
              [&] { index->search(nq, queries.data(), k, distances.data(), found.data()); });
    const std::vector<int64_t> found_ids(found.begin(), found.end());
    log_peak("exact search");
    const LatencyStats latency =
        measure_latency(index.get(), queries.data(), nq, kLatencySearches, kLatencySeconds);

    nlohmann::ordered_json infos;
    infos["index_key"] = plan.key;
    infos["index_param"] = built.param;
    infos["index_path"] = index_path;
    infos["size in bytes"] = size;
    infos["avg_search_speed_ms"] = latency.mean_ms;
    infos["99p_search_speed_ms"] = latency.p99_ms;
    infos["reconstruction error %"] = reconstruction_error_percent(*index, queries.data(), nq);
    infos["nb vectors"] = index->ntotal;
    infos["vectors dimension"] = index->d;
    infos["compression ratio"] =
        4.0 * static_cast<double>(index->ntotal) * index->d / static_cast<double>(size);
    infos["median_search_speed_ms"] = latency.median_ms;
    for (int64_t r : {1, 10, 100}) {
      if (r <= k) {
        infos["recall@" + std::to_string(r)] = recall_at(found_ids, truth, nq, k, r);
      }
    }
    infos["recall_queries"] = nq;
    infos["metric_type"] = plan.inner_product ? "ip" : "l2";
    infos["train_vectors"] = plan.memory.train_rows;
    infos["estimated_index_bytes"] = plan.memory.index_bytes;
    infos["estimated_peak_memory_bytes"] = plan.memory.peak_bytes();
    infos["train_time_s"] = train_seconds;
    infos["add_time_s"] = add_seconds;
    infos["tune_time_s"] = tune_seconds;
    infos["build_time_s"] = core::seconds_since(start);
    infos["ranks"] = env.world_size;
    infos["peak_memory_bytes"] = peak_rss_bytes();  // this process (rank 0)
    core::write_file_atomically(infos_path, infos.dump(4) + "\n");
    index_file.commit();
    CLIPRET_LOG_INFO("%s: %s with %s, recall@10 %.3f, %.2f ms per query", index_path.c_str(),
                     plan.key.c_str(), built.param.empty() ? "no parameters" : built.param.c_str(),
                     infos.value("recall@10", 0.0), latency.median_ms);
  }
  return built;
}

}  // namespace clipret::index
