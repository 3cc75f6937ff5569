#include "inference/batch_embedder.h"

#include <chrono>
#include <cmath>
#include <cstring>

#include "core/error.h"
#include "core/l2_normalize.h"
#include "core/stopwatch.h"
#include "model/clip_model.h"
#include "model/sentence_encoder.h"

namespace clipret::inference {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

BatchEmbedder::BatchEmbedder(EmbeddingModels models, data::PartitionWriter& writer,
                             const data::PartitionWriterOptions& parts, size_t batch_size)
    : models_(models),
      writer_(writer),
      image_(parts.enable_image),
      text_(parts.enable_text),
      batch_size_(batch_size) {
  CLIPRET_CHECK(batch_size > 0, InvalidInput, "batch_size must be positive");
  batch_.reserve(batch_size);
}

void BatchEmbedder::add(PreparedSample sample) {
  batch_.push_back(std::move(sample));
  if (batch_.size() == batch_size_) flush();
}

void BatchEmbedder::flush() {
  const size_t n = batch_.size();
  if (n == 0) return;
  const size_t dim = static_cast<size_t>(models_.clip->embed_dim());
  const auto model_start = Clock::now();
  if (image_) {
    const size_t per_image = batch_[0].pixels.size();
    pixels_.resize(n * per_image);
    for (size_t i = 0; i < n; ++i) {
      CLIPRET_CHECK(batch_[i].pixels.size() == per_image, Internal, "pixel buffer size mismatch");
      std::memcpy(pixels_.data() + i * per_image, batch_[i].pixels.data(),
                  per_image * sizeof(float));
    }
    image_out_.resize(n * dim);
    models_.clip->encode_image(pixels_.data(), n, image_out_.data());
    core::l2_normalize_rows(image_out_.data(), n, dim);
  }
  if (text_) embed_texts(n);
  model_seconds_ += core::seconds_since(model_start);

  const auto write_start = Clock::now();
  std::vector<data::SampleRecord> records(n);
  for (size_t i = 0; i < n; ++i) {
    records[i] = {batch_[i].image_path, batch_[i].caption, &batch_[i].fields};
  }
  const size_t text_dim = static_cast<size_t>(models_.mclip != nullptr ? models_.mclip->embed_dim()
                                                                       : models_.clip->embed_dim());
  writer_.append(n, image_out_.data(), dim, text_out_.data(), text_dim, records.data());
  write_seconds_ += core::seconds_since(write_start);
  batch_.clear();
}

void BatchEmbedder::embed_texts(size_t n) {
  if (models_.mclip != nullptr) {
    const size_t dim = static_cast<size_t>(models_.mclip->embed_dim());
    mclip_ids_.resize(n);
    for (size_t i = 0; i < n; ++i) mclip_ids_[i] = std::move(batch_[i].tokens);
    text_out_.resize(n * dim);
    models_.mclip->encode(mclip_ids_, text_out_.data());
    core::l2_normalize_rows(text_out_.data(), n, dim);
    return;
  }
  const size_t dim = static_cast<size_t>(models_.clip->embed_dim());
  const size_t per_text = static_cast<size_t>(models_.clip->context_length());
  tokens_.resize(n * per_text);
  for (size_t i = 0; i < n; ++i) {
    CLIPRET_CHECK(batch_[i].tokens.size() == per_text, Internal, "token row size mismatch");
    std::memcpy(tokens_.data() + i * per_text, batch_[i].tokens.data(), per_text * sizeof(int32_t));
  }
  text_out_.resize(n * dim);
  models_.clip->encode_text(tokens_.data(), n, text_out_.data());
  core::l2_normalize_rows(text_out_.data(), n, dim);
}

}  // namespace clipret::inference
