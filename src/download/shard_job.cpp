#include "download/shard_job.h"

#include <chrono>
#include <condition_variable>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <vector>

#include "core/log.h"
#include "download/content_hash.h"
#include "download/exif_tags.h"
#include "download/shard_writer.h"
#include "parquet/column.h"

namespace clipret::download {
namespace {

namespace fs = std::filesystem;

std::optional<std::string> string_value(const parquet::Column& column, size_t row) {
  if (column.is_null(row)) return std::nullopt;
  return std::string(column.bytes_at(row));
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

}  // namespace

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

bool stopping(const std::atomic<bool>* stop) {
  return stop != nullptr && stop->load(std::memory_order_relaxed);
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

}  // namespace clipret::download
