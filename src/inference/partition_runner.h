// inference/partition_runner.h: the embedding pipeline for one partition.
//
//   reader thread ──▶ preprocessing workers ──▶ reorder ──▶ batches ──▶ model ──▶ writer
//
// The reader does I/O, `workers` threads decode, preprocess and tokenize, and the calling thread
// puts samples back in input order, runs the model on full batches while the workers prepare
// the next ones, L2-normalises and writes. At most `max_in_flight` samples exist between reader
// and writer, so memory stays flat for any input size.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "data/partition_writer.h"
#include "inference/sample_source.h"

namespace clipret::core {
class ProgressBar;
}
namespace clipret::inference {

class SamplePreparer;
struct EmbeddingModels;

struct PipelineOptions {
  size_t batch_size = 256;   // samples per model call
  size_t workers = 4;        // preprocessing threads; 0 = on the reader thread
  size_t max_in_flight = 0;  // samples between reader and writer; 0 = 2 × batch + 4 × workers
};

// What one partition did; summed over partitions for the run's summary and stats files.
struct PartitionStats {
  size_t samples = 0;                     // rows written
  std::map<std::string, size_t> skipped;  // reason → count
  size_t broken_shards = 0;
  double start_time = 0;  // unix seconds
  double end_time = 0;
  double read_seconds = 0;        // reader thread inside the source (I/O)
  double preprocess_seconds = 0;  // summed over workers (CPU)
  double model_seconds = 0;       // forward passes + normalisation
  double write_seconds = 0;       // appending to the output files and finishing them
  double total_seconds = 0;

  size_t skipped_total() const;
  void add(const PartitionStats& other);
};

// Runs `source` through the pipeline into a PartitionWriter for `writer_options`, and finishes
// it (files renamed into place). `models` embed; `progress` (optional) counts samples. Broken
// shards are reported by the source's callback, which the caller set up. Rethrows the first
// exception of any stage after stopping the others.
PartitionStats run_partition(SampleSource& source, const SamplePreparer& preparer,
                             const EmbeddingModels& models,
                             const data::PartitionWriterOptions& writer_options,
                             const PipelineOptions& options, core::ProgressBar* progress);

}  // namespace clipret::inference
