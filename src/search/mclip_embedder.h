// search/mclip_embedder.h: embeds `use_mclip` text queries with a multilingual model
// (hub/mclip_loader.h); concurrent queries batch as CLIP text queries do (search/text_batcher.h).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "search/text_batcher.h"

namespace clipret::hub {
struct LoadedMclip;
}

namespace clipret::search {

class MclipEmbedder {
 public:
  MclipEmbedder(std::unique_ptr<hub::LoadedMclip> mclip, QueryEmbedderOptions options = {});
  ~MclipEmbedder();
  MclipEmbedder(const MclipEmbedder&) = delete;
  MclipEmbedder& operator=(const MclipEmbedder&) = delete;

  int64_t dim() const;
  // Where the model's files are (for logs).
  const std::string& folder() const;

  // The L2-normalised embedding of `text` (truncated to the model's max tokens). Thread-safe.
  std::vector<float> embed_text(const std::string& text, EmbedTimings* timings);

  // Number of model calls made so far.
  int64_t model_calls() const;

 private:
  void embed_batch(const std::vector<std::string>& texts, float* out, EmbedTimings* timings);

  std::unique_ptr<hub::LoadedMclip> mclip_;
  std::mutex model_mutex_;  // one model call at a time
  TextBatcher batcher_;
};

}  // namespace clipret::search
