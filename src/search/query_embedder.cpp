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

QueryEmbedder::QueryEmbedder(std::unique_ptr<hub::LoadedClip> clip, QueryEmbedderOptions options)
    : clip_(std::move(clip)),
      text_batcher_(
          static_cast<size_t>(clip_->model.embed_dim()),
          [this](const std::vector<std::string>& texts, float* out, EmbedTimings* timings) {
            embed_text_batch(texts, out, timings);
          },
          options) {}

QueryEmbedder::~QueryEmbedder() = default;

int64_t QueryEmbedder::dim() const {
  return clip_->model.embed_dim();
}

int64_t QueryEmbedder::text_model_calls() const {
  return text_batcher_.model_calls();
}

std::vector<float> QueryEmbedder::embed_text(const std::string& text, EmbedTimings* timings) {
  return text_batcher_.embed(text, timings);
}

void QueryEmbedder::embed_text_batch(const std::vector<std::string>& texts, float* out,
                                     EmbedTimings* timings) {
  const auto start = std::chrono::steady_clock::now();
  const text::TokenBatch tokens = clip_->tokenizer->tokenize_batch(texts);
  const double prepro = core::seconds_since(start);
  const auto model_start = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> model_lock(model_mutex_);
    clip_->model.encode_text(tokens.ids.data(), texts.size(), out);
  }
  core::l2_normalize_rows(out, texts.size(), static_cast<size_t>(dim()));
  const double inference = core::seconds_since(model_start);
  CLIPRET_LOG_DEBUG("text batch of %zu: tokenize %.2f ms, model %.2f ms", texts.size(),
                    prepro * 1e3, inference * 1e3);
  timings->prepro = prepro;
  timings->inference = inference;
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
