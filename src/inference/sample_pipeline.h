// inference/sample_pipeline.h: the threads of run_partition between a SampleSource and a
// BatchEmbedder, and what they share.
//
//   read() ──work──▶ prepare() × workers ──done──▶ reorder_into() ──▶ embedder
//
// run_partition runs read() on a reader thread, prepare() on each preprocessing worker and
// reorder_into() on its own thread. read() takes one of `max_in_flight` slots per sample and
// reorder_into() gives it back once the sample left, which bounds memory. With 0 workers read()
// prepares the samples itself. A stage that throws keeps its exception if it is the first and
// aborts the others (queues closed, slots released), so no thread stays blocked; once all are
// joined, rethrow_first_error() throws it.
#pragma once

#include <atomic>
#include <cstddef>
#include <exception>
#include <map>
#include <mutex>
#include <semaphore>
#include <string>

#include "core/blocking_queue.h"
#include "inference/sample_preparer.h"
#include "inference/sample_source.h"

namespace clipret::core {
class ProgressBar;
}

namespace clipret::inference {

class BatchEmbedder;

class SamplePipeline {
 public:
  // `workers` threads will run prepare(); 0 = read() prepares.
  SamplePipeline(size_t workers, size_t max_in_flight);
  SamplePipeline(const SamplePipeline&) = delete;
  SamplePipeline& operator=(const SamplePipeline&) = delete;

  // The reader thread: numbers the samples of `source` in input order and hands them on.
  void read(SampleSource& source, const SamplePreparer& preparer);

  // One preprocessing worker: decodes, preprocesses and tokenizes until the reader is done.
  void prepare(const SamplePreparer& preparer);

  // The calling thread: puts prepared samples back in input order and gives each usable one to
  // `embedder`; skipped ones are counted in `skipped` (reason → count) and logged, the first
  // few as warnings. `progress` (optional) counts samples.
  void reorder_into(BatchEmbedder& embedder, std::map<std::string, size_t>& skipped,
                    core::ProgressBar* progress);

  // After every thread is joined: rethrows the first exception of any stage, if any.
  void rethrow_first_error();

  // After every thread is joined: seconds in the source (reader), and preparing (summed).
  double read_seconds() const { return read_seconds_; }
  double preprocess_seconds() const { return preprocess_seconds_; }

 private:
  struct Work {
    size_t seq;
    RawSample raw;
  };
  struct Done {
    size_t seq;
    PreparedSample sample;
  };

  // Keeps the current exception if it is the first, then aborts every stage.
  void fail();
  void abort_all();
  void add_seconds(double reading, double preparing);

  const size_t workers_;
  const size_t max_in_flight_;
  std::counting_semaphore<> slots_;
  core::BlockingQueue<Work> work_;
  core::BlockingQueue<Done> done_;
  std::atomic<bool> stop_{false};
  std::atomic<size_t> workers_left_;
  std::mutex error_mutex_;
  std::exception_ptr first_error_;  // the others are consequences
  std::mutex timing_mutex_;
  double read_seconds_ = 0;
  double preprocess_seconds_ = 0;
};

}  // namespace clipret::inference
