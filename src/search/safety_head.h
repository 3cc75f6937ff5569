// search/safety_head.h: the NSFW classifier applied to result vectors (`use_safety_model`).
//
// The original loads Keras/autokeras models (ViT-B/32, ViT-L/14) or a torch MLP (ViT-H/14);
// neither format can be read here, so the head is a plain MLP stored as safetensors
// (docs/back.md, "Safety model"):
//   layers.<i>.weight  (out_i x in_i), layers.<i>.bias (out_i), for i = 0, 1, ..., L-1
//   in_0 = the embedding dimension, in_{i+1} = out_i; ReLU between layers, none after the last;
//   optional `output_sigmoid` (one element, 1 = apply a sigmoid to the last output).
// The score of a row is the first output column; rows scoring > 0.5 are dropped (spec §3.6).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace clipret::search {

class SafetyHead {
 public:
  // Throws Error(kNotFound) when the file is missing, Error(kCorrupt) naming the tensor when the
  // layers do not chain.
  static SafetyHead load(const std::string& path);

  size_t input_dim() const;
  // n scores (first output column) of `vectors` (n x input_dim()).
  std::vector<float> scores(const float* vectors, size_t n) const;
  // Positions whose score is > 0.5.
  std::vector<size_t> unsafe_positions(const float* vectors, size_t n) const;

 private:
  struct Layer {
    size_t in = 0;
    size_t out = 0;
    std::vector<float> weight;  // out x in
    std::vector<float> bias;    // out
  };
  std::vector<Layer> layers_;
  bool sigmoid_ = false;
};

}  // namespace clipret::search
