#include "download/run_tally.h"

#include <algorithm>
#include <cstdio>
#include <utility>
#include <vector>

#include "core/log.h"

namespace clipret::download {

void RunTally::record(const std::string& status, const std::optional<std::string>& message) {
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

void RunTally::add_to(DownloadSummary& summary) const {
  std::lock_guard<std::mutex> lock(mutex_);
  summary.count = count_;
  summary.successes = successes_;
  summary.failed_to_download = failed_to_download_;
  summary.failed_to_resize = failed_to_resize_;
  summary.status_dict = status_dict_;
}

std::string RunTally::top_failures(size_t how_many) const {
  std::lock_guard<std::mutex> lock(mutex_);
  return top_failures_locked(how_many);
}

std::string RunTally::top_failures_locked(size_t how_many) const {
  std::vector<std::pair<int64_t, std::string>> failures;
  for (const auto& [message, count] : status_dict_) {
    if (message != "success") failures.emplace_back(count, message);
  }
  std::sort(failures.begin(), failures.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  std::string out;
  for (size_t i = 0; i < failures.size() && i < how_many; ++i) {
    out += (i ? ", '" : "'") + failures[i].second + "' (" + std::to_string(failures[i].first) + ")";
  }
  return out;
}

// Checks the failure rate over the samples since the last check, every kWindow samples (ten
// times less often once it warned), so a run that starts failing (DNS down, banned) says so
// early, and a run that keeps failing does not flood the log.
void RunTally::warn_if_failing_locked() {
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

}  // namespace clipret::download
