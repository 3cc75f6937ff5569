#include "model/clip_model.h"

#include <algorithm>
#include <filesystem>

#include "core/error.h"
#include "core/log.h"
#include "core/process_memory.h"
#include "model/clip_weights.h"
#include "model/cpu/cpu_backend.h"
#include "model/hf_checkpoint.h"
#include "model/open_clip_checkpoint.h"
#include "model/random_weights.h"
#include "model/text_tower.h"
#include "model/transformer.h"
#include "model/vision_tower.h"

namespace clipret::model {

struct ClipModel::Impl {
  std::unique_ptr<Backend> backend;
  ClipModelOptions options;
  CheckpointLayout layout = CheckpointLayout::kInMemory;
  ClipCheckpoint checkpoint;
};

namespace {

std::unique_ptr<Backend> default_backend(const ClipModelOptions& options) {
  CpuBackendOptions backend_options;
  backend_options.threads = options.threads;
  backend_options.precision = options.precision;
  return std::make_unique<CpuBackend>(backend_options);
}

// The blocks' Linear weights, loaded in fp32, in the backend's weight precision.
void convert_weights(Backend& backend, const ClipConfig& config, ClipWeights& weights) {
  convert_layer_weights(backend, config.vision.transformer, weights.vision.layers);
  convert_layer_weights(backend, config.text.transformer, weights.text.layers);
  CLIPRET_LOG_DEBUG("CLIP runs on %s", backend.name());
}

}  // namespace

ClipModel::ClipModel(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ClipModel::ClipModel(ClipModel&& other) noexcept = default;
ClipModel& ClipModel::operator=(ClipModel&& other) noexcept = default;
ClipModel::~ClipModel() = default;

ClipModel ClipModel::load(const std::string& folder, const ClipModelOptions& options) {
  return load(folder, default_backend(options), options);
}

ClipModel ClipModel::load(const std::string& folder, std::unique_ptr<Backend> backend,
                          const ClipModelOptions& options) {
  CLIPRET_CHECK(options.max_batch > 0, InvalidInput, "max_batch must be positive");
  auto impl = std::make_unique<Impl>();
  impl->backend = std::move(backend);
  impl->options = options;
  if (is_hf_checkpoint(folder)) {
    impl->layout = CheckpointLayout::kHuggingFace;
    impl->checkpoint = load_hf_checkpoint(folder, *impl->backend);
  } else if (is_open_clip_checkpoint(folder)) {
    impl->layout = CheckpointLayout::kOpenClip;
    impl->checkpoint = load_open_clip_checkpoint(folder, *impl->backend);
  } else {
    std::error_code ec;
    CLIPRET_CHECK(std::filesystem::is_directory(folder, ec), NotFound, "%s: no such folder",
                  folder.c_str());
    CLIPRET_THROW(
        NotFound,
        "%s: no CLIP checkpoint (expected config.json + model.safetensors or pytorch_model.bin, or "
        "open_clip_config.json + open_clip_model.safetensors)",
        folder.c_str());
  }
  convert_weights(*impl->backend, impl->checkpoint.config, impl->checkpoint.weights);
  // Loading freed one tensor-sized staging copy per weight (the token embedding alone is 100 MB
  // for ViT-B/32) and, with bf16/int8, every layer's float32 weights: give them back rather
  // than keep them for reuse, so the model's peak is its weights plus the largest tensor.
  core::return_freed_memory();
  CLIPRET_LOG_INFO("loaded %s: %s", folder.c_str(),
                   describe_clip_config(impl->checkpoint.config).c_str());
  return ClipModel(std::move(impl));
}

ClipModel ClipModel::with_random_weights(const ClipConfig& config, uint64_t seed,
                                         const ClipModelOptions& options) {
  return with_random_weights(config, seed, default_backend(options), options);
}

ClipModel ClipModel::with_random_weights(const ClipConfig& config, uint64_t seed,
                                         std::unique_ptr<Backend> backend,
                                         const ClipModelOptions& options) {
  CLIPRET_CHECK(options.max_batch > 0, InvalidInput, "max_batch must be positive");
  validate_clip_config(config, "in-memory config");
  auto impl = std::make_unique<Impl>();
  impl->backend = std::move(backend);
  impl->options = options;
  impl->checkpoint.config = config;
  impl->checkpoint.weights = make_random_weights(config, seed, *impl->backend);
  convert_weights(*impl->backend, config, impl->checkpoint.weights);
  return ClipModel(std::move(impl));
}

const ClipConfig& ClipModel::config() const {
  return impl_->checkpoint.config;
}
CheckpointLayout ClipModel::layout() const {
  return impl_->layout;
}
int64_t ClipModel::embed_dim() const {
  return config().embed_dim;
}
int64_t ClipModel::image_size() const {
  return config().vision.image_size;
}
int64_t ClipModel::context_length() const {
  return config().text.context_length;
}
Backend& ClipModel::backend() {
  return *impl_->backend;
}

void ClipModel::encode_image(const float* pixels, size_t n, float* out) {
  const ClipConfig& c = config();
  const size_t image_values =
      static_cast<size_t>(c.vision.channels * c.vision.image_size * c.vision.image_size);
  for (size_t begin = 0; begin < n; begin += impl_->options.max_batch) {
    const size_t count = std::min(impl_->options.max_batch, n - begin);
    encode_images(*impl_->backend, c.vision, c.embed_dim, impl_->checkpoint.weights.vision,
                  pixels + begin * image_values, count, out + begin * c.embed_dim);
  }
}

void ClipModel::encode_text(const int32_t* ids, size_t n, float* out) {
  const ClipConfig& c = config();
  const size_t context = static_cast<size_t>(c.text.context_length);
  for (size_t begin = 0; begin < n; begin += impl_->options.max_batch) {
    const size_t count = std::min(impl_->options.max_batch, n - begin);
    encode_texts(*impl_->backend, c.text, c.embed_dim, impl_->checkpoint.weights.text,
                 ids + begin * context, count, impl_->options.truncate_text,
                 out + begin * c.embed_dim);
  }
}

}  // namespace clipret::model
