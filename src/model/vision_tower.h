// model/vision_tower.h: CLIP's ViT image encoder (clip-inference-notes §1.1): patch embedding
// (im2col + gemm), class token, positions, ln_pre, blocks, ln_post on the class token,
// projection.
#pragma once

#include <cstddef>

#include "model/clip_weights.h"

namespace clipret::model {

// out (host, n x embed_dim, caller owns) = projected, unnormalised features of `pixels` (host,
// n x channels x image_size x image_size, already normalised). Runs all n in one pass: the caller
// bounds n for memory.
void encode_images(Backend& backend, const VisionConfig& config, int64_t embed_dim,
                   const VisionWeights& weights, const float* pixels, size_t n, float* out);

}  // namespace clipret::model
