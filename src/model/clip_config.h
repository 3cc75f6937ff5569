// model/clip_config.h: the one internal description of a CLIP model, whatever its checkpoint
// layout (Hugging Face CLIPModel or OpenCLIP/OpenAI).
//
// Sizes follow clip-inference-notes §1.5; loaders fill it from config files and check it
// against tensor shapes. Defaults are those of OpenAI ViT-B/32.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace clipret::model {

enum class Activation {
  kQuickGelu,  // x * sigmoid(1.702 x): OpenAI CLIP, HF "quick_gelu", open_clip quick_gelu=True
  kGelu,       // exact erf GELU: HF "gelu", open_clip's default
};

const char* activation_name(Activation activation);
// "quick_gelu" or "gelu" (a config's hidden_act); Error(kUnsupported) naming `source` otherwise.
Activation parse_activation(const std::string& name, const std::string& source);

// The stack of pre-LN residual attention blocks shared by both towers.
// The precision a backend keeps the blocks' Linear weights in (--precision): fp32, bfloat16
// (half the memory; products in bfloat16 or widened to fp32, as the CPU allows), or int8
// (dynamic quantisation: int8 weights with a scale per output channel, activations quantised
// per token at each product; a quarter of the memory).
enum class WeightPrecision { kFp32, kBf16, kInt8 };

// "fp32" / "bf16" / "int8" (the --precision values); parse throws Error(kInvalidInput) naming
// the value.
const char* precision_name(WeightPrecision precision);
WeightPrecision parse_precision(const std::string& text);

struct TransformerConfig {
  int64_t width = 768;       // hidden size
  int64_t layers = 12;       // residual blocks
  int64_t heads = 12;        // attention heads; width % heads == 0
  int64_t mlp_width = 3072;  // hidden size of the MLP (fc1 output)
  Activation activation = Activation::kQuickGelu;
  float layer_norm_eps = 1e-5f;

  int64_t head_dim() const { return width / heads; }
};

// Throws Error(kCorrupt) naming `source` and `tower` for sizes that are not positive, too large,
// or heads that do not divide the width.
void validate_transformer_config(const TransformerConfig& t, const char* tower,
                                 const std::string& source);

struct VisionConfig {
  TransformerConfig transformer;
  int64_t image_size = 224;  // input is channels x image_size x image_size
  int64_t patch_size = 32;
  int64_t channels = 3;

  int64_t grid() const { return image_size / patch_size; }
  // Class token + one token per patch.
  int64_t tokens() const { return grid() * grid() + 1; }
};

struct TextConfig {
  TransformerConfig transformer{512, 12, 8, 2048, Activation::kQuickGelu, 1e-5f};
  int64_t vocab_size = 49408;
  int64_t context_length = 77;   // ids per text
  int32_t eos_token_id = 49407;  // informational: pooling takes the first highest id
};

// CLIP's mean/std (OpenAI), used when a checkpoint does not say.
inline constexpr std::array<float, 3> kClipImageMean = {0.48145466f, 0.4578275f, 0.40821073f};
inline constexpr std::array<float, 3> kClipImageStd = {0.26862954f, 0.26130258f, 0.27577711f};

// How images must be prepared for the vision tower: resize, crop, then per-channel
// (x / 255 - mean) / std. From preprocessor_config.json (HF) or preprocess_cfg (open_clip).
struct ImagePreprocess {
  std::array<float, 3> mean = kClipImageMean;  // R, G, B
  std::array<float, 3> std = kClipImageStd;
  int64_t resize_size = 224;             // shortest edge after resize (HF `size`)
  int64_t crop_size = 224;               // centre crop, = the vision image_size (HF `crop_size`)
  std::string resize_mode = "shortest";  // open_clip: "shortest", "longest" or "squash"
  std::string interpolation = "bicubic";
};

struct ClipConfig {
  VisionConfig vision;
  TextConfig text;
  int64_t embed_dim = 512;  // output size of both projections
  ImagePreprocess preprocess;
};

// Throws Error(kCorrupt) naming `source` when sizes are non-positive or inconsistent (width not
// divisible by heads, image smaller than a patch, ...).
void validate_clip_config(const ClipConfig& config, const std::string& source);

// One line for logs: "vision 768w/12L/12h patch 32 @224 quick_gelu, text 512w/12L/8h, embed 512".
std::string describe_clip_config(const ClipConfig& config);

// OpenAI ViT-B/32 sizes (the struct defaults), for benchmarks and tests.
ClipConfig vit_b32_config();

}  // namespace clipret::model
