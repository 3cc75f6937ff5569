// hub/http_download.h: one file over HTTP(S) into place, atomically and resumably.
#pragma once

#include <cstdint>
#include <string>

namespace clipret::hub {

struct DownloadOptions {
  std::string token;  // bearer token; empty: no Authorization header
  long connect_timeout_seconds = 20;
  long stall_timeout_seconds = 60;  // abort when under 1 byte/s for this long
  bool show_progress = true;        // progress bar on stderr
  std::string progress_label;       // shown before the bar (e.g. the file name)
};

enum class DownloadStatus {
  kDone,      // `destination` now holds the whole file
  kNotFound,  // the server answered 404: the file does not exist there
};

// Downloads `url` to `destination`. Bytes go to `destination + ".part"`, which a later call
// resumes with a Range request; the final rename makes a complete file appear at once, so an
// interrupted download never leaves a file that looks complete. Throws Error(kIo) naming the
// URL when the server cannot be reached (with a hint about being offline and HF_ENDPOINT),
// answers another error status, or the transfer breaks.
DownloadStatus download_file(const std::string& url, const std::string& destination,
                             const DownloadOptions& options);

}  // namespace clipret::hub
