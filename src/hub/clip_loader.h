// hub/clip_loader.h: everything needed to embed with a named CLIP model (the original's
// `all_clip.load_clip`): the weights, the tokenizer and the image preprocessing.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "hub/hub_options.h"
#include "image/clip_preprocess.h"
#include "model/clip_model.h"
#include "text/clip_tokenizer.h"

namespace clipret::hub {

struct LoadedClip {
  model::ClipModel model;
  // Absent when load_clip was told no text will be embedded (with_tokenizer false).
  std::optional<text::ClipTokenizer> tokenizer;
  image::PreprocessConfig preprocess;  // size, mean and std of this checkpoint
  std::string folder;                  // where its files are
};

// Resolves `clip_model` (hub/model_name.h), downloads it when needed, and loads it. The tokenizer
// comes from the model folder (vocab.json + merges.txt, or bpe_simple_vocab_16e6.txt.gz); a folder
// without one uses OpenAI CLIP's, which every CLIP checkpoint shares, fetched from the hub once.
// with_tokenizer false (images only): no tokenizer is loaded nor fetched.
LoadedClip load_clip(const std::string& clip_model, const HubOptions& hub_options,
                     const model::ClipModelOptions& model_options, bool with_tokenizer = true);

// The preprocessing a model's config asks for.
image::PreprocessConfig preprocess_config_of(const model::ClipConfig& config);

}  // namespace clipret::hub
