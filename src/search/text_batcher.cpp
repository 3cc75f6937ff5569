#include "search/text_batcher.h"

#include <algorithm>
#include <exception>

namespace clipret::search {

struct TextBatcher::Pending {
  const std::string* text = nullptr;
  std::vector<float> embedding;
  EmbedTimings timings;
  std::exception_ptr error;
  bool done = false;
};

TextBatcher::TextBatcher(size_t dim, EmbedBatch embed_batch, QueryEmbedderOptions options)
    : dim_(dim), embed_batch_(std::move(embed_batch)), options_(options) {
  if (options_.max_text_batch == 0) options_.max_text_batch = 1;
}

int64_t TextBatcher::model_calls() const {
  std::lock_guard<std::mutex> lock(queue_mutex_);
  return model_calls_;
}

std::vector<float> TextBatcher::embed(const std::string& text, EmbedTimings* timings) {
  Pending pending;
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
    std::vector<Pending*> batch;
    while (!queue_.empty() && batch.size() < options_.max_text_batch) {
      batch.push_back(queue_.front());
      queue_.pop_front();
    }
    ++model_calls_;
    last_batch_size_ = batch.size();
    lock.unlock();
    run_batch(batch);
    lock.lock();
    for (Pending* p : batch) p->done = true;
    leader_active_ = false;
    queue_cv_.notify_all();
  }
  lock.unlock();
  if (pending.error) std::rethrow_exception(pending.error);
  if (timings != nullptr) *timings = pending.timings;
  return std::move(pending.embedding);
}

void TextBatcher::run_batch(std::vector<Pending*>& batch) {
  try {
    std::vector<std::string> texts;
    texts.reserve(batch.size());
    for (const Pending* p : batch) texts.push_back(*p->text);
    std::vector<float> out(batch.size() * dim_);
    EmbedTimings timings;
    embed_batch_(texts, out.data(), &timings);
    for (size_t i = 0; i < batch.size(); ++i) {
      batch[i]->embedding.assign(out.begin() + i * dim_, out.begin() + (i + 1) * dim_);
      batch[i]->timings = timings;
    }
  } catch (...) {
    const std::exception_ptr error = std::current_exception();
    for (Pending* p : batch) p->error = error;
  }
}

}  // namespace clipret::search
