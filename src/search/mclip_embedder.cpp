#include "search/mclip_embedder.h"

#include <chrono>

#include "core/l2_normalize.h"
#include "core/stopwatch.h"
#include "hub/mclip_loader.h"

namespace clipret::search {

MclipEmbedder::MclipEmbedder(std::unique_ptr<hub::LoadedMclip> mclip, QueryEmbedderOptions options)
    : mclip_(std::move(mclip)),
      batcher_(
          static_cast<size_t>(mclip_->model.embed_dim()),
          [this](const std::vector<std::string>& texts, float* out, EmbedTimings* timings) {
            embed_batch(texts, out, timings);
          },
          options) {}

MclipEmbedder::~MclipEmbedder() = default;

int64_t MclipEmbedder::dim() const {
  return mclip_->model.embed_dim();
}

const std::string& MclipEmbedder::folder() const {
  return mclip_->folder;
}

int64_t MclipEmbedder::model_calls() const {
  return batcher_.model_calls();
}

std::vector<float> MclipEmbedder::embed_text(const std::string& text, EmbedTimings* timings) {
  return batcher_.embed(text, timings);
}

void MclipEmbedder::embed_batch(const std::vector<std::string>& texts, float* out,
                                EmbedTimings* timings) {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<std::vector<int32_t>> ids = hub::tokenize_mclip_texts(*mclip_, texts);
  timings->prepro = core::seconds_since(start);
  const auto model_start = std::chrono::steady_clock::now();
  {
    std::lock_guard<std::mutex> lock(model_mutex_);
    mclip_->model.encode(ids, out);
  }
  core::l2_normalize_rows(out, texts.size(), static_cast<size_t>(dim()));
  timings->inference = core::seconds_since(model_start);
}

}  // namespace clipret::search
