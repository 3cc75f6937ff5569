#include "inference/partition_runner.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstring>
#include <exception>
#include <mutex>
#include <semaphore>
#include <thread>
#include <vector>

#include "core/blocking_queue.h"
#include "core/log.h"
#include "core/progress_bar.h"
#include "core/stopwatch.h"
#include "inference/batch_embedder.h"
#include "inference/sample_preparer.h"

namespace clipret::inference {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kSkipsLoggedAsWarnings = 10;

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

struct Work {
  size_t seq;
  RawSample raw;
};
struct Done {
  size_t seq;
  PreparedSample sample;
};

// The first exception of any thread; the others are consequences.
class FirstError {
 public:
  void set(std::exception_ptr error) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!error_) error_ = error;
  }
  std::exception_ptr get() {
    std::lock_guard<std::mutex> lock(mutex_);
    return error_;
  }

 private:
  std::mutex mutex_;
  std::exception_ptr error_;
};

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
                             model::ClipModel& model,
                             const data::PartitionWriterOptions& writer_options,
                             const PipelineOptions& options, core::ProgressBar* progress) {
  PartitionStats stats;
  stats.start_time = unix_now();
  const auto start = Clock::now();
  const size_t workers = options.workers;
  const size_t max_in_flight = options.max_in_flight > 0
                                   ? options.max_in_flight
                                   : 2 * options.batch_size + 4 * std::max<size_t>(workers, 1);

  data::PartitionWriter writer(writer_options);
  BatchEmbedder embedder(model, writer, writer_options, options.batch_size);

  std::counting_semaphore<> slots(static_cast<std::ptrdiff_t>(max_in_flight));
  core::BlockingQueue<Work> work;
  core::BlockingQueue<Done> done;
  std::atomic<bool> stop{false};
  FirstError first_error;
  std::mutex timing_mutex;
  double read_seconds = 0;
  double preprocess_seconds = 0;
  std::atomic<size_t> workers_left{workers};

  auto abort_all = [&] {
    stop = true;
    work.close();
    done.close();
    slots.release(static_cast<std::ptrdiff_t>(max_in_flight));
  };

  std::thread reader([&] {
    try {
      double reading = 0;
      double preparing = 0;
      for (size_t seq = 0;; ++seq) {
        slots.acquire();
        if (stop) break;
        const auto t0 = Clock::now();
        std::optional<RawSample> raw = source.next();
        reading += core::seconds_since(t0);
        if (!raw) break;
        if (workers == 0) {
          const auto t1 = Clock::now();
          PreparedSample prepared = preparer.prepare(std::move(*raw));
          preparing += core::seconds_since(t1);
          done.push({seq, std::move(prepared)});
        } else {
          work.push({seq, std::move(*raw)});
        }
      }
      std::lock_guard<std::mutex> lock(timing_mutex);
      read_seconds += reading;
      preprocess_seconds += preparing;
    } catch (...) {
      first_error.set(std::current_exception());
      abort_all();
    }
    work.close();
    if (workers == 0) done.close();
  });

  std::vector<std::thread> pool;
  for (size_t w = 0; w < workers; ++w) {
    pool.emplace_back([&] {
      double preparing = 0;
      try {
        while (std::optional<Work> item = work.pop()) {
          const auto t0 = Clock::now();
          PreparedSample prepared = preparer.prepare(std::move(item->raw));
          preparing += core::seconds_since(t0);
          if (!done.push({item->seq, std::move(prepared)})) break;
        }
      } catch (...) {
        first_error.set(std::current_exception());
        abort_all();
      }
      {
        std::lock_guard<std::mutex> lock(timing_mutex);
        preprocess_seconds += preparing;
      }
      if (workers_left.fetch_sub(1) == 1) done.close();
    });
  }

  // Put samples back in input order, then batch, embed and write them.
  std::map<size_t, PreparedSample> pending;
  size_t next = 0;
  size_t skips_logged = 0;
  try {
    while (std::optional<Done> item = done.pop()) {
      pending.emplace(item->seq, std::move(item->sample));
      for (auto it = pending.find(next); it != pending.end(); it = pending.find(next)) {
        PreparedSample sample = std::move(it->second);
        pending.erase(it);
        ++next;
        if (!sample.skip_reason.empty()) {
          ++stats.skipped[sample.skip_reason];
          const bool loud = skips_logged++ < kSkipsLoggedAsWarnings;
          CLIPRET_LOG(loud ? core::LogLevel::kWarn : core::LogLevel::kDebug, "skipped %s: %s%s%s",
                      sample.image_path.c_str(), sample.skip_reason.c_str(),
                      sample.skip_detail.empty() ? "" : ": ", sample.skip_detail.c_str());
        } else {
          embedder.add(std::move(sample));
        }
        slots.release();
        if (progress != nullptr) progress->add(1);
      }
    }
  } catch (...) {
    first_error.set(std::current_exception());
    abort_all();
  }
  reader.join();
  for (auto& thread : pool) thread.join();
  if (std::exception_ptr error = first_error.get()) std::rethrow_exception(error);

  embedder.flush();
  const auto finish_start = Clock::now();
  writer.finish();
  stats.samples = writer.rows();
  stats.read_seconds = read_seconds;
  stats.preprocess_seconds = preprocess_seconds;
  stats.model_seconds = embedder.model_seconds();
  stats.write_seconds = embedder.write_seconds() + core::seconds_since(finish_start);
  stats.total_seconds = core::seconds_since(start);
  stats.end_time = unix_now();
  return stats;
}

}  // namespace clipret::inference
