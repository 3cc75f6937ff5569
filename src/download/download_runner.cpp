#include "download/download_runner.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "core/blocking_queue.h"
#include "core/error.h"
#include "core/launch_environment.h"
#include "core/log.h"
#include "core/progress_bar.h"
#include "download/content_hash.h"
#include "download/exif_tags.h"
#include "download/fetcher.h"
#include "download/image_resizer.h"
#include "download/shard_writer.h"
#include "download/url_list_reader.h"
#include "parquet/column.h"

namespace clipret::download {
namespace {

namespace fs = std::filesystem;

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Shard ids with a "<id>_stats.json" directly in `folder`: the shards a previous run finished
// (img2dataset decides resumption from these files alone).
std::set<int64_t> finished_shards(const fs::path& folder) {
  std::set<int64_t> ids;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const std::string suffix = "_stats.json";
    if (name.size() <= suffix.size() ||
        name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
      continue;
    }
    const std::string digits = name.substr(0, name.size() - suffix.size());
    if (digits.empty() || digits.size() > 18 ||
        !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    ids.insert(std::stoll(digits));
  }
  return ids;
}

// Removes what a killed run left half-written: temporaries of shard files ("00012.tar.tmp-…",
// named by core/atomic_file) directly in `folder`. Their shards have no stats file, so they are
// redone.
void remove_stale_temporaries(const fs::path& folder) {
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    const size_t dot = name.find('.');
    if (dot == 0 || dot == std::string::npos || name.find(".tmp", dot) == std::string::npos ||
        !std::all_of(name.begin(), name.begin() + static_cast<std::ptrdiff_t>(dot),
                     [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    std::error_code remove_error;
    fs::remove_all(it->path(), remove_error);
    if (remove_error) {
      CLIPRET_LOG_WARN("cannot remove the stale temporary %s: %s", it->path().string().c_str(),
                       remove_error.message().c_str());
    }
  }
}

std::optional<std::string> string_value(const parquet::Column& column, size_t row) {
  if (column.is_null(row)) return std::nullopt;
  return std::string(column.bytes_at(row));
}

// Counts shared by the shards in flight, for the bar, the warnings and the summary.
class RunTally {
 public:
  explicit RunTally(core::ProgressBar& bar) : bar_(bar) {}

  void record(const std::string& status, const std::optional<std::string>& message) {
    std::lock_guard<std::mutex> lock(mutex_);
    ++count_;
    if (status == "success") {
      ++successes_;
      ++status_dict_["success"];
    } else {
      ++(status == "failed_to_resize" ? failed_to_resize_ : failed_to_download_);
      ++status_dict_[message.value_or(status)];
    }
    bar_.add();
    if (count_ % 64 == 0 || count_ < 64) {
      char text[48];
      std::snprintf(text, sizeof(text), "success %.1f %%",
                    100.0 * static_cast<double>(successes_) / static_cast<double>(count_));
      bar_.set_postfix(text);
    }
    warn_if_failing_locked();
  }

  void add_to(DownloadSummary& summary) const {
    std::lock_guard<std::mutex> lock(mutex_);
    summary.count = count_;
    summary.successes = successes_;
    summary.failed_to_download = failed_to_download_;
    summary.failed_to_resize = failed_to_resize_;
    summary.status_dict = status_dict_;
  }

  // The most frequent failure messages, "'msg' (n), ..." (img2dataset #223: a low success rate
  // should say why).
  std::string top_failures_locked(size_t how_many) const {
    std::vector<std::pair<int64_t, std::string>> failures;
    for (const auto& [message, count] : status_dict_) {
      if (message != "success") failures.emplace_back(count, message);
    }
    std::sort(failures.begin(), failures.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    std::string out;
    for (size_t i = 0; i < failures.size() && i < how_many; ++i) {
      out +=
          (i ? ", '" : "'") + failures[i].second + "' (" + std::to_string(failures[i].first) + ")";
    }
    return out;
  }

  std::string top_failures(size_t how_many) const {
    std::lock_guard<std::mutex> lock(mutex_);
    return top_failures_locked(how_many);
  }

 private:
  // Warns once the failure rate over the samples since the last check passes a half, checking
  // every kWindow samples, so a run that starts failing (DNS down, banned) says so early.
  void warn_if_failing_locked() {
    constexpr int64_t kWindow = 1000;
    if (count_ - window_start_count_ < (warned_ ? 10 * kWindow : kWindow)) return;
    const int64_t window = count_ - window_start_count_;
    const int64_t window_successes = successes_ - window_start_successes_;
    window_start_count_ = count_;
    window_start_successes_ = successes_;
    const double failure_rate =
        1.0 - static_cast<double>(window_successes) / static_cast<double>(window);
    if (failure_rate <= 0.5) return;
    warned_ = true;
    CLIPRET_LOG_WARN("%.0f %% of the last %lld samples failed; most frequent: %s",
                     100.0 * failure_rate, static_cast<long long>(window),
                     top_failures_locked(3).c_str());
  }

  core::ProgressBar& bar_;
  mutable std::mutex mutex_;
  int64_t count_ = 0, successes_ = 0, failed_to_download_ = 0, failed_to_resize_ = 0;
  int64_t window_start_count_ = 0, window_start_successes_ = 0;
  bool warned_ = false;
  std::map<std::string, int64_t> status_dict_;
};

// Decode/resize/encode workers shared by every shard in flight: img2dataset resizes one image
// at a time per process; here every core works on images as they arrive.
class WorkerPool {
 public:
  // `capacity`: bodies waiting for a worker before the fetch loops wait (img2dataset caps
  // downloaded-but-unprocessed samples at twice its threads).
  WorkerPool(size_t threads, size_t capacity) : queue_(capacity) {
    for (size_t i = 0; i < threads; ++i) {
      workers_.emplace_back([this] {
        while (auto task = queue_.pop()) (*task)();
      });
    }
  }
  ~WorkerPool() {
    queue_.close();
    for (auto& worker : workers_) worker.join();
  }
  // Blocks while the queue is full: the fetch loop then services no transfer (back-pressure
  // bounds the downloaded bytes waiting in memory; the queue is sized so that this happens only
  // when decoding falls far behind, since transfers in flight may reach their deadline meanwhile).
  void submit(std::function<void()> task) { queue_.push(std::move(task)); }

 private:
  core::BlockingQueue<std::function<void()>> queue_;
  std::vector<std::thread> workers_;
};

struct RunContext {
  const DownloadOptions& options;
  const ImageResizer& resizer;
  const FetchOptions fetch;
  WorkerPool& workers;
  RunTally& tally;
  const std::atomic<bool>* stop;
  std::string hash_name;  // compute_hash's type, "" for None
  bool verify = false;
};

bool stopping(const std::atomic<bool>* stop) {
  return stop != nullptr && stop->load(std::memory_order_relaxed);
}

// The work of one downloaded body: verify_hash, resize, EXIF, hash.
SampleResult process_body(const RunContext& run, size_t row, std::string body,
                          const std::optional<std::string>& expected_hash) {
  SampleResult result;
  result.row = row;
  std::optional<std::string> digest;
  if (!run.hash_name.empty()) digest = hex_digest(run.hash_name, body);
  if (run.verify && expected_hash && digest != expected_hash) {
    result.status = "failed_to_download";
    result.error_message = "hash mismatch";
    return result;
  }
  ResizedImage image = run.resizer.process(body);
  if (!image.error.empty()) {
    result.status = "failed_to_resize";
    result.error_message = std::move(image.error);
    return result;
  }
  result.status = "success";
  result.width = image.width;
  result.height = image.height;
  result.original_width = image.original_width;
  result.original_height = image.original_height;
  if (run.options.extract_exif) result.exif = exif_json(body);
  result.hash = std::move(digest);
  result.image = std::move(image.bytes);
  return result;
}

// Downloads one shard and writes it; false when stopped (nothing is closed: the shard has no
// stats file and is redone next time). Throws what the writer throws.
bool run_shard(const RunContext& run, const InputShard& shard) {
  const DownloadOptions& o = run.options;
  const double start_time = unix_now();
  ShardWriterOptions writer_options;
  writer_options.output_folder = o.output_folder;
  writer_options.shard_id = shard.shard_id;
  writer_options.oom_shard_count = o.oom_shard_count;
  writer_options.output_format = o.output_format;
  writer_options.encode_format = o.encode_format;
  writer_options.save_caption = o.caption_col.has_value();
  writer_options.extract_exif = o.extract_exif;
  if (!run.hash_name.empty()) writer_options.hash_name = run.hash_name;
  if (o.output_format == "files") {
    // A shard without stats is redone whole: files of an earlier, killed attempt go first, so
    // none of its samples outlives a different outcome this time.
    std::error_code ec;
    fs::remove_all(fs::path(o.output_folder) / shard_name(shard.shard_id, o.oom_shard_count), ec);
  }
  ShardWriter writer(writer_options, shard.rows, o.number_sample_per_shard);

  const parquet::Column& url_column = shard.rows.column("url");
  const size_t rows = shard.rows.num_rows();
  std::vector<std::string> urls(rows);
  for (size_t i = 0; i < rows; ++i) urls[i] = string_value(url_column, i).value_or("");
  std::vector<std::optional<std::string>> expected(run.verify ? rows : 0);
  if (run.verify) {
    const parquet::Column& hashes = shard.rows.column(run.hash_name);
    for (size_t i = 0; i < rows; ++i) expected[i] = string_value(hashes, i);
  }

  std::mutex mutex;  // guards writer, pending, failure
  std::condition_variable idle;
  size_t pending = 0;
  std::exception_ptr failure;
  auto write = [&](SampleResult result) {
    const std::string status = result.status;
    const std::optional<std::string> message = result.error_message;
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (failure) return;
      try {
        writer.write(std::move(result));
      } catch (...) {
        failure = std::current_exception();
        return;
      }
    }
    run.tally.record(status, message);
  };

  Fetcher fetcher(run.fetch);
  fetcher.fetch_all(
      urls,
      [&](size_t row, FetchResult&& fetched) {
        if (!fetched.ok) {
          SampleResult failed;
          failed.row = row;
          failed.status = "failed_to_download";
          failed.error_message = fetched.error;
          write(std::move(failed));
          return;
        }
        {
          std::lock_guard<std::mutex> lock(mutex);
          ++pending;
        }
        run.workers.submit([&, row, body = std::move(fetched.body)]() mutable {
          std::optional<std::string> hash = run.verify ? expected[row] : std::nullopt;
          SampleResult result;
          try {
            result = process_body(run, row, std::move(body), hash);
          } catch (const std::exception& e) {
            result = SampleResult{};
            result.row = row;
            result.status = "failed_to_resize";
            result.error_message = e.what();
          }
          write(std::move(result));
          std::lock_guard<std::mutex> lock(mutex);
          if (--pending == 0) idle.notify_all();
        });
      },
      run.stop);
  {
    std::unique_lock<std::mutex> lock(mutex);
    idle.wait(lock, [&] { return pending == 0; });
    if (failure) std::rethrow_exception(failure);
  }
  if (stopping(run.stop)) return false;
  writer.close(start_time, unix_now());
  const int64_t successes = writer.successes();
  const double seconds = unix_now() - start_time;
  CLIPRET_LOG_INFO("shard %s: %lld of %zu succeeded (%.1f %%) in %.1f s, %.0f samples/s",
                   shard_name(shard.shard_id, o.oom_shard_count).c_str(),
                   static_cast<long long>(successes), rows,
                   rows ? 100.0 * static_cast<double>(successes) / static_cast<double>(rows) : 0.0,
                   seconds, seconds > 0 ? static_cast<double>(rows) / seconds : 0.0);
  return true;
}

UrlListOptions reader_options(const DownloadOptions& o, int64_t first_shard_id) {
  UrlListOptions r;
  r.url_list = o.url_list;
  r.input_format = o.input_format;
  r.url_col = o.url_col;
  r.caption_col = o.caption_col;
  if (!o.verify_hash.empty()) {
    r.verify_hash_col = o.verify_hash[0];
    r.verify_hash_type = o.verify_hash[1];
  }
  r.save_additional_columns = o.save_additional_columns;
  r.number_sample_per_shard = o.number_sample_per_shard;
  r.first_shard_id = first_shard_id;
  return r;
}

void log_summary(const DownloadSummary& s, const RunTally& tally) {
  const double rate = s.seconds > 0 ? static_cast<double>(s.count) / s.seconds : 0.0;
  auto percent = [&](int64_t n) {
    return s.count ? 100.0 * static_cast<double>(n) / static_cast<double>(s.count) : 0.0;
  };
  CLIPRET_LOG_INFO(
      "download done: %lld samples in %.1f s (%.0f/s): success %lld (%.1f %%), "
      "failed_to_download %lld (%.1f %%), failed_to_resize %lld (%.1f %%); shards: %lld "
      "written, %lld already done, %lld failed",
      static_cast<long long>(s.count), s.seconds, rate, static_cast<long long>(s.successes),
      percent(s.successes), static_cast<long long>(s.failed_to_download),
      percent(s.failed_to_download), static_cast<long long>(s.failed_to_resize),
      percent(s.failed_to_resize), static_cast<long long>(s.shards_done),
      static_cast<long long>(s.shards_skipped), static_cast<long long>(s.shards_failed));
  if (s.successes < s.count) {
    CLIPRET_LOG_INFO("most frequent failures: %s", tally.top_failures(10).c_str());
  }
}

}  // namespace

DownloadSummary run_download(const DownloadOptions& options, const std::atomic<bool>* stop) {
  validate(options);
  const auto started = std::chrono::steady_clock::now();
  if (options.enable_wandb) {
    CLIPRET_LOG_WARN(
        "enable_wandb: Weights & Biases logging is not supported; the progress "
        "bar, the shard lines and <shard>_stats.json carry the same numbers");
  }
  core::LaunchEnvironment launch;
  if (options.distributor == "mpi") launch = core::launch_environment_from_env();
  if (launch.world_size > 1 && options.incremental_mode == "overwrite") {
    CLIPRET_THROW(InvalidInput,
                  "incremental_mode overwrite deletes the output folder, which ranks cannot "
                  "agree on: delete %s before starting, or use incremental",
                  options.output_folder.c_str());
  }

  const fs::path folder = fs::absolute(options.output_folder);
  std::error_code ec;
  if (options.incremental_mode == "overwrite") {
    fs::remove_all(folder, ec);
    if (ec) {
      CLIPRET_THROW(Io, "cannot delete %s (incremental_mode overwrite): %s",
                    folder.string().c_str(), ec.message().c_str());
    }
  }
  fs::create_directories(folder, ec);
  if (ec) {
    CLIPRET_THROW(Io, "cannot create the output folder %s: %s", folder.string().c_str(),
                  ec.message().c_str());
  }
  DownloadOptions o = options;
  o.output_folder = folder.string();
  if (launch.world_size == 1) remove_stale_temporaries(folder);  // ranks may be writing

  const std::set<int64_t> finished = finished_shards(folder);
  int64_t first_shard_id = 0;
  std::set<int64_t> done;
  if (o.incremental_mode == "extend") {
    if (!finished.empty()) first_shard_id = *finished.rbegin() + 1;
  } else if (o.incremental_mode == "incremental") {
    done = finished;
  }
  if (!done.empty()) {
    CLIPRET_LOG_INFO("incremental: %zu shards of %s are done and skipped", done.size(),
                     folder.string().c_str());
  }

  UrlListReader reader(reader_options(o, first_shard_id));
  use_caller_threads_for_opencv();
  const ImageResizer resizer(resize_options(o));
  core::ProgressBar bar({.label = "download", .unit = "samples", .enabled = launch.rank == 0});
  RunTally tally(bar);
  const size_t worker_count = std::max(1u, std::thread::hardware_concurrency());
  WorkerPool workers(worker_count,
                     static_cast<size_t>(2 * o.thread_count * o.processes_count) + worker_count);
  RunContext run{o,
                 resizer,
                 fetch_options(o),
                 workers,
                 tally,
                 stop,
                 o.compute_hash.value_or(""),
                 !o.verify_hash.empty()};

  DownloadSummary summary;
  std::mutex reader_mutex;  // guards reader and the counts below
  std::vector<InputShard> failed;
  auto next_shard = [&]() -> std::optional<InputShard> {
    std::lock_guard<std::mutex> lock(reader_mutex);
    if (stopping(stop)) return std::nullopt;
    return reader.next([&](int64_t id) {
      const bool skipped = done.count(id) > 0;
      if (skipped) ++summary.shards_skipped;
      return skipped || id % launch.world_size != launch.rank;
    });
  };
  auto run_one = [&](InputShard&& shard) {
    try {
      if (run_shard(run, shard)) {
        std::lock_guard<std::mutex> lock(reader_mutex);
        ++summary.shards_done;
      }
    } catch (const Error& e) {
      CLIPRET_LOG_ERROR("shard %s failed: %s",
                        shard_name(shard.shard_id, o.oom_shard_count).c_str(), e.what());
      std::lock_guard<std::mutex> lock(reader_mutex);
      failed.push_back(std::move(shard));
    }
  };

  std::exception_ptr reader_failure;
  std::vector<std::thread> shard_threads;
  for (int64_t t = 0; t < o.processes_count; ++t) {
    shard_threads.emplace_back([&] {
      try {
        while (auto shard = next_shard()) run_one(std::move(*shard));
      } catch (...) {
        std::lock_guard<std::mutex> lock(reader_mutex);
        if (!reader_failure) reader_failure = std::current_exception();
      }
    });
  }
  for (auto& thread : shard_threads) thread.join();
  if (reader_failure) std::rethrow_exception(reader_failure);

  // img2dataset's max_shard_retry: shards that failed as a whole (not per url) run again.
  for (int64_t attempt = 0; attempt < o.max_shard_retry && !failed.empty() && !stopping(stop);
       ++attempt) {
    std::vector<InputShard> retry = std::move(failed);
    failed.clear();
    CLIPRET_LOG_INFO("retrying %zu failed shards (retry %lld of %lld)", retry.size(),
                     static_cast<long long>(attempt + 1),
                     static_cast<long long>(o.max_shard_retry));
    for (InputShard& shard : retry) run_one(std::move(shard));
  }
  bar.finish();
  summary.shards_failed = static_cast<int64_t>(failed.size());
  tally.add_to(summary);
  summary.seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  log_summary(summary, tally);
  if (!failed.empty()) {
    CLIPRET_LOG_WARN(
        "%zu shards failed; run the same command again to redo them (done shards "
        "are kept)",
        failed.size());
  }
  if (stopping(stop)) {
    CLIPRET_LOG_WARN(
        "stopped: shards in progress were abandoned; run the same command again "
        "(incremental) to finish");
  }
  return summary;
}

}  // namespace clipret::download
