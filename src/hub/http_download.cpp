#include "hub/http_download.h"

#include <curl/curl.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/progress_bar.h"

namespace clipret::hub {
namespace {

void ensure_curl_initialised() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlDeleter {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

// State shared with curl's callbacks during one transfer.
struct Transfer {
  std::FILE* file = nullptr;
  long status = 0;  // HTTP status of the final response, set once the body starts
  CURL* curl = nullptr;
  std::unique_ptr<core::ProgressBar> bar;
  const DownloadOptions* options = nullptr;
  uint64_t resumed_from = 0;
  bool write_failed = false;
};

size_t on_body(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  if (t->status == 0) curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &t->status);
  // Error pages are not file content: swallow them without writing.
  if (t->status != 200 && t->status != 206) return size * count;
  if (!t->bar && t->options->show_progress) {
    curl_off_t length = -1;
    curl_easy_getinfo(t->curl, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
    t->bar = std::make_unique<core::ProgressBar>(core::ProgressBarOptions{
        .label = t->options->progress_label,
        .unit = "B",
        .total = length > 0 ? static_cast<uint64_t>(length) + t->resumed_from : 0});
    t->bar->add(t->resumed_from);
  }
  const size_t written = std::fwrite(data, size, count, t->file);
  if (written != count) t->write_failed = true;
  if (t->bar) t->bar->add(written * size);
  return written * size;
}

std::string transport_error(const std::string& url, CURLcode code, const char* detail) {
  std::string message = string_printf("%s: download failed: %s", url.c_str(),
                                      detail[0] != '\0' ? detail : curl_easy_strerror(code));
  if (code == CURLE_COULDNT_RESOLVE_HOST || code == CURLE_COULDNT_CONNECT ||
      code == CURLE_COULDNT_RESOLVE_PROXY || code == CURLE_OPERATION_TIMEDOUT) {
    message +=
        " (offline? point HF_ENDPOINT at a reachable mirror, or download the model folder "
        "yourself and pass its path as --clip_model)";
  }
  return message;
}

}  // namespace

DownloadStatus download_file(const std::string& url, const std::string& destination,
                             const DownloadOptions& options) {
  ensure_curl_initialised();
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
  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  CLIPRET_CHECK(curl != nullptr, Internal, "curl_easy_init failed");
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  if (!options.token.empty()) {
    std::string authorization = "Authorization: Bearer ";
    authorization += options.token;  // not `literal + string`: g++ 12 warns falsely (-Wrestrict)
    headers.reset(curl_slist_append(nullptr, authorization.c_str()));
  }

  Transfer transfer;
  transfer.file = file.get();
  transfer.curl = curl.get();
  transfer.options = &options;
  transfer.resumed_from = resume_from;
  char error_buffer[CURL_ERROR_SIZE] = {0};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(c, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, options.connect_timeout_seconds);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, options.stall_timeout_seconds);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_USERAGENT, "clip-retrieval-cpp/0.1");
  if (headers) curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  if (resume_from > 0) {
    curl_easy_setopt(c, CURLOPT_RESUME_FROM_LARGE, static_cast<curl_off_t>(resume_from));
  }

  const CURLcode code = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (transfer.bar) transfer.bar->finish();
  const bool flushed = std::fflush(file.get()) == 0 && !transfer.write_failed;
  file.reset();

  if (status == 416 && resume_from > 0) {
    // The .part already holds every byte (an earlier run died before the rename).
    core::rename_into_place(part, destination);
    return DownloadStatus::kDone;
  }
  if (status == 404) {
    fs::remove(part, ec);
    return DownloadStatus::kNotFound;
  }
  CLIPRET_CHECK(code == CURLE_OK, Io, "%s", transport_error(url, code, error_buffer).c_str());
  CLIPRET_CHECK(status == 200 || status == 206, Io, "%s: the server answered HTTP %ld", url.c_str(),
                status);
  CLIPRET_CHECK(flushed, Io, "%s: writing failed (disk full?)", part.c_str());
  if (status == 200 && resume_from > 0) {
    // The server ignored the Range request and sent the whole file after the old bytes: start over.
    fs::remove(part, ec);
    return download_file(url, destination, options);
  }
  core::rename_into_place(part, destination);
  return DownloadStatus::kDone;
}

}  // namespace clipret::hub
