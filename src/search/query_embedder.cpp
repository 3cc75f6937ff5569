#include "search/query_embedder.h"

#include <algorithm>
#include <chrono>
#include <exception>

#include "core/l2_normalize.h"
#include "core/log.h"
#include "core/stopwatch.h"
#include "hub/clip_loader.h"
#include "image/clip_preprocess.h"

namespace clipret::search {

struct QueryEmbedder::PendingText {
  const std::string* text = nullptr;
  std::vector<float> embedding;
  EmbedTimings timings;
  std::exception_ptr error;
  bool done = false;
};

QueryEmbedder::QueryEmbedder(std::unique_ptr<hub::LoadedClip> clip, QueryEmbedderOptions options)
    : clip_(std::move(clip)), options_(options) {
  if (options_.max_text_batch == 0) options_.max_text_batch = 1;
}

QueryEmbedder::~QueryEmbedder() = default;

int64_t QueryEmbedder::dim() const {
  return clip_->model.embed_dim();
}

int64_t QueryEmbedder::text_model_calls() const {
  std::lock_guard<std::mutex> lock(queue_mutex_);
  return text_model_calls_;
}

std::vector<float> QueryEmbedder::embed_text(const std::string& text, EmbedTimings* timings) {
  PendingText pending;
  pending.text = &text;
  std::unique_lock<std::mutex> lock(queue_mutex_);
  queue_.push_back(&pending);
  if (leader_active_) queue_cv_.notify_all();  // a gathering leader counts arrivals
  while (!pending.done) {
    if (leader_active_) {
      queue_cv_.wait(lock);
      continue;
    }
    // Lead: take what is pending (ours included unless the queue is longer than a batch).
    leader_active_ = true;
    // Several clients were served last time: wait (briefly) until as many texts are pending,
    // rather than running the first arrival alone. A lone client never waits. (Waiting for the
    // pending texts plus the last batch's clients instead idles the model: measured slower.)
    const size_t expected = std::min(last_batch_size_, options_.max_text_batch);
    if (expected > 1 && queue_.size() < expected && options_.gather_window.count() > 0) {
      queue_cv_.wait_for(lock, options_.gather_window, [&] { return queue_.size() >= expected; });
    }
    std::vector<PendingText*> batch;
    while (!queue_.empty() && batch.size() < options_.max_text_batch) {
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
    ++text_model_calls_;
    last_batch_size_ = batch.size();
    lock.unlock();
    run_text_batch(batch);
    lock.lock();
    for (PendingText* p : batch) p->done = true;
    leader_active_ = false;
    queue_cv_.notify_all();
  }
  lock.unlock();
  if (pending.error) std::rethrow_exception(pending.error);
  if (timings != nullptr) *timings = pending.timings;
  return std::move(pending.embedding);
}

void QueryEmbedder::run_text_batch(std::vector<PendingText*>& batch) {
  try {
    const auto start = std::chrono::steady_clock::now();
    std::vector<std::string> texts;
    texts.reserve(batch.size());
    for (const PendingText* p : batch) texts.push_back(*p->text);
    const text::TokenBatch tokens = clip_->tokenizer.tokenize_batch(texts);
    const double prepro = core::seconds_since(start);

    const auto model_start = std::chrono::steady_clock::now();
    const auto d = static_cast<size_t>(dim());
    std::vector<float> out(batch.size() * d);
    {
      std::lock_guard<std::mutex> model_lock(model_mutex_);
      clip_->model.encode_text(tokens.ids.data(), batch.size(), out.data());
    }
    core::l2_normalize_rows(out.data(), batch.size(), d);
    const double inference = core::seconds_since(model_start);
    CLIPRET_LOG_DEBUG("text batch of %zu: tokenize %.2f ms, model %.2f ms", batch.size(),
                      prepro * 1e3, inference * 1e3);
    for (size_t i = 0; i < batch.size(); ++i) {
      batch[i]->embedding.assign(out.begin() + i * d, out.begin() + (i + 1) * d);
      batch[i]->timings.prepro = prepro;
      batch[i]->timings.inference = inference;
    }
  } catch (...) {
    const std::exception_ptr error = std::current_exception();
    for (PendingText* p : batch) p->error = error;
  }
}

std::optional<std::vector<float>> QueryEmbedder::embed_image(const std::string& bytes,
                                                             std::string* error,
                                                             EmbedTimings* timings) {
  const auto start = std::chrono::steady_clock::now();
  const auto side = static_cast<size_t>(clip_->preprocess.size);
  std::vector<float> pixels(3 * side * side);
  std::optional<std::string> failure =
      image::preprocess_clip(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(),
                             clip_->preprocess, pixels.data());
  if (failure) {
    if (error != nullptr) *error = *failure;
    return std::nullopt;
  }
  const double prepro = core::seconds_since(start);
  const auto model_start = std::chrono::steady_clock::now();
  std::vector<float> embedding(static_cast<size_t>(dim()));
  {
    std::lock_guard<std::mutex> model_lock(model_mutex_);
    clip_->model.encode_image(pixels.data(), 1, embedding.data());
  }
  core::l2_normalize_rows(embedding.data(), 1, embedding.size());
  if (timings != nullptr) {
    timings->prepro = prepro;
    timings->inference = core::seconds_since(model_start);
  }
  return embedding;
}

}  // namespace clipret::search
