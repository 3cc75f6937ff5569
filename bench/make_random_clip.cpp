// bench/make_random_clip.cpp: writes a full-size ViT-B/32 CLIP with random weights as a Hugging
// Face model folder, so the whole CLI can be benchmarked without downloading a checkpoint.
//
//   build-bench/bench/make_random_clip FOLDER [SEED]
//   clip-retrieval inference --clip_model FOLDER ...
//
// FOLDER gets config.json, model.safetensors (float32, ~600 MB) with the weights of
// ClipModel::with_random_weights(vit_b32_config(), SEED) (default seed 1) under the
// transformers CLIPModel names, and the tokenizer (vocab.json, merges.txt) copied from the
// fixtures. The folder is then loaded back and checked against the in-memory model.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/clip_model.h"
#include "model/cpu/cpu_backend.h"
#include "model/random_weights.h"
#include "model/safetensors_writer.h"

namespace {

namespace fs = std::filesystem;
using namespace clipret::model;

class TensorList {
 public:
  explicit TensorList(Backend& backend) : backend_(backend) {}

  // Adds buffer[offset, offset + product(shape)) as `name`.
  void add(const std::string& name, const Buffer& buffer, std::vector<int64_t> shape,
           size_t offset = 0) {
    size_t count = 1;
    for (int64_t d : shape) count *= static_cast<size_t>(d);
    std::vector<float> values(count);
    backend_.download(buffer, offset, count, values.data());
    tensors_.push_back({name, std::move(shape), std::move(values)});
  }

  void add_layers(const std::string& tower, const std::vector<LayerWeights>& layers,
                  const TransformerConfig& t) {
    const int64_t w = t.width;
    const size_t ww = static_cast<size_t>(w * w);
    for (size_t i = 0; i < layers.size(); ++i) {
      const std::string p = tower + ".encoder.layers." + std::to_string(i) + ".";
      const LayerWeights& l = layers[i];
      add(p + "layer_norm1.weight", l.ln1_weight, {w});
      add(p + "layer_norm1.bias", l.ln1_bias, {w});
      const char* names[] = {"q_proj", "k_proj", "v_proj"};
      for (size_t j = 0; j < 3; ++j) {
        add(p + "self_attn." + names[j] + ".weight", l.qkv_weight.fp32, {w, w}, j * ww);
        add(p + "self_attn." + names[j] + ".bias", l.qkv_bias, {w}, j * static_cast<size_t>(w));
      }
      add(p + "self_attn.out_proj.weight", l.out_weight.fp32, {w, w});
      add(p + "self_attn.out_proj.bias", l.out_bias, {w});
      add(p + "layer_norm2.weight", l.ln2_weight, {w});
      add(p + "layer_norm2.bias", l.ln2_bias, {w});
      add(p + "mlp.fc1.weight", l.fc1_weight.fp32, {t.mlp_width, w});
      add(p + "mlp.fc1.bias", l.fc1_bias, {t.mlp_width});
      add(p + "mlp.fc2.weight", l.fc2_weight.fp32, {w, t.mlp_width});
      add(p + "mlp.fc2.bias", l.fc2_bias, {w});
    }
  }

  const std::vector<SafetensorsTensorData>& tensors() const { return tensors_; }

 private:
  Backend& backend_;
  std::vector<SafetensorsTensorData> tensors_;
};

std::vector<SafetensorsTensorData> hf_tensors(const ClipConfig& c, const ClipWeights& weights,
                                              Backend& backend) {
  TensorList list(backend);
  const VisionConfig& v = c.vision;
  const int64_t vw = v.transformer.width;
  const VisionWeights& vision = weights.vision;
  list.add("vision_model.embeddings.patch_embedding.weight", vision.patch_weight,
           {vw, v.channels, v.patch_size, v.patch_size});
  list.add("vision_model.embeddings.class_embedding", vision.class_embedding, {vw});
  list.add("vision_model.embeddings.position_embedding.weight", vision.position_embedding,
           {v.tokens(), vw});
  list.add("vision_model.pre_layrnorm.weight", vision.ln_pre_weight, {vw});
  list.add("vision_model.pre_layrnorm.bias", vision.ln_pre_bias, {vw});
  list.add_layers("vision_model", vision.layers, v.transformer);
  list.add("vision_model.post_layernorm.weight", vision.ln_post_weight, {vw});
  list.add("vision_model.post_layernorm.bias", vision.ln_post_bias, {vw});
  list.add("visual_projection.weight", vision.projection, {c.embed_dim, vw});

  const TextConfig& t = c.text;
  const int64_t tw = t.transformer.width;
  const TextWeights& text = weights.text;
  list.add("text_model.embeddings.token_embedding.weight", text.token_embedding,
           {t.vocab_size, tw});
  list.add("text_model.embeddings.position_embedding.weight", text.position_embedding,
           {t.context_length, tw});
  list.add_layers("text_model", text.layers, t.transformer);
  list.add("text_model.final_layer_norm.weight", text.ln_final_weight, {tw});
  list.add("text_model.final_layer_norm.bias", text.ln_final_bias, {tw});
  list.add("text_projection.weight", text.projection, {c.embed_dim, tw});
  return list.tensors();
}

// The float as the short decimal a Python config holds (1e-05, not 9.99999974e-06).
double shortest(float value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", static_cast<double>(value));
  return std::strtod(text, nullptr);
}

nlohmann::json transformer_json(const TransformerConfig& t) {
  return {{"hidden_size", t.width},
          {"num_hidden_layers", t.layers},
          {"num_attention_heads", t.heads},
          {"intermediate_size", t.mlp_width},
          {"hidden_act", activation_name(t.activation)},
          {"layer_norm_eps", shortest(t.layer_norm_eps)}};
}

std::string hf_config_json(const ClipConfig& c) {
  nlohmann::json text = transformer_json(c.text.transformer);
  text["vocab_size"] = c.text.vocab_size;
  text["max_position_embeddings"] = c.text.context_length;
  text["eos_token_id"] = c.text.eos_token_id;
  nlohmann::json vision = transformer_json(c.vision.transformer);
  vision["image_size"] = c.vision.image_size;
  vision["patch_size"] = c.vision.patch_size;
  vision["num_channels"] = c.vision.channels;
  const nlohmann::json top = {{"architectures", {"CLIPModel"}},
                              {"model_type", "clip"},
                              {"projection_dim", c.embed_dim},
                              {"text_config", text},
                              {"vision_config", vision}};
  return top.dump(2) + "\n";
}

// Largest |a - b| between the embeddings of one image and one text from both models.
float max_difference(ClipModel& a, ClipModel& b) {
  const size_t pixels = static_cast<size_t>(3 * a.image_size() * a.image_size());
  std::vector<float> image(pixels);
  for (size_t i = 0; i < pixels; ++i) image[i] = std::sin(static_cast<float>(i));
  std::vector<int32_t> ids(static_cast<size_t>(a.context_length()), 0);
  const int32_t words[] = {49406, 320, 1125, 539, 320, 1929, 49407};
  std::copy(std::begin(words), std::end(words), ids.begin());
  const size_t e = static_cast<size_t>(a.embed_dim());
  std::vector<float> out_a(2 * e), out_b(2 * e);
  a.encode_image(image.data(), 1, out_a.data());
  a.encode_text(ids.data(), 1, out_a.data() + e);
  b.encode_image(image.data(), 1, out_b.data());
  b.encode_text(ids.data(), 1, out_b.data() + e);
  float diff = 0.0f;
  for (size_t i = 0; i < 2 * e; ++i) diff = std::max(diff, std::fabs(out_a[i] - out_b[i]));
  return diff;
}

int run(const fs::path& folder, uint64_t seed) {
  const ClipConfig config = vit_b32_config();
  fs::create_directories(folder);
  {
    CpuBackend backend;
    const ClipWeights weights = make_random_weights(config, seed, backend);
    write_safetensors((folder / "model.safetensors").string(), hf_tensors(config, weights, backend),
                      {{"format", "pt"}});
  }
  std::ofstream(folder / "config.json") << hf_config_json(config);
  const fs::path tokenizer = fs::path(CLIPRET_FIXTURES) / "tokenizer";
  for (const char* file : {"vocab.json", "merges.txt"}) {
    fs::copy_file(tokenizer / file, folder / file, fs::copy_options::overwrite_existing);
    fs::permissions(folder / file, fs::perms::owner_write, fs::perm_options::add);
  }
  ClipModel loaded = ClipModel::load(folder.string());
  ClipModel reference = ClipModel::with_random_weights(config, seed);
  const float diff = max_difference(loaded, reference);
  std::printf("wrote %s (ViT-B/32, random weights, seed %llu); max |loaded - in-memory| = %g\n",
              folder.c_str(), static_cast<unsigned long long>(seed), diff);
  return diff == 0.0f ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2 || argc > 3) {
    std::fprintf(stderr, "usage: %s FOLDER [SEED]\n", argv[0]);
    return 2;
  }
  try {
    return run(argv[1], argc == 3 ? std::strtoull(argv[2], nullptr, 10) : 1);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "make_random_clip: %s\n", e.what());
    return 1;
  }
}
