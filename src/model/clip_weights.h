// model/clip_weights.h: the weights of both towers in backend memory, in one layout whatever
// the checkpoint's.
//
// Linear weights are stored as in PyTorch's nn.Linear, out x in (y = x W^T + b); the
// projections too (OpenAI's `proj` / `text_projection`, applied as x @ proj, are transposed on
// load). Q, K and V are fused into one (3 width) x width matrix so attention needs one gemm.
#pragma once

#include <vector>

#include "model/backend.h"

namespace clipret::model {

struct LayerWeights {
  Buffer ln1_weight, ln1_bias;  // width
  LinearWeight qkv_weight;      // (3 width) x width: rows Q, then K, then V
  Buffer qkv_bias;              // 3 width
  LinearWeight out_weight;      // width x width
  Buffer out_bias;              // width
  Buffer ln2_weight, ln2_bias;  // width
  LinearWeight fc1_weight;      // mlp_width x width
  Buffer fc1_bias;              // mlp_width
  LinearWeight fc2_weight;      // width x mlp_width
  Buffer fc2_bias;              // width
};

struct VisionWeights {
  Buffer patch_weight;                // width x (channels x patch x patch), conv kernel flattened
  Buffer class_embedding;             // width
  Buffer position_embedding;          // tokens x width
  Buffer ln_pre_weight, ln_pre_bias;  // width
  std::vector<LayerWeights> layers;
  Buffer ln_post_weight, ln_post_bias;  // width
  Buffer projection;                    // embed_dim x width
};

struct TextWeights {
  Buffer token_embedding;     // vocab_size x width
  Buffer position_embedding;  // context_length x width
  std::vector<LayerWeights> layers;
  Buffer ln_final_weight, ln_final_bias;  // width
  Buffer projection;                      // embed_dim x width
};

struct ClipWeights {
  VisionWeights vision;
  TextWeights text;
};

}  // namespace clipret::model

namespace clipret::model {

// What a checkpoint loader returns: the description and the weights it matches.
struct ClipCheckpoint {
  ClipConfig config;
  ClipWeights weights;
};

}  // namespace clipret::model
