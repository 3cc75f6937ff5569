#include "model/random_weights.h"

#include <cmath>
#include <random>
#include <vector>

namespace clipret::model {

namespace {

constexpr float kBiasScale = 0.02f;
constexpr float kEmbeddingScale = 0.1f;

class RandomUploader {
 public:
  RandomUploader(uint64_t seed, Backend& backend) : engine_(seed), backend_(backend) {}

  // `count` values uniform in [center - scale, center + scale].
  Buffer make(size_t count, float scale, float center = 0.0f) {
    std::uniform_real_distribution<float> dist(center - scale, center + scale);
    std::vector<float> values(count);
    for (float& v : values) v = dist(engine_);
    Buffer buffer = backend_.alloc(count);
    backend_.upload(values.data(), count, buffer, 0);
    return buffer;
  }
  Buffer linear(int64_t out, int64_t in) {
    return make(static_cast<size_t>(out * in), 1.0f / std::sqrt(static_cast<float>(in)));
  }
  Buffer bias(int64_t count) { return make(static_cast<size_t>(count), kBiasScale); }
  Buffer gain(int64_t count) { return make(static_cast<size_t>(count), kBiasScale, 1.0f); }

  std::vector<LayerWeights> layers(const TransformerConfig& t) {
    std::vector<LayerWeights> out;
    for (int64_t i = 0; i < t.layers; ++i) {
      LayerWeights layer;
      layer.ln1_weight = gain(t.width);
      layer.ln1_bias = bias(t.width);
      layer.qkv_weight = linear(3 * t.width, t.width);
      layer.qkv_bias = bias(3 * t.width);
      layer.out_weight = linear(t.width, t.width);
      layer.out_bias = bias(t.width);
      layer.ln2_weight = gain(t.width);
      layer.ln2_bias = bias(t.width);
      layer.fc1_weight = linear(t.mlp_width, t.width);
      layer.fc1_bias = bias(t.mlp_width);
      layer.fc2_weight = linear(t.width, t.mlp_width);
      layer.fc2_bias = bias(t.width);
      out.push_back(std::move(layer));
    }
    return out;
  }

 private:
  std::mt19937_64 engine_;
  Backend& backend_;
};

}  // namespace

ClipWeights make_random_weights(const ClipConfig& config, uint64_t seed, Backend& backend) {
  RandomUploader random(seed, backend);
  ClipWeights weights;
  const VisionConfig& v = config.vision;
  const int64_t vw = v.transformer.width;
  weights.vision.patch_weight = random.linear(vw, v.channels * v.patch_size * v.patch_size);
  weights.vision.class_embedding = random.make(static_cast<size_t>(vw), kEmbeddingScale);
  weights.vision.position_embedding =
      random.make(static_cast<size_t>(v.tokens() * vw), kEmbeddingScale);
  weights.vision.ln_pre_weight = random.gain(vw);
  weights.vision.ln_pre_bias = random.bias(vw);
  weights.vision.layers = random.layers(v.transformer);
  weights.vision.ln_post_weight = random.gain(vw);
  weights.vision.ln_post_bias = random.bias(vw);
  weights.vision.projection = random.linear(config.embed_dim, vw);

  const TextConfig& t = config.text;
  const int64_t tw = t.transformer.width;
  weights.text.token_embedding =
      random.make(static_cast<size_t>(t.vocab_size * tw), kEmbeddingScale);
  weights.text.position_embedding =
      random.make(static_cast<size_t>(t.context_length * tw), kEmbeddingScale);
  weights.text.layers = random.layers(t.transformer);
  weights.text.ln_final_weight = random.gain(tw);
  weights.text.ln_final_bias = random.bias(tw);
  weights.text.projection = random.linear(config.embed_dim, tw);
  return weights;
}

}  // namespace clipret::model
