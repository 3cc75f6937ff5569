#include "inference/partition_runner.h"

#include <algorithm>
#include <chrono>
#include <thread>
#include <vector>

#include "core/stopwatch.h"
#include "inference/batch_embedder.h"
#include "inference/sample_pipeline.h"

namespace clipret::inference {
namespace {

using Clock = std::chrono::steady_clock;

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Samples allowed between reader and writer: the option, or enough for two batches and a few
// per worker.
size_t max_in_flight(const PipelineOptions& options) {
  return options.max_in_flight > 0
             ? options.max_in_flight
             : 2 * options.batch_size + 4 * std::max<size_t>(options.workers, 1);
}

}  // namespace

size_t PartitionStats::skipped_total() const {
  size_t total = 0;
  for (const auto& [reason, count] : skipped) total += count;
  return total;
}

void PartitionStats::add(const PartitionStats& o) {
  samples += o.samples;
  for (const auto& [reason, count] : o.skipped) skipped[reason] += count;
  broken_shards += o.broken_shards;
  start_time = start_time == 0 ? o.start_time : std::min(start_time, o.start_time);
  end_time = std::max(end_time, o.end_time);
  read_seconds += o.read_seconds;
  preprocess_seconds += o.preprocess_seconds;
  model_seconds += o.model_seconds;
  write_seconds += o.write_seconds;
  total_seconds += o.total_seconds;
}

PartitionStats run_partition(SampleSource& source, const SamplePreparer& preparer,
                             const EmbeddingModels& models,
                             const data::PartitionWriterOptions& writer_options,
                             const PipelineOptions& options, core::ProgressBar* progress) {
  PartitionStats stats;
  stats.start_time = unix_now();
  const auto start = Clock::now();
  const size_t workers = options.workers;

  data::PartitionWriter writer(writer_options);
  BatchEmbedder embedder(models, writer, writer_options, options.batch_size);

  SamplePipeline pipeline(workers, max_in_flight(options));
  std::thread reader([&] { pipeline.read(source, preparer); });
  std::vector<std::thread> pool;
  for (size_t w = 0; w < workers; ++w) pool.emplace_back([&] { pipeline.prepare(preparer); });
  // Put samples back in input order, then batch, embed and write them.
  pipeline.reorder_into(embedder, stats.skipped, progress);
  reader.join();
  for (auto& thread : pool) thread.join();
  pipeline.rethrow_first_error();

  embedder.flush();
  const auto finish_start = Clock::now();
  writer.finish();
  stats.samples = writer.rows();
  stats.read_seconds = pipeline.read_seconds();
  stats.preprocess_seconds = pipeline.preprocess_seconds();
  stats.model_seconds = embedder.model_seconds();
  stats.write_seconds = embedder.write_seconds() + core::seconds_since(finish_start);
  stats.total_seconds = core::seconds_since(start);
  stats.end_time = unix_now();
  return stats;
}

}  // namespace clipret::inference
