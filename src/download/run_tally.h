// download/run_tally.h: the counts of a download run shared by the shards in flight: the
// progress bar's count and success rate, the early warning when most samples fail (naming the
// most frequent messages, img2dataset's issue #223), and the summary's totals.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "core/progress_bar.h"
#include "download/download_runner.h"

namespace clipret::download {

class RunTally {
 public:
  explicit RunTally(core::ProgressBar& bar) : bar_(bar) {}

  // Thread-safe: counts one sample's outcome (`message`: its error; none for a success).
  void record(const std::string& status, const std::optional<std::string>& message);

  // Copies the counts and the status dictionary into `summary`.
  void add_to(DownloadSummary& summary) const;

  // The most frequent failure messages, "'msg' (n), ...".
  std::string top_failures(size_t how_many) const;

 private:
  std::string top_failures_locked(size_t how_many) const;
  void warn_if_failing_locked();

  core::ProgressBar& bar_;
  mutable std::mutex mutex_;
  int64_t count_ = 0, successes_ = 0, failed_to_download_ = 0, failed_to_resize_ = 0;
  int64_t window_start_count_ = 0, window_start_successes_ = 0;
  bool warned_ = false;
  std::map<std::string, int64_t> status_dict_;
};

}  // namespace clipret::download
