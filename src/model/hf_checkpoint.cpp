#include "model/hf_checkpoint.h"

#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "model/json_fields.h"
#include "model/tensor_store.h"
#include "model/transformer.h"
#include "model/weight_loader.h"

namespace clipret::model {

namespace {

// Merges `<name>` and the legacy `<name>_dict` (which overrides) into one object.
nlohmann::json sub_config(const nlohmann::json& top, const std::string& name,
                          const std::string& source) {
  nlohmann::json merged = nlohmann::json::object();
  for (const std::string& key : {name, name + "_dict"}) {
    const auto it = top.find(key);
    if (it == top.end() || it->is_null()) continue;
    CLIPRET_CHECK(it->is_object(), Corrupt, "%s: '%s' must be an object", source.c_str(),
                  key.c_str());
    merged.update(*it);
  }
  return merged;
}

TransformerConfig parse_transformer(const nlohmann::json& c, const TransformerConfig& defaults,
                                    const std::string& source) {
  TransformerConfig t;
  t.width = json_int(c, "hidden_size", defaults.width, source);
  t.layers = json_int(c, "num_hidden_layers", defaults.layers, source);
  t.heads = json_int(c, "num_attention_heads", defaults.heads, source);
  t.mlp_width = json_int(c, "intermediate_size", defaults.mlp_width, source);
  t.activation = parse_activation(json_string(c, "hidden_act", "quick_gelu", source), source);
  t.layer_norm_eps =
      static_cast<float>(json_number(c, "layer_norm_eps", defaults.layer_norm_eps, source));
  return t;
}

// HF sizes are either an int or {"shortest_edge": n} / {"height": h, "width": w}.
int64_t parse_size(const nlohmann::json& value, const char* key, bool& square,
                   const std::string& source) {
  square = false;
  if (value.is_number_integer()) return value.get<int64_t>();
  CLIPRET_CHECK(value.is_object(), Corrupt, "%s: '%s' must be an integer or an object",
                source.c_str(), key);
  if (value.contains("shortest_edge")) return json_int(value, "shortest_edge", 0, source);
  const int64_t height = json_int(value, "height", 0, source);
  const int64_t width = json_int(value, "width", 0, source);
  CLIPRET_CHECK(height == width && height > 0, Unsupported,
                "%s: '%s' of %lldx%lld: only square sizes are supported", source.c_str(), key,
                static_cast<long long>(height), static_cast<long long>(width));
  square = true;
  return height;
}

std::array<float, 3> parse_channels(const nlohmann::json& value, const char* key,
                                    const std::string& source) {
  std::array<float, 3> out{};
  if (value.is_number()) {
    out.fill(value.get<float>());
    return out;
  }
  CLIPRET_CHECK(value.is_array() && value.size() == 3, Corrupt,
                "%s: '%s' must be a list of 3 numbers", source.c_str(), key);
  for (size_t i = 0; i < 3; ++i) {
    CLIPRET_CHECK(value[i].is_number(), Corrupt, "%s: '%s' must hold numbers", source.c_str(), key);
    out[i] = value[i].get<float>();
  }
  return out;
}

LayerWeights load_layer(WeightLoader& loader, const std::string& prefix,
                        const TransformerConfig& t) {
  const int64_t w = t.width;
  const std::string attn = prefix + "self_attn.";
  LayerWeights layer;
  layer.ln1_weight = loader.load(prefix + "layer_norm1.weight", {w});
  layer.ln1_bias = loader.load(prefix + "layer_norm1.bias", {w});
  layer.qkv_weight = loader.load_concat(
      {attn + "q_proj.weight", attn + "k_proj.weight", attn + "v_proj.weight"}, {w, w});
  layer.qkv_bias =
      loader.load_concat({attn + "q_proj.bias", attn + "k_proj.bias", attn + "v_proj.bias"}, {w});
  layer.out_weight = loader.load(attn + "out_proj.weight", {w, w});
  layer.out_bias = loader.load(attn + "out_proj.bias", {w});
  layer.ln2_weight = loader.load(prefix + "layer_norm2.weight", {w});
  layer.ln2_bias = loader.load(prefix + "layer_norm2.bias", {w});
  layer.fc1_weight = loader.load(prefix + "mlp.fc1.weight", {t.mlp_width, w});
  layer.fc1_bias = loader.load(prefix + "mlp.fc1.bias", {t.mlp_width});
  layer.fc2_weight = loader.load(prefix + "mlp.fc2.weight", {w, t.mlp_width});
  layer.fc2_bias = loader.load(prefix + "mlp.fc2.bias", {w});
  return layer;
}

std::vector<LayerWeights> load_layers(WeightLoader& loader, const std::string& tower,
                                      const TransformerConfig& t) {
  const std::string prefix = tower + ".encoder.layers.";
  const std::string extra = prefix + std::to_string(t.layers) + ".layer_norm1.weight";
  CLIPRET_CHECK(!loader.store().has(extra), Corrupt,
                "%s: the config gives %s %lld layers but the checkpoint has tensor '%s'",
                loader.store().path().c_str(), tower.c_str(), static_cast<long long>(t.layers),
                extra.c_str());
  std::vector<LayerWeights> layers;
  for (int64_t i = 0; i < t.layers; ++i) {
    layers.push_back(load_layer(loader, prefix + std::to_string(i) + ".", t));
    convert_layer_weights(loader.backend(), t, layers.back());
  }
  return layers;
}

}  // namespace

bool is_hf_checkpoint(const std::string& folder) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path root(folder);
  return fs::is_regular_file(root / kHfConfigFile, ec) && !weights_file_in(folder).empty();
}

ClipConfig parse_hf_config(const std::string& json_text, const std::string& source) {
  const nlohmann::json top = parse_json_text(json_text, source);
  ClipConfig config;
  config.embed_dim = json_int(top, "projection_dim", 512, source);

  const nlohmann::json text = sub_config(top, "text_config", source);
  const std::string text_source = source + " text_config";
  config.text.transformer = parse_transformer(text, TextConfig{}.transformer, text_source);
  config.text.vocab_size = json_int(text, "vocab_size", 49408, text_source);
  config.text.context_length = json_int(text, "max_position_embeddings", 77, text_source);
  config.text.eos_token_id =
      static_cast<int32_t>(json_int(text, "eos_token_id", 49407, text_source));

  const nlohmann::json vision = sub_config(top, "vision_config", source);
  const std::string vision_source = source + " vision_config";
  config.vision.transformer = parse_transformer(vision, VisionConfig{}.transformer, vision_source);
  config.vision.image_size = json_int(vision, "image_size", 224, vision_source);
  config.vision.patch_size = json_int(vision, "patch_size", 32, vision_source);
  config.vision.channels = json_int(vision, "num_channels", 3, vision_source);

  config.preprocess.resize_size = config.vision.image_size;
  config.preprocess.crop_size = config.vision.image_size;
  validate_clip_config(config, source);
  return config;
}

void apply_hf_preprocessor_config(const std::string& json_text, const std::string& source,
                                  ImagePreprocess& preprocess) {
  const nlohmann::json top = parse_json_text(json_text, source);
  if (top.contains("image_mean") && !top["image_mean"].is_null()) {
    preprocess.mean = parse_channels(top["image_mean"], "image_mean", source);
  }
  if (top.contains("image_std") && !top["image_std"].is_null()) {
    preprocess.std = parse_channels(top["image_std"], "image_std", source);
  }
  bool square = false;
  if (top.contains("size") && !top["size"].is_null()) {
    preprocess.resize_size = parse_size(top["size"], "size", square, source);
    preprocess.resize_mode = square ? "squash" : "shortest";
  }
  if (top.contains("crop_size") && !top["crop_size"].is_null()) {
    preprocess.crop_size = parse_size(top["crop_size"], "crop_size", square, source);
  }
  CLIPRET_CHECK(preprocess.resize_size > 0 && preprocess.crop_size > 0, Corrupt,
                "%s: size and crop_size must be positive", source.c_str());
}

ClipCheckpoint load_hf_checkpoint(const std::string& folder, Backend& backend) {
  namespace fs = std::filesystem;
  const fs::path root(folder);
  const std::string config_path = (root / kHfConfigFile).string();
  const nlohmann::json config_json = read_json_file(config_path);
  ClipCheckpoint checkpoint;
  ClipConfig& config = checkpoint.config;
  config = parse_hf_config(config_json.dump(), config_path);
  std::error_code ec;
  const fs::path preprocessor = root / kHfPreprocessorFile;
  if (fs::is_regular_file(preprocessor, ec)) {
    apply_hf_preprocessor_config(read_json_file(preprocessor.string()).dump(),
                                 preprocessor.string(), config.preprocess);
  }

  const TensorStore store = TensorStore::open(find_weights_file(folder));
  WeightLoader loader(store, backend);

  const VisionConfig& v = config.vision;
  const int64_t vw = v.transformer.width;
  VisionWeights& vision = checkpoint.weights.vision;
  vision.patch_weight = loader.load("vision_model.embeddings.patch_embedding.weight",
                                    {vw, v.channels, v.patch_size, v.patch_size});
  vision.class_embedding = loader.load("vision_model.embeddings.class_embedding", {vw});
  vision.position_embedding =
      loader.load("vision_model.embeddings.position_embedding.weight", {v.tokens(), vw});
  vision.ln_pre_weight = loader.load("vision_model.pre_layrnorm.weight", {vw});
  vision.ln_pre_bias = loader.load("vision_model.pre_layrnorm.bias", {vw});
  vision.layers = load_layers(loader, "vision_model", v.transformer);
  vision.ln_post_weight = loader.load("vision_model.post_layernorm.weight", {vw});
  vision.ln_post_bias = loader.load("vision_model.post_layernorm.bias", {vw});
  vision.projection = loader.load("visual_projection.weight", {config.embed_dim, vw});

  const TextConfig& t = config.text;
  const int64_t tw = t.transformer.width;
  TextWeights& text = checkpoint.weights.text;
  text.token_embedding =
      loader.load("text_model.embeddings.token_embedding.weight", {t.vocab_size, tw});
  text.position_embedding =
      loader.load("text_model.embeddings.position_embedding.weight", {t.context_length, tw});
  text.layers = load_layers(loader, "text_model", t.transformer);
  text.ln_final_weight = loader.load("text_model.final_layer_norm.weight", {tw});
  text.ln_final_bias = loader.load("text_model.final_layer_norm.bias", {tw});
  text.projection = loader.load("text_projection.weight", {config.embed_dim, tw});
  return checkpoint;
}

}  // namespace clipret::model
