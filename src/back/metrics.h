// back/metrics.h: the original's Prometheus histograms (spec §3.9) and /metrics-summary.
//
// Names, help strings and buckets are those of clip_back.py with prometheus_client's defaults,
// so existing dashboards (doc_assets/grafana_dashboard.json) keep working.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "search/knn_query.h"

namespace clipret::back {

// prometheus_client's Histogram.DEFAULT_BUCKETS, +Inf implied.
inline constexpr std::array<double, 14> kDefaultBuckets = {
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0};

class Histogram {
 public:
  Histogram(std::string name, std::string help);
  void observe(double seconds);
  const std::string& name() const { return name_; }
  const std::string& help() const { return help_; }
  uint64_t count() const;
  double sum() const;
  // Appends the exposition lines (HELP/TYPE, _bucket, _count, _sum, then the _created gauge).
  void write_exposition(std::string& out) const;

 private:
  std::string name_;
  std::string help_;
  double created_;  // seconds since the epoch
  mutable std::mutex mutex_;
  std::array<uint64_t, kDefaultBuckets.size() + 1> buckets_{};  // non-cumulative; last = +Inf
  uint64_t count_ = 0;
  double sum_ = 0;
};

class BackMetrics {
 public:
  BackMetrics();
  // Records one /knn-service request: its total time and each step that ran.
  void record(double full_seconds, const search::QueryTimings& timings);
  // Prometheus text exposition format 0.0.4.
  std::string prometheus_text() const;
  // The original's /metrics-summary text.
  std::string summary_text() const;

  Histogram full_knn_request_time;
  Histogram download_time;
  Histogram text_clip_inference_time;
  Histogram image_clip_inference_time;
  Histogram metadata_get_time;
  Histogram knn_index_time;
  Histogram dedup_time;
  Histogram safety_time;
  Histogram image_prepro_time;
  Histogram text_prepro_time;

 private:
  // The nine steps in the original's order (the summary table's row labels).
  std::vector<const Histogram*> steps() const;
};

// Python's repr() of a float as prometheus_client prints values ("0.005", "1.0", "+Inf").
std::string python_float(double value);

}  // namespace clipret::back
