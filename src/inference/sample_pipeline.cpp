#include "inference/sample_pipeline.h"

#include <chrono>
#include <optional>
#include <utility>

#include "core/log.h"
#include "core/progress_bar.h"
#include "core/stopwatch.h"
#include "inference/batch_embedder.h"

namespace clipret::inference {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kSkipsLoggedAsWarnings = 10;

// A sample in input order: embedded, or counted and logged when it was skipped.
void embed_or_count(PreparedSample sample, BatchEmbedder& embedder,
                    std::map<std::string, size_t>& skipped, size_t& skips_logged) {
  if (!sample.skip_reason.empty()) {
    ++skipped[sample.skip_reason];
    const bool loud = skips_logged++ < kSkipsLoggedAsWarnings;
    CLIPRET_LOG(loud ? core::LogLevel::kWarn : core::LogLevel::kDebug, "skipped %s: %s%s%s",
                sample.image_path.c_str(), sample.skip_reason.c_str(),
                sample.skip_detail.empty() ? "" : ": ", sample.skip_detail.c_str());
  } else {
    embedder.add(std::move(sample));
  }
}

}  // namespace

SamplePipeline::SamplePipeline(size_t workers, size_t max_in_flight)
    : workers_(workers),
      max_in_flight_(max_in_flight),
      slots_(static_cast<std::ptrdiff_t>(max_in_flight)),
      workers_left_(workers) {}

void SamplePipeline::read(SampleSource& source, const SamplePreparer& preparer) {
  try {
    double reading = 0;
    double preparing = 0;
    for (size_t seq = 0;; ++seq) {
      slots_.acquire();
      if (stop_) break;
      const auto t0 = Clock::now();
      std::optional<RawSample> raw = source.next();
      reading += core::seconds_since(t0);
      if (!raw) break;
      if (workers_ == 0) {
        const auto t1 = Clock::now();
        PreparedSample prepared = preparer.prepare(std::move(*raw));
        preparing += core::seconds_since(t1);
        done_.push({seq, std::move(prepared)});
      } else {
        work_.push({seq, std::move(*raw)});
      }
    }
    add_seconds(reading, preparing);
  } catch (...) {
    fail();
  }
  work_.close();
  if (workers_ == 0) done_.close();
}

void SamplePipeline::prepare(const SamplePreparer& preparer) {
  double preparing = 0;
  try {
    while (std::optional<Work> item = work_.pop()) {
      const auto t0 = Clock::now();
      PreparedSample prepared = preparer.prepare(std::move(item->raw));
      preparing += core::seconds_since(t0);
      if (!done_.push({item->seq, std::move(prepared)})) break;
    }
  } catch (...) {
    fail();
  }
  add_seconds(0, preparing);
  if (workers_left_.fetch_sub(1) == 1) done_.close();
}

void SamplePipeline::reorder_into(BatchEmbedder& embedder, std::map<std::string, size_t>& skipped,
                                  core::ProgressBar* progress) {
  std::map<size_t, PreparedSample> pending;
  size_t next = 0;
  size_t skips_logged = 0;
  try {
    while (std::optional<Done> item = done_.pop()) {
      pending.emplace(item->seq, std::move(item->sample));
      for (auto it = pending.find(next); it != pending.end(); it = pending.find(next)) {
        PreparedSample sample = std::move(it->second);
        pending.erase(it);
        ++next;
        embed_or_count(std::move(sample), embedder, skipped, skips_logged);
        slots_.release();
        if (progress != nullptr) progress->add(1);
      }
    }
  } catch (...) {
    fail();
  }
}

void SamplePipeline::rethrow_first_error() {
  std::exception_ptr error;
  {
    std::lock_guard<std::mutex> lock(error_mutex_);
    error = first_error_;
  }
  if (error) std::rethrow_exception(error);
}

void SamplePipeline::fail() {
  {
    std::lock_guard<std::mutex> lock(error_mutex_);
    if (!first_error_) first_error_ = std::current_exception();
  }
  abort_all();
}

void SamplePipeline::abort_all() {
  stop_ = true;
  work_.close();
  done_.close();
  slots_.release(static_cast<std::ptrdiff_t>(max_in_flight_));
}

void SamplePipeline::add_seconds(double reading, double preparing) {
  std::lock_guard<std::mutex> lock(timing_mutex_);
  read_seconds_ += reading;
  preprocess_seconds_ += preparing;
}

}  // namespace clipret::inference
