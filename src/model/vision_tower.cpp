#include "model/vision_tower.h"

#include <vector>

#include "model/transformer.h"

namespace clipret::model {

void encode_images(Backend& backend, const VisionConfig& config, int64_t embed_dim,
                   const VisionWeights& weights, const float* pixels, size_t n, float* out) {
  if (n == 0) return;
  const size_t width = static_cast<size_t>(config.transformer.width);
  const size_t channels = static_cast<size_t>(config.channels);
  const size_t size = static_cast<size_t>(config.image_size);
  const size_t patch = static_cast<size_t>(config.patch_size);
  const size_t patches = static_cast<size_t>(config.grid() * config.grid());
  const size_t tokens = static_cast<size_t>(config.tokens());
  const size_t patch_values = channels * patch * patch;
  const size_t embed = static_cast<size_t>(embed_dim);
  const float eps = config.transformer.layer_norm_eps;

  Buffer images = backend.alloc(n * channels * size * size);
  backend.upload(pixels, images.size(), images, 0);
  Buffer columns = backend.alloc(n * patches * patch_values);
  backend.im2col(images.data(), n, channels, size, patch, columns.data());
  images = Buffer();

  // Row 0 holds the class embedding, rows 1.. the patch embeddings of every image; one gather
  // then lays out [class, patches of image b] per image.
  Buffer table = backend.alloc((1 + n * patches) * width);
  backend.copy(weights.class_embedding.data(), width, table.data());
  backend.gemm(Transpose::kNo, Transpose::kYes, n * patches, width, patch_values, 1.0f,
               columns.data(), patch_values, weights.patch_weight.data(), patch_values, 0.0f,
               table.data() + width, width);
  columns = Buffer();
  std::vector<int32_t> order(n * tokens);
  for (size_t b = 0; b < n; ++b) {
    order[b * tokens] = 0;
    for (size_t p = 0; p < patches; ++p) {
      order[b * tokens + 1 + p] = static_cast<int32_t>(1 + b * patches + p);
    }
  }
  Buffer x = backend.alloc(n * tokens * width);
  backend.gather_rows(table.data(), 1 + n * patches, width, order.data(), order.size(), x.data());
  table = Buffer();
  backend.add_broadcast(x.data(), n, tokens * width, weights.position_embedding.data());
  backend.layer_norm(x.data(), n * tokens, width, weights.ln_pre_weight.data(),
                     weights.ln_pre_bias.data(), eps, x.data());

  run_transformer(backend, config.transformer, weights.layers, x.data(), n, tokens, false);

  std::vector<int32_t> class_rows(n);
  for (size_t b = 0; b < n; ++b) class_rows[b] = static_cast<int32_t>(b * tokens);
  Buffer pooled = backend.alloc(n * width);
  backend.gather_rows(x.data(), n * tokens, width, class_rows.data(), n, pooled.data());
  backend.layer_norm(pooled.data(), n, width, weights.ln_post_weight.data(),
                     weights.ln_post_bias.data(), eps, pooled.data());
  Buffer projected = backend.alloc(n * embed);
  linear(backend, pooled.data(), n, width, weights.projection, nullptr, embed, projected.data());
  backend.download(projected, 0, n * embed, out);
}

}  // namespace clipret::model
