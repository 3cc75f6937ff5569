// search/text_batcher.h: batches concurrent text queries into one model call.
//
// The model serves one call at a time, so concurrent requests take turns. Texts that arrive
// while the model is busy are embedded together: the first waiting request becomes the leader,
// takes every pending text (up to max_text_batch), runs one batch call for all of them and
// hands each its row. One batch of 8 texts costs far less than 8 calls of one, which is what
// makes 8 concurrent clients fast. Used for CLIP's text tower and the multilingual model alike.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace clipret::search {

// Seconds spent in each step of one embedding (absent: the step did not run).
struct EmbedTimings {
  std::optional<double> prepro;     // tokenize, or decode + preprocess the image
  std::optional<double> inference;  // the model call (the whole batch's) + normalisation
};

struct QueryEmbedderOptions {
  // Most texts embedded in one model call.
  size_t max_text_batch = 32;
  // When the last batch held several texts, its clients are likely to send their next query
  // within moments of their answers; the next leader waits up to this long (or until as many
  // texts as last time are pending) so they share one model call instead of the first running
  // alone. A lone client (batches of 1) never waits.
  std::chrono::microseconds gather_window{3000};
};

class TextBatcher {
 public:
  // Embeds `texts` into `out` (texts.size() x dim, L2-normalised) and sets the batch's
  // timings; may throw (every text of the batch then gets the exception).
  using EmbedBatch =
      std::function<void(const std::vector<std::string>& texts, float* out, EmbedTimings* timings)>;

  TextBatcher(size_t dim, EmbedBatch embed_batch, QueryEmbedderOptions options);
  TextBatcher(const TextBatcher&) = delete;
  TextBatcher& operator=(const TextBatcher&) = delete;

  // The embedding of `text`. Thread-safe; batches with concurrent callers.
  std::vector<float> embed(const std::string& text, EmbedTimings* timings);

  // Number of batch calls made so far (tests check that batching happened).
  int64_t model_calls() const;

 private:
  struct Pending;
  void run_batch(std::vector<Pending*>& batch);

  size_t dim_;
  EmbedBatch embed_batch_;
  QueryEmbedderOptions options_;

  mutable std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<Pending*> queue_;
  bool leader_active_ = false;
  size_t last_batch_size_ = 0;
  int64_t model_calls_ = 0;
};

}  // namespace clipret::search
