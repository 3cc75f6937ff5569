// search/query_embedder.h: embeds /knn-service queries with one loaded CLIP model.
//
// The model (and its backend) serves one call at a time, so concurrent requests take turns. Text
// queries that arrive while the model is busy are embedded together: the first waiting request
// becomes the leader, takes every pending text (up to max_batch), runs one tokenize + encode_text
// for all of them and hands each its row. One batch of 8 texts costs far less than 8 calls of
// one, which is what makes 8 concurrent clients fast.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace clipret::hub {
struct LoadedClip;
}

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

class QueryEmbedder {
 public:
  explicit QueryEmbedder(std::unique_ptr<hub::LoadedClip> clip, QueryEmbedderOptions options = {});
  ~QueryEmbedder();
  QueryEmbedder(const QueryEmbedder&) = delete;
  QueryEmbedder& operator=(const QueryEmbedder&) = delete;

  int64_t dim() const;

  // The L2-normalised embedding of `text` (truncated to the context length, as the original's
  // tokenizer does for the back). Thread-safe; batches with concurrent callers.
  std::vector<float> embed_text(const std::string& text, EmbedTimings* timings);

  // The L2-normalised embedding of encoded image bytes. std::nullopt (with `error` set) when the
  // bytes are not a decodable image. Thread-safe.
  std::optional<std::vector<float>> embed_image(const std::string& bytes, std::string* error,
                                                EmbedTimings* timings);

  // Number of model calls made for texts so far (tests check that batching happened).
  int64_t text_model_calls() const;

 private:
  struct PendingText;
  void run_text_batch(std::vector<PendingText*>& batch);

  std::unique_ptr<hub::LoadedClip> clip_;
  QueryEmbedderOptions options_;
  std::mutex model_mutex_;  // one model call at a time

  mutable std::mutex queue_mutex_;
  std::condition_variable queue_cv_;
  std::deque<PendingText*> queue_;
  bool leader_active_ = false;
  size_t last_batch_size_ = 0;
  int64_t text_model_calls_ = 0;
};

}  // namespace clipret::search
