// hub/mclip_loader.h: everything needed to embed text with a multilingual model (the original's
// `--use_mclip`): the sentence encoder and its tokenizer.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "hub/hub_options.h"
#include "model/sentence_encoder.h"
#include "text/subword_tokenizer.h"

namespace clipret::hub {

// The default of `inference --mclip_model` (clip-inference-notes §3.6).
inline constexpr const char kDefaultInferenceMclipModel[] =
    "sentence-transformers/clip-ViT-B-32-multilingual-v1";

struct LoadedMclip {
  model::SentenceEncoder model;
  std::unique_ptr<text::SubwordTokenizer> tokenizer;
  std::string folder;  // where its files are
};

// The M-CLIP model the original's back pairs with an index's CLIP model: ViT-B/32 →
// M-CLIP/XLM-Roberta-Large-Vit-B-32, ViT-L/14 → M-CLIP/XLM-Roberta-Large-Vit-L-14; empty for
// every other model (the original has no multilingual model for them).
std::string mclip_model_for_clip(const std::string& clip_model);

// Resolves `mclip_model` (a folder or a hub repository, hub/model_name.h), downloads it when
// needed and loads it. `option` names the option in errors ("mclip_model").
LoadedMclip load_mclip(const std::string& mclip_model, const char* option,
                       const HubOptions& hub_options,
                       const model::SentenceEncoderOptions& model_options);

// The token ids of each text (the model's tokenizer, truncated to its max_tokens).
std::vector<std::vector<int32_t>> tokenize_mclip_texts(const LoadedMclip& mclip,
                                                       const std::vector<std::string>& texts);

// out (texts.size() x embed_dim, caller owns) = the L2-normalised embeddings of `texts`
// (tokenized with the model's tokenizer, truncated to its max_tokens).
void embed_mclip_texts(LoadedMclip& mclip, const std::vector<std::string>& texts, float* out);

}  // namespace clipret::hub
