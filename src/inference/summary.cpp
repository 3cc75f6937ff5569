#include "inference/summary.h"

#include "core/error.h"
#include "core/log.h"

namespace clipret::inference {

std::string format_summary(const PartitionStats& t) {
  std::string skipped;
  for (const auto& [reason, count] : t.skipped) {
    skipped += string_printf("%s%s: %zu", skipped.empty() ? " (" : ", ", reason.c_str(), count);
  }
  if (!skipped.empty()) skipped += ")";
  const double rate = t.total_seconds > 0 ? static_cast<double>(t.samples) / t.total_seconds : 0;
  return string_printf(
      "%zu samples written, %zu skipped%s, %zu broken shards, %.1f samples/s; time: read %.2f s, "
      "preprocess %.2f s (summed over workers), model %.2f s, write %.2f s, total %.2f s",
      t.samples, t.skipped_total(), skipped.c_str(), t.broken_shards, rate, t.read_seconds,
      t.preprocess_seconds, t.model_seconds, t.write_seconds, t.total_seconds);
}

void log_summary(const PartitionStats& totals, int64_t partitions_run, int64_t partitions_resumed) {
  CLIPRET_LOG_INFO("inference done: %lld partition(s) computed, %lld resumed; %s",
                   static_cast<long long>(partitions_run),
                   static_cast<long long>(partitions_resumed), format_summary(totals).c_str());
}

}  // namespace clipret::inference
