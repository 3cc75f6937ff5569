// model/hf_checkpoint.h: Hugging Face `CLIPModel` checkpoints: config.json (+ optional
// preprocessor_config.json) and model.safetensors, pytorch_model.bin, or a sharded index of
// either (model/tensor_store.h: weights_file_in).
//
// Missing config fields take the transformers defaults (clip-inference-notes §2.1); the
// top-level projection_dim wins over the sub-configs'. Every size is cross-checked against the
// tensor shapes.
#pragma once

#include <string>

#include "model/clip_weights.h"

namespace clipret::model {

inline constexpr const char* kHfConfigFile = "config.json";
inline constexpr const char* kHfPreprocessorFile = "preprocessor_config.json";

// True when `folder` holds config.json and weights (weights_file_in).
bool is_hf_checkpoint(const std::string& folder);

// Parses config.json text (`source` names it in errors). Throws Error(kCorrupt) for wrong field
// types or sizes, Error(kUnsupported) for a hidden_act other than quick_gelu/gelu.
ClipConfig parse_hf_config(const std::string& json_text, const std::string& source);

// Overlays image_mean/image_std/size/crop_size of preprocessor_config.json text onto `preprocess`.
void apply_hf_preprocessor_config(const std::string& json_text, const std::string& source,
                                  ImagePreprocess& preprocess);

// Loads config and weights into `backend`. Throws Error(kNotFound) for missing files,
// Error(kCorrupt) when the weights disagree with the config or each other.
ClipCheckpoint load_hf_checkpoint(const std::string& folder, Backend& backend);

}  // namespace clipret::model
