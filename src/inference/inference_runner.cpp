#include "inference/inference_runner.h"

#include <chrono>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>

#include "core/error.h"
#include "core/log.h"
#include "core/progress_bar.h"
#include "data/partitioning.h"
#include "hub/clip_loader.h"
#include "hub/mclip_loader.h"
#include "inference/batch_embedder.h"
#include "inference/input_plan.h"
#include "inference/sample_preparer.h"
#include "inference/stats_file.h"
#include "inference/summary.h"
#include "inference/task_split.h"

namespace clipret::inference {
namespace {

constexpr auto kWaitForRanksPoll = std::chrono::seconds(5);

std::vector<int64_t> tasks_for(const InferenceOptions& options, const InferencePlan& plan,
                               const core::LaunchEnvironment& rank) {
  if (options.distribution_strategy == "mpi") {
    return tasks_of_rank(plan.partition_count, rank.rank, rank.world_size);
  }
  std::vector<int64_t> all;
  for (int64_t p = 0; p < plan.partition_count; ++p) all.push_back(p);
  return all;
}

// Rank 0 of a distributed run waits for every partition's stats file and sums them; a failure
// marker of another rank written since `run_start` ends the wait with that rank's error.
PartitionStats wait_for_all_partitions(const std::string& output_folder, int64_t partitions,
                                       double run_start) {
  while (true) {
    if (auto failure = find_rank_failure(output_folder, run_start)) {
      CLIPRET_THROW(Io, "another rank failed, so the job cannot complete: %s", failure->c_str());
    }
    PartitionStats totals;
    int64_t finished = 0;
    for (int64_t p = 0; p < partitions; ++p) {
      if (auto stats = read_stats_file(output_folder, p)) {
        totals.add(*stats);
        ++finished;
      }
    }
    if (finished == partitions) return totals;
    CLIPRET_LOG_INFO("waiting for the other ranks: %lld/%lld partitions done, sample_count %zu",
                     static_cast<long long>(finished), static_cast<long long>(partitions),
                     totals.samples);
    std::this_thread::sleep_for(kWaitForRanksPoll);
  }
}

}  // namespace

// Loads the model and computes `pending` (this rank's partitions not yet complete).
static void run_pending_partitions(const InferenceOptions& options, const InferencePlan& plan,
                                   const InferenceEnvironment& environment,
                                   const std::vector<int64_t>& pending, InferenceSummary& summary);

InferenceSummary run_inference(const InferenceOptions& options,
                               const InferenceEnvironment& environment) {
  const InferencePlan plan = plan_inference(options);
  const core::LaunchEnvironment& rank = environment.rank;
  InferenceSummary summary;
  summary.partitions = plan.partition_count;

  std::vector<int64_t> pending;
  for (int64_t p : tasks_for(options, plan, rank)) {
    if (read_stats_file(options.output_folder, p)) {
      ++summary.partitions_resumed;
    } else {
      pending.push_back(p);
    }
  }
  if (summary.partitions_resumed > 0) {
    CLIPRET_LOG_INFO("%lld partition(s) already complete in %s: skipping them (resume)",
                     static_cast<long long>(summary.partitions_resumed),
                     options.output_folder.c_str());
  }

  const bool distributed = options.distribution_strategy == "mpi" && rank.world_size > 1;
  const double run_start =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count() -
      1.0;  // file times have coarser resolution than the clock
  if (distributed) clear_rank_failure(options.output_folder, rank.rank);
  try {
    run_pending_partitions(options, plan, environment, pending, summary);
  } catch (const std::exception& e) {
    if (distributed) write_rank_failure(options.output_folder, rank.rank, e.what());
    throw;
  }

  if (distributed) {
    if (rank.rank != 0) return summary;
    summary.totals =
        wait_for_all_partitions(options.output_folder, plan.partition_count, run_start);
  }
  log_summary(summary.totals, summary.partitions_run, summary.partitions_resumed);
  return summary;
}

static void run_pending_partitions(const InferenceOptions& options, const InferencePlan& plan,
                                   const InferenceEnvironment& environment,
                                   const std::vector<int64_t>& pending, InferenceSummary& summary) {
  if (!pending.empty()) {
    // Without captions for CLIP's text tower (no text, or --use_mclip), no tokenizer to load.
    const bool clip_text = plan.enable_text && !options.use_mclip;
    hub::LoadedClip clip =
        hub::load_clip(options.clip_model, environment.hub, environment.model, clip_text);
    // --use_mclip: captions go through the multilingual model instead of CLIP's text tower.
    std::optional<hub::LoadedMclip> mclip;
    if (options.use_mclip && plan.enable_text) {
      const model::SentenceEncoderOptions mclip_options =
          model::sentence_encoder_options_like(environment.model, environment.model.max_batch);
      mclip = hub::load_mclip(options.mclip_model, "mclip_model", environment.hub, mclip_options);
    } else if (options.use_mclip) {
      CLIPRET_LOG_WARN("--use_mclip has no effect with --enable_text False");
    }
    const SourceParts parts{plan.enable_image, plan.enable_text, plan.enable_metadata};
    const SamplePreparer preparer(parts, clip.tokenizer ? &*clip.tokenizer : nullptr,
                                  clip.preprocess, mclip ? mclip->tokenizer.get() : nullptr);
    const EmbeddingModels models{&clip.model, mclip ? &mclip->model : nullptr};
    const PipelineOptions pipeline{static_cast<size_t>(options.batch_size),
                                   static_cast<size_t>(options.num_prepro_workers), 0};
    const auto P = static_cast<size_t>(plan.partition_count);

    uint64_t expected = 0;
    for (int64_t p : pending) {
      expected += plan.webdataset
                      ? data::partition_indices(plan.shards.size(), p, P).size() *
                            static_cast<uint64_t>(options.wds_number_file_per_input_file)
                      : data::partition_indices(plan.files.size(), p, P).size();
    }
    core::ProgressBar progress({.label = "inference",
                                .unit = "samples",
                                .total = plan.webdataset ? 0 : expected,
                                .enabled = environment.show_progress});
    for (int64_t p : pending) {
      size_t broken_shards = 0;
      std::unique_ptr<SampleSource> source;
      if (plan.webdataset) {
        source = make_webdataset_source(data::take_partition(plan.shards, p, P), parts,
                                        options.wds_image_key, options.wds_caption_key,
                                        [&](const std::string& message) {
                                          ++broken_shards;
                                          CLIPRET_LOG_WARN("broken shard: %s", message.c_str());
                                        });
      } else {
        source = make_files_source(data::take_partition(plan.files, p, P), parts);
      }
      const data::PartitionWriterOptions writer{options.output_folder, p,
                                                plan.partition_count,  plan.enable_image,
                                                plan.enable_text,      plan.enable_metadata};
      PartitionStats stats = run_partition(*source, preparer, models, writer, pipeline, &progress);
      stats.broken_shards = broken_shards;
      write_stats_file(options.output_folder, p, stats);
      CLIPRET_LOG_DEBUG("partition %lld: %zu samples, %zu skipped", static_cast<long long>(p),
                        stats.samples, stats.skipped_total());
      summary.totals.add(stats);
      ++summary.partitions_run;
    }
    progress.finish();
  }
}

}  // namespace clipret::inference
