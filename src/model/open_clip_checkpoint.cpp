#include "model/open_clip_checkpoint.h"

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "model/json_fields.h"
#include "model/tensor_store.h"
#include "model/transformer.h"
#include "model/weight_loader.h"

namespace clipret::model {

namespace {

// open_clip's CLIPVisionCfg / CLIPTextCfg defaults.
constexpr int64_t kDefaultHeadWidth = 64;
constexpr double kDefaultMlpRatio = 4.0;
constexpr double kDefaultLayerNormEps = 1e-5;

nlohmann::json object_field(const nlohmann::json& obj, const char* key, const std::string& source) {
  const auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return nlohmann::json::object();
  CLIPRET_CHECK(it->is_object(), Corrupt, "%s: '%s' must be an object", source.c_str(), key);
  return *it;
}

// Options that change the architecture away from the standard CLIP ViT.
void reject_unsupported(const nlohmann::json& cfg, const char* tower, const std::string& source) {
  const char* s = source.c_str();
  for (const char* key : {"timm_model_name", "hf_model_name", "ls_init_value"}) {
    CLIPRET_CHECK(!cfg.contains(key) || cfg[key].is_null(), Unsupported,
                  "%s: %s option '%s' is not supported", s, tower, key);
  }
  for (const char* key : {"attentional_pool", "no_ln_pre", "final_ln_after_pool", "no_causal_mask",
                          "proj_bias", "embed_cls", "attn_pooler_heads"}) {
    CLIPRET_CHECK(!json_bool(cfg, key, false, source), Unsupported,
                  "%s: %s option '%s' is not supported", s, tower, key);
  }
  const std::string pool = json_string(cfg, "pool_type", "", source);
  CLIPRET_CHECK(pool.empty() || pool == "tok" || pool == "argmax", Unsupported,
                "%s: %s pool_type '%s' is not supported", s, tower, pool.c_str());
  const std::string proj = json_string(cfg, "proj_type", "linear", source);
  CLIPRET_CHECK(proj == "linear", Unsupported, "%s: %s proj_type '%s' is not supported", s, tower,
                proj.c_str());
}

TransformerConfig parse_tower(const nlohmann::json& cfg, int64_t default_width, int64_t heads,
                              Activation activation, const std::string& source) {
  TransformerConfig t;
  t.width = json_int(cfg, "width", default_width, source);
  t.layers = json_int(cfg, "layers", 12, source);
  t.heads = heads > 0 ? heads : t.width / json_int(cfg, "head_width", kDefaultHeadWidth, source);
  t.mlp_width = static_cast<int64_t>(static_cast<double>(t.width) *
                                     json_number(cfg, "mlp_ratio", kDefaultMlpRatio, source));
  t.activation = activation;
  const nlohmann::json norm = object_field(cfg, "norm_kwargs", source);
  t.layer_norm_eps = static_cast<float>(json_number(norm, "eps", kDefaultLayerNormEps, source));
  return t;
}

LayerWeights load_layer(WeightLoader& loader, const std::string& prefix,
                        const TransformerConfig& t) {
  const int64_t w = t.width;
  LayerWeights layer;
  layer.ln1_weight = loader.load(prefix + "ln_1.weight", {w});
  layer.ln1_bias = loader.load(prefix + "ln_1.bias", {w});
  layer.qkv_weight = loader.load(prefix + "attn.in_proj_weight", {3 * w, w});
  layer.qkv_bias = loader.load(prefix + "attn.in_proj_bias", {3 * w});
  layer.out_weight = loader.load(prefix + "attn.out_proj.weight", {w, w});
  layer.out_bias = loader.load(prefix + "attn.out_proj.bias", {w});
  layer.ln2_weight = loader.load(prefix + "ln_2.weight", {w});
  layer.ln2_bias = loader.load(prefix + "ln_2.bias", {w});
  layer.fc1_weight = loader.load(prefix + "mlp.c_fc.weight", {t.mlp_width, w});
  layer.fc1_bias = loader.load(prefix + "mlp.c_fc.bias", {t.mlp_width});
  layer.fc2_weight = loader.load(prefix + "mlp.c_proj.weight", {w, t.mlp_width});
  layer.fc2_bias = loader.load(prefix + "mlp.c_proj.bias", {w});
  return layer;
}

std::vector<LayerWeights> load_layers(WeightLoader& loader, const std::string& prefix,
                                      const TransformerConfig& t) {
  const std::string extra = prefix + std::to_string(t.layers) + ".ln_1.weight";
  CLIPRET_CHECK(!loader.store().has(extra), Corrupt,
                "%s: the config gives %lld layers but the checkpoint has tensor '%s'",
                loader.store().path().c_str(), static_cast<long long>(t.layers), extra.c_str());
  std::vector<LayerWeights> layers;
  for (int64_t i = 0; i < t.layers; ++i) {
    layers.push_back(load_layer(loader, prefix + std::to_string(i) + ".", t));
    convert_layer_weights(loader.backend(), t, layers.back());
  }
  return layers;
}

std::array<float, 3> channels(const nlohmann::json& cfg, const char* key,
                              const std::array<float, 3>& fallback, const std::string& source) {
  const auto it = cfg.find(key);
  if (it == cfg.end() || it->is_null()) return fallback;
  CLIPRET_CHECK(it->is_array() && it->size() == 3, Corrupt, "%s: '%s' must be 3 numbers",
                source.c_str(), key);
  std::array<float, 3> out{};
  for (size_t i = 0; i < 3; ++i) {
    CLIPRET_CHECK((*it)[i].is_number(), Corrupt, "%s: '%s' must be 3 numbers", source.c_str(), key);
    out[i] = (*it)[i].get<float>();
  }
  return out;
}

}  // namespace

bool is_open_clip_checkpoint(const std::string& folder) {
  namespace fs = std::filesystem;
  std::error_code ec;
  return fs::is_regular_file(fs::path(folder) / kOpenClipConfigFile, ec) &&
         fs::is_regular_file(fs::path(folder) / kOpenClipWeightsFile, ec);
}

ClipConfig parse_open_clip_config(const std::string& json_text, const std::string& source) {
  const nlohmann::json top = parse_json_text(json_text, source);
  const nlohmann::json model =
      top.contains("model_cfg") ? object_field(top, "model_cfg", source) : top;
  const nlohmann::json vision = object_field(model, "vision_cfg", source);
  const nlohmann::json text = object_field(model, "text_cfg", source);
  CLIPRET_CHECK(!vision.contains("layers") || vision["layers"].is_number_integer(), Unsupported,
                "%s: ResNet vision towers are not supported", source.c_str());
  reject_unsupported(vision, "vision_cfg", source);
  reject_unsupported(text, "text_cfg", source);

  ClipConfig config;
  const Activation activation =
      json_bool(model, "quick_gelu", false, source) ? Activation::kQuickGelu : Activation::kGelu;
  CLIPRET_CHECK(model.contains("embed_dim"), Corrupt, "%s: model_cfg lacks 'embed_dim'",
                source.c_str());
  config.embed_dim = json_int(model, "embed_dim", 0, source);
  config.vision.transformer = parse_tower(vision, 768, 0, activation, source + " vision_cfg");
  config.vision.image_size = json_int(vision, "image_size", 224, source);
  config.vision.patch_size = json_int(vision, "patch_size", 16, source);
  config.text.transformer =
      parse_tower(text, 512, json_int(text, "heads", 8, source), activation, source + " text_cfg");
  config.text.context_length = json_int(text, "context_length", 77, source);
  config.text.vocab_size = json_int(text, "vocab_size", 49408, source);

  const nlohmann::json preprocess = object_field(top, "preprocess_cfg", source);
  ImagePreprocess& p = config.preprocess;
  p.mean = channels(preprocess, "mean", kClipImageMean, source);
  p.std = channels(preprocess, "std", kClipImageStd, source);
  p.crop_size = config.vision.image_size;
  p.resize_size = config.vision.image_size;
  p.resize_mode = json_string(preprocess, "resize_mode", "shortest", source);
  p.interpolation = json_string(preprocess, "interpolation", "bicubic", source);
  validate_clip_config(config, source);
  return config;
}

ClipCheckpoint load_open_clip_checkpoint(const std::string& folder, Backend& backend) {
  namespace fs = std::filesystem;
  const std::string config_path = (fs::path(folder) / kOpenClipConfigFile).string();
  ClipCheckpoint checkpoint;
  ClipConfig& config = checkpoint.config;
  config = parse_open_clip_config(read_json_file(config_path).dump(), config_path);
  const TensorStore store = TensorStore::open((fs::path(folder) / kOpenClipWeightsFile).string());
  WeightLoader loader(store, backend);

  const VisionConfig& v = config.vision;
  const int64_t vw = v.transformer.width;
  VisionWeights& vision = checkpoint.weights.vision;
  vision.patch_weight =
      loader.load("visual.conv1.weight", {vw, v.channels, v.patch_size, v.patch_size});
  CLIPRET_CHECK(!store.has("visual.conv1.bias"), Unsupported,
                "%s: a patch-embedding bias (visual.conv1.bias) is not supported",
                store.path().c_str());
  vision.class_embedding = loader.load("visual.class_embedding", {vw});
  vision.position_embedding = loader.load("visual.positional_embedding", {v.tokens(), vw});
  vision.ln_pre_weight = loader.load("visual.ln_pre.weight", {vw});
  vision.ln_pre_bias = loader.load("visual.ln_pre.bias", {vw});
  vision.layers = load_layers(loader, "visual.transformer.resblocks.", v.transformer);
  vision.ln_post_weight = loader.load("visual.ln_post.weight", {vw});
  vision.ln_post_bias = loader.load("visual.ln_post.bias", {vw});
  vision.projection = loader.load_transposed("visual.proj", vw, config.embed_dim);

  const TextConfig& t = config.text;
  const int64_t tw = t.transformer.width;
  TextWeights& text = checkpoint.weights.text;
  text.token_embedding = loader.load("token_embedding.weight", {t.vocab_size, tw});
  text.position_embedding = loader.load("positional_embedding", {t.context_length, tw});
  text.layers = load_layers(loader, "transformer.resblocks.", t.transformer);
  text.ln_final_weight = loader.load("ln_final.weight", {tw});
  text.ln_final_bias = loader.load("ln_final.bias", {tw});
  text.projection = loader.load_transposed("text_projection", tw, config.embed_dim);
  return checkpoint;
}

}  // namespace clipret::model
