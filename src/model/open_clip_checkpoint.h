// model/open_clip_checkpoint.h: OpenCLIP / OpenAI state dicts saved as safetensors:
// open_clip_model.safetensors + open_clip_config.json ({"model_cfg": {...}, "preprocess_cfg":
// {...}}), names as in clip-inference-notes §2.2.
//
// Fused attention in_proj weights stay fused (our internal layout), and `visual.proj` /
// `text_projection` (width x embed_dim, applied as x @ proj) are transposed into Linear layout.
// Only the standard ViT CLIP is supported: ResNet towers, HF text towers, attentional pooling,
// LayerScale and other options throw Error(kUnsupported).
#pragma once

#include <string>

#include "model/clip_weights.h"

namespace clipret::model {

inline constexpr const char* kOpenClipConfigFile = "open_clip_config.json";
inline constexpr const char* kOpenClipWeightsFile = "open_clip_model.safetensors";

// True when `folder` holds open_clip_config.json and open_clip_model.safetensors.
bool is_open_clip_checkpoint(const std::string& folder);

// Parses open_clip_config.json text (or a bare model config without "model_cfg").
ClipConfig parse_open_clip_config(const std::string& json_text, const std::string& source);

ClipCheckpoint load_open_clip_checkpoint(const std::string& folder, Backend& backend);

}  // namespace clipret::model
