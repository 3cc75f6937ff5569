#include "hub/http_download.h"

#include <cstdio>
#include <filesystem>
#include <memory>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/http_client.h"
#include "core/progress_bar.h"

namespace clipret::hub {
namespace {

constexpr long kMaxRedirects = 10;  // the hub redirects to a CDN; chains stay short

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

std::string transport_error(const std::string& url, const core::HttpResult& result) {
  std::string message = string_printf("%s: download failed: %s", url.c_str(), result.error.c_str());
  if (result.failure == core::HttpFailure::kUnreachable ||
      result.failure == core::HttpFailure::kTimedOut) {
    message +=
        " (offline? point HF_ENDPOINT at a reachable mirror, or download the model folder "
        "yourself and pass its path as --clip_model)";
  }
  return message;
}

}  // namespace

DownloadStatus download_file(const std::string& url, const std::string& destination,
                             const DownloadOptions& options) {
  namespace fs = std::filesystem;
  // A stable name, not temporary_path_for: the next run finds the bytes and resumes from them.
  const std::string part = destination + ".part";
  std::error_code ec;
  fs::create_directories(fs::path(destination).parent_path(), ec);
  CLIPRET_CHECK(!ec, Io, "%s: cannot create the folder: %s", destination.c_str(),
                ec.message().c_str());
  const uint64_t resume_from = fs::exists(part, ec) ? fs::file_size(part, ec) : 0;

  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(part.c_str(), resume_from ? "ab" : "wb"));
  CLIPRET_CHECK(file != nullptr, Io, "%s: cannot write", part.c_str());

  core::HttpRequestOptions request;
  request.connect_timeout_seconds = options.connect_timeout_seconds;
  request.stall_timeout_seconds = options.stall_timeout_seconds;
  request.max_redirects = kMaxRedirects;
  request.resume_from = resume_from;
  if (!options.token.empty()) {
    std::string authorization = "Authorization: Bearer ";
    authorization += options.token;  // not `literal + string`: g++ 12 warns falsely (-Wrestrict)
    request.headers.push_back(std::move(authorization));
  }
  request.sink = [&file](std::string_view chunk) {
    return std::fwrite(chunk.data(), 1, chunk.size(), file.get()) == chunk.size();
  };
  // The bar appears with the first byte of the file, so a 404 or a complete .part shows none.
  std::unique_ptr<core::ProgressBar> bar;
  uint64_t shown = 0;
  if (options.show_progress) {
    request.progress = [&](uint64_t delivered, uint64_t expected) {
      if (!bar) {
        bar = std::make_unique<core::ProgressBar>(
            core::ProgressBarOptions{.label = options.progress_label,
                                     .unit = "B",
                                     .total = expected > 0 ? expected + resume_from : 0});
        bar->add(resume_from);
      }
      bar->add(delivered - shown);
      shown = delivered;
    };
  }

  const core::HttpResult result = core::http_get(url, request);
  if (bar) bar->finish();
  const bool flushed = std::fflush(file.get()) == 0;
  file.reset();

  if (result.status == 416 && resume_from > 0) {
    // The .part already holds every byte (an earlier run died before the rename).
    core::rename_into_place(part, destination);
    return DownloadStatus::kDone;
  }
  if (result.status == 404) {
    fs::remove(part, ec);
    return DownloadStatus::kNotFound;
  }
  CLIPRET_CHECK(result.failure != core::HttpFailure::kSinkFailed, Io,
                "%s: writing failed (disk full?)", part.c_str());
  CLIPRET_CHECK(result.completed(), Io, "%s", transport_error(url, result).c_str());
  CLIPRET_CHECK(result.status == 200 || result.status == 206, Io,
                "%s: the server answered HTTP %ld", url.c_str(), result.status);
  CLIPRET_CHECK(flushed, Io, "%s: writing failed (disk full?)", part.c_str());
  if (result.status == 200 && resume_from > 0) {
    // The server ignored the Range request and sent the whole file after the old bytes: start over.
    fs::remove(part, ec);
    return download_file(url, destination, options);
  }
  core::rename_into_place(part, destination);
  return DownloadStatus::kDone;
}

}  // namespace clipret::hub
