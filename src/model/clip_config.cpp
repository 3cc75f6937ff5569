#include "model/clip_config.h"

#include "core/error.h"

namespace clipret::model {

namespace {

// Sizes beyond this are not a real CLIP; rejecting them keeps later products from overflowing.
constexpr int64_t kMaxDimension = int64_t{1} << 20;

}  // namespace

void validate_transformer_config(const TransformerConfig& t, const char* tower,
                                 const std::string& source) {
  const char* s = source.c_str();
  CLIPRET_CHECK(t.width > 0 && t.width <= kMaxDimension, Corrupt, "%s: %s width %lld is invalid", s,
                tower, static_cast<long long>(t.width));
  CLIPRET_CHECK(t.layers >= 0 && t.layers <= kMaxDimension, Corrupt,
                "%s: %s layer count %lld is invalid", s, tower, static_cast<long long>(t.layers));
  CLIPRET_CHECK(t.heads > 0 && t.width % t.heads == 0, Corrupt,
                "%s: %s width %lld is not divisible by %lld heads", s, tower,
                static_cast<long long>(t.width), static_cast<long long>(t.heads));
  CLIPRET_CHECK(t.mlp_width > 0 && t.mlp_width <= kMaxDimension, Corrupt,
                "%s: %s MLP width %lld is invalid", s, tower, static_cast<long long>(t.mlp_width));
  CLIPRET_CHECK(t.layer_norm_eps >= 0.0f, Corrupt, "%s: %s layer_norm_eps is negative", s, tower);
}

Activation parse_activation(const std::string& name, const std::string& source) {
  if (name == "quick_gelu") return Activation::kQuickGelu;
  if (name == "gelu") return Activation::kGelu;
  CLIPRET_THROW(Unsupported, "%s: hidden_act '%s' is not supported (quick_gelu or gelu)",
                source.c_str(), name.c_str());
}

const char* activation_name(Activation activation) {
  return activation == Activation::kQuickGelu ? "quick_gelu" : "gelu";
}

void validate_clip_config(const ClipConfig& config, const std::string& source) {
  const char* s = source.c_str();
  validate_transformer_config(config.vision.transformer, "vision", source);
  validate_transformer_config(config.text.transformer, "text", source);
  const VisionConfig& v = config.vision;
  CLIPRET_CHECK(v.channels > 0 && v.channels <= 16, Corrupt, "%s: %lld image channels", s,
                static_cast<long long>(v.channels));
  CLIPRET_CHECK(v.patch_size > 0 && v.image_size >= v.patch_size && v.image_size <= kMaxDimension,
                Corrupt, "%s: image size %lld with patch size %lld", s,
                static_cast<long long>(v.image_size), static_cast<long long>(v.patch_size));
  const TextConfig& t = config.text;
  CLIPRET_CHECK(t.vocab_size > 0 && t.vocab_size <= INT32_MAX, Corrupt, "%s: vocab size %lld", s,
                static_cast<long long>(t.vocab_size));
  CLIPRET_CHECK(t.context_length > 0 && t.context_length <= kMaxDimension, Corrupt,
                "%s: context length %lld", s, static_cast<long long>(t.context_length));
  CLIPRET_CHECK(config.embed_dim > 0 && config.embed_dim <= kMaxDimension, Corrupt,
                "%s: embedding size %lld", s, static_cast<long long>(config.embed_dim));
  for (const float sd : config.preprocess.std) {
    CLIPRET_CHECK(sd > 0.0f, Corrupt, "%s: image_std must be positive", s);
  }
}

std::string describe_clip_config(const ClipConfig& config) {
  const TransformerConfig& v = config.vision.transformer;
  const TransformerConfig& t = config.text.transformer;
  return string_printf(
      "vision %lldw/%lldL/%lldh mlp %lld patch %lld @%lld %s, text %lldw/%lldL/%lldh mlp %lld "
      "ctx %lld %s, embed %lld",
      static_cast<long long>(v.width), static_cast<long long>(v.layers),
      static_cast<long long>(v.heads), static_cast<long long>(v.mlp_width),
      static_cast<long long>(config.vision.patch_size),
      static_cast<long long>(config.vision.image_size), activation_name(v.activation),
      static_cast<long long>(t.width), static_cast<long long>(t.layers),
      static_cast<long long>(t.heads), static_cast<long long>(t.mlp_width),
      static_cast<long long>(config.text.context_length), activation_name(t.activation),
      static_cast<long long>(config.embed_dim));
}

ClipConfig vit_b32_config() {
  return ClipConfig{};
}

const char* precision_name(WeightPrecision precision) {
  switch (precision) {
    case WeightPrecision::kBf16:
      return "bf16";
    case WeightPrecision::kInt8:
      return "int8";
    case WeightPrecision::kFp32:
      break;
  }
  return "fp32";
}

WeightPrecision parse_precision(const std::string& text) {
  if (text == "fp32") return WeightPrecision::kFp32;
  if (text == "bf16") return WeightPrecision::kBf16;
  if (text == "int8") return WeightPrecision::kInt8;
  CLIPRET_THROW(InvalidInput, "--precision %s: expected fp32, bf16 or int8", text.c_str());
}

}  // namespace clipret::model
