#include "back/metrics.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "core/json_text.h"

namespace clipret::back {

std::string python_float(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  std::string text;
  core::append_python_float(value, text);
  return text;
}

Histogram::Histogram(std::string name, std::string help)
    : name_(std::move(name)),
      help_(std::move(help)),
      created_(std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
                   .count()) {}

void Histogram::observe(double seconds) {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t bucket = 0;
  while (bucket < kDefaultBuckets.size() && seconds > kDefaultBuckets[bucket]) ++bucket;
  ++buckets_[bucket];
  ++count_;
  sum_ += seconds;
}

uint64_t Histogram::count() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return count_;
}

double Histogram::sum() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return sum_;
}

void Histogram::write_exposition(std::string& out) const {
  std::lock_guard<std::mutex> lock(mutex_);
  out += "# HELP " + name_ + " " + help_ + "\n";
  out += "# TYPE " + name_ + " histogram\n";
  uint64_t cumulative = 0;
  for (size_t b = 0; b <= kDefaultBuckets.size(); ++b) {
    cumulative += buckets_[b];
    const std::string le =
        b < kDefaultBuckets.size() ? python_float(kDefaultBuckets[b]) : std::string("+Inf");
    out += name_ + "_bucket{le=\"" + le + "\"} " + python_float(static_cast<double>(cumulative)) +
           "\n";
  }
  out += name_ + "_count " + python_float(static_cast<double>(count_)) + "\n";
  out += name_ + "_sum " + python_float(sum_) + "\n";
  out += "# HELP " + name_ + "_created " + help_ + "\n";
  out += "# TYPE " + name_ + "_created gauge\n";
  out += name_ + "_created " + python_float(created_) + "\n";
}

BackMetrics::BackMetrics()
    : full_knn_request_time("full_knn_request_time", "Time spent processing knn request"),
      download_time("download_time", "Time spent downloading an url"),
      text_clip_inference_time("text_clip_inference_time",
                               "Time spent doing a text clip inference"),
      image_clip_inference_time("image_clip_inference_time",
                                "Time spent doing a image clip inference"),
      metadata_get_time("metadata_get_time", "Time spent retrieving metadata"),
      knn_index_time("knn_index_time", "Time spent doing a knn on the index"),
      dedup_time("dedup_time", "Time spent deduping"),
      safety_time("safety_time", "Time spent doing a safety inference"),
      image_prepro_time("image_prepro_time", "Time spent doing the image preprocessing"),
      text_prepro_time("text_prepro_time", "Time spent doing the text preprocessing") {}

void BackMetrics::record(double full_seconds, const search::QueryTimings& t) {
  full_knn_request_time.observe(full_seconds);
  const auto observe = [](Histogram& h, const std::optional<double>& v) {
    if (v) h.observe(*v);
  };
  observe(download_time, t.download);
  observe(text_clip_inference_time, t.text_inference);
  observe(image_clip_inference_time, t.image_inference);
  observe(metadata_get_time, t.metadata);
  observe(knn_index_time, t.knn);
  observe(dedup_time, t.dedup);
  observe(safety_time, t.safety);
  observe(image_prepro_time, t.image_prepro);
  observe(text_prepro_time, t.text_prepro);
}

std::vector<const Histogram*> BackMetrics::steps() const {
  return {&download_time,     &text_clip_inference_time, &image_clip_inference_time,
          &metadata_get_time, &knn_index_time,           &dedup_time,
          &safety_time,       &image_prepro_time,        &text_prepro_time};
}

std::string BackMetrics::prometheus_text() const {
  std::string out;
  full_knn_request_time.write_exposition(out);
  for (const Histogram* h : steps()) h->write_exposition(out);
  return out;
}

std::string BackMetrics::summary_text() const {
  const uint64_t count = full_knn_request_time.count();
  if (count == 0) return "No request yet, go do some";
  const double full_average = full_knn_request_time.sum() / static_cast<double>(count);
  char line[256];
  std::snprintf(line, sizeof(line),
                "Among %llu calls to the knn end point with an average latency of %0.4fs per "
                "request, the step costs are (in order): \n\n",
                static_cast<unsigned long long>(count), full_average);
  std::string out = line;

  // A pandas DataFrame.to_string() of (name, description, calls, average, proportion), sorted by
  // average descending: right-aligned columns two spaces apart, the original row number first.
  struct Row {
    size_t position;
    double average;
    std::vector<std::string> cells;
  };
  std::vector<Row> rows;
  const std::vector<const Histogram*> histograms = steps();
  for (size_t i = 0; i < histograms.size(); ++i) {
    const Histogram& h = *histograms[i];
    const uint64_t calls = h.count();
    const double average = calls == 0 ? 0.0 : h.sum() / static_cast<double>(calls);
    char average_text[64];
    char proportion_text[64];
    std::snprintf(average_text, sizeof(average_text), "%0.4fs", average);
    std::snprintf(proportion_text, sizeof(proportion_text), "%0.1f%%",
                  full_average > 0 ? average / full_average * 100 : 0.0);
    rows.push_back(
        {i, average, {h.name(), h.help(), std::to_string(calls), average_text, proportion_text}});
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const Row& a, const Row& b) { return a.average > b.average; });
  const std::vector<std::string> headers = {"name", "description", "calls", "average",
                                            "proportion"};
  std::vector<size_t> widths;
  for (size_t c = 0; c < headers.size(); ++c) {
    size_t w = headers[c].size();
    for (const Row& r : rows) w = std::max(w, r.cells[c].size());
    widths.push_back(w);
  }
  size_t index_width = 1;
  for (const Row& r : rows) index_width = std::max(index_width, std::to_string(r.position).size());
  const auto pad_left = [](const std::string& s, size_t w) {
    return std::string(w > s.size() ? w - s.size() : 0, ' ') + s;
  };
  out += std::string(index_width, ' ');
  for (size_t c = 0; c < headers.size(); ++c) out += "  " + pad_left(headers[c], widths[c]);
  for (const Row& r : rows) {
    std::string index = std::to_string(r.position);
    out += "\n" + index + std::string(index_width - index.size(), ' ');
    for (size_t c = 0; c < headers.size(); ++c) out += "  " + pad_left(r.cells[c], widths[c]);
  }
  return out;
}

}  // namespace clipret::back
