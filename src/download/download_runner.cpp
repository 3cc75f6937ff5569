#include "download/download_runner.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "core/compute_threads.h"
#include "core/error.h"
#include "core/launch_environment.h"
#include "core/log.h"
#include "core/progress_bar.h"
#include "download/fetcher.h"
#include "download/image_resizer.h"
#include "download/run_tally.h"
#include "download/shard_job.h"
#include "download/url_list_reader.h"
#include "download/worker_pool.h"

namespace clipret::download {
namespace {

namespace fs = std::filesystem;

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
  // The cores this process may run on (its affinity mask, as taskset and containers set it).
  const auto worker_count = static_cast<size_t>(core::available_cores());
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
  // One rank's share is not known ahead (shards are cut as the input is read): a total only
  // when this process does every shard.
  const std::optional<int64_t> total_rows =
      launch.world_size == 1 ? reader.total_rows() : std::nullopt;
  auto next_shard = [&]() -> std::optional<InputShard> {
    std::lock_guard<std::mutex> lock(reader_mutex);
    if (stopping(stop)) return std::nullopt;
    std::optional<InputShard> shard = reader.next([&](int64_t id) {
      const bool skipped = done.count(id) > 0;
      if (skipped) ++summary.shards_skipped;
      return skipped || id % launch.world_size != launch.rank;
    });
    // The bar's total: the rows left to download (those of done shards are not).
    if (total_rows) bar.set_total(static_cast<uint64_t>(*total_rows - reader.skipped_rows()));
    return shard;
  };
  std::map<int64_t, ErrorKind> last_failure_kind;  // by shard id, under reader_mutex
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
      last_failure_kind[shard.shard_id] = e.kind();
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
  for (const InputShard& shard : failed) {
    if (last_failure_kind[shard.shard_id] == ErrorKind::kIo) ++summary.shards_failed_io;
  }
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
