// search/query_embedder.h: embeds /knn-service queries with one loaded CLIP model.
//
// The model (and its backend) serves one call at a time, so concurrent requests take turns;
// text queries that arrive while the model is busy are embedded together (search/text_batcher.h).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "search/text_batcher.h"

namespace clipret::hub {
struct LoadedClip;
}

namespace clipret::search {

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
  void embed_text_batch(const std::vector<std::string>& texts, float* out, EmbedTimings* timings);

  std::unique_ptr<hub::LoadedClip> clip_;
  std::mutex model_mutex_;  // one model call at a time
  TextBatcher text_batcher_;
};

}  // namespace clipret::search
