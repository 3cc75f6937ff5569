// model/transformer.h: the stack of pre-LN residual attention blocks both towers share
// (clip-inference-notes §1.2):
//   x = x + out_proj(attention(ln_1(x)));  x = x + fc2(act(fc1(ln_2(x)))).
#pragma once

#include <cstddef>
#include <vector>

#include "model/clip_weights.h"

namespace clipret::model {

// Runs every block of `layers` in place on x ((batch x seq) x width, backend memory); `causal`
// masks attention to later positions (text tower).
void run_transformer(Backend& backend, const TransformerConfig& config,
                     const std::vector<LayerWeights>& layers, float* x, size_t batch, size_t seq,
                     bool causal);

// y (rows x out) = x (rows x in) W^T (+ bias when not null), W out x in: an nn.Linear, with its
// weight in the backend's weight precision (the blocks' layers) or in fp32 (the projections).
void linear(Backend& backend, const float* x, size_t rows, size_t in, const LinearWeight& weight,
            const float* bias, size_t out, float* y);
void linear(Backend& backend, const float* x, size_t rows, size_t in, const Buffer& weight,
            const float* bias, size_t out, float* y);

// Converts the Linear weights of `layer` / `layers` (width x in_width and so on) to the backend's
// weight precision (Backend::convert_linear_weight; a converted weight is left as it is).
// Checkpoint loaders call it per layer as they go, so that with bf16 or int8 only one layer's
// float32 weights are ever held at once.
void convert_layer_weights(Backend& backend, const TransformerConfig& config, LayerWeights& layer);
void convert_layer_weights(Backend& backend, const TransformerConfig& config,
                           std::vector<LayerWeights>& layers);

}  // namespace clipret::model
