#include "inference/batch_embedder.h"

#include <chrono>
#include <cmath>
#include <cstring>

#include "core/error.h"
#include "core/l2_normalize.h"
#include "core/stopwatch.h"
#include "model/clip_model.h"

namespace clipret::inference {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

BatchEmbedder::BatchEmbedder(model::ClipModel& model, data::PartitionWriter& writer,
                             const data::PartitionWriterOptions& parts, size_t batch_size)
    : model_(model),
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
  const size_t dim = static_cast<size_t>(model_.embed_dim());
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
    model_.encode_image(pixels_.data(), n, image_out_.data());
    core::l2_normalize_rows(image_out_.data(), n, dim);
  }
  if (text_) {
    const size_t per_text = static_cast<size_t>(model_.context_length());
    tokens_.resize(n * per_text);
    for (size_t i = 0; i < n; ++i) {
      CLIPRET_CHECK(batch_[i].tokens.size() == per_text, Internal, "token row size mismatch");
      std::memcpy(tokens_.data() + i * per_text, batch_[i].tokens.data(),
                  per_text * sizeof(int32_t));
    }
    text_out_.resize(n * dim);
    model_.encode_text(tokens_.data(), n, text_out_.data());
    core::l2_normalize_rows(text_out_.data(), n, dim);
  }
  model_seconds_ += core::seconds_since(model_start);

  const auto write_start = Clock::now();
  std::vector<data::SampleRecord> records(n);
  for (size_t i = 0; i < n; ++i) {
    records[i] = {batch_[i].image_path, batch_[i].caption, &batch_[i].fields};
  }
  writer_.append(n, image_out_.data(), dim, text_out_.data(), dim, records.data());
  write_seconds_ += core::seconds_since(write_start);
  batch_.clear();
}

}  // namespace clipret::inference
