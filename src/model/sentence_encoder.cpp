#include "model/sentence_encoder.h"

#include <algorithm>

#include "core/error.h"
#include "core/log.h"
#include "model/clip_model.h"
#include "model/cpu/cpu_backend.h"
#include "model/sentence_checkpoint.h"

namespace clipret::model {

struct SentenceEncoder::Impl {
  std::unique_ptr<Backend> backend;
  SentenceEncoderOptions options;
  SentenceCheckpoint checkpoint;
};

SentenceEncoder::SentenceEncoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SentenceEncoder::SentenceEncoder(SentenceEncoder&& other) noexcept = default;
SentenceEncoder& SentenceEncoder::operator=(SentenceEncoder&& other) noexcept = default;
SentenceEncoder::~SentenceEncoder() = default;

SentenceEncoderOptions sentence_encoder_options_like(const ClipModelOptions& clip,
                                                     size_t max_batch) {
  SentenceEncoderOptions options;
  options.threads = clip.threads;
  options.max_batch = max_batch;
  options.precision = clip.precision;
  return options;
}

SentenceEncoder SentenceEncoder::load(const std::string& folder,
                                      const SentenceEncoderOptions& options) {
  CpuBackendOptions backend_options;
  backend_options.threads = options.threads;
  backend_options.precision = options.precision;
  return load(folder, std::make_unique<CpuBackend>(backend_options), options);
}

SentenceEncoder SentenceEncoder::load(const std::string& folder, std::unique_ptr<Backend> backend,
                                      const SentenceEncoderOptions& options) {
  CLIPRET_CHECK(options.max_batch > 0, InvalidInput, "max_batch must be positive");
  auto impl = std::make_unique<Impl>();
  impl->backend = std::move(backend);
  impl->options = options;
  impl->checkpoint = load_sentence_checkpoint(folder, *impl->backend);
  CLIPRET_LOG_INFO(
      "loaded %s (%s): %s", folder.c_str(),
      impl->checkpoint.layout == SentenceLayout::kMClip ? "M-CLIP" : "sentence-transformers",
      describe_sentence_encoder(impl->checkpoint.config).c_str());
  return SentenceEncoder(std::move(impl));
}

const SentenceEncoderConfig& SentenceEncoder::config() const {
  return impl_->checkpoint.config;
}

int64_t SentenceEncoder::embed_dim() const {
  return impl_->checkpoint.config.embed_dim;
}

int64_t SentenceEncoder::max_tokens() const {
  return impl_->checkpoint.config.max_tokens;
}

const std::string& SentenceEncoder::tokenizer_folder() const {
  return impl_->checkpoint.tokenizer_folder;
}

Backend& SentenceEncoder::backend() {
  return *impl_->backend;
}

void SentenceEncoder::encode(const std::vector<std::vector<int32_t>>& texts, float* out) {
  const size_t embed = static_cast<size_t>(embed_dim());
  std::vector<int32_t> packed;
  std::vector<size_t> offsets;
  for (size_t first = 0; first < texts.size(); first += impl_->options.max_batch) {
    const size_t count = std::min(impl_->options.max_batch, texts.size() - first);
    packed.clear();
    offsets.assign(1, 0);
    for (size_t i = first; i < first + count; ++i) {
      CLIPRET_CHECK(static_cast<int64_t>(texts[i].size()) <= max_tokens(), InvalidInput,
                    "text %zu has %zu tokens; this model takes at most %lld", i, texts[i].size(),
                    static_cast<long long>(max_tokens()));
      packed.insert(packed.end(), texts[i].begin(), texts[i].end());
      offsets.push_back(packed.size());
    }
    encode_sentences(*impl_->backend, impl_->checkpoint.config, impl_->checkpoint.weights,
                     packed.data(), offsets.data(), count, out + first * embed);
  }
}

}  // namespace clipret::model
