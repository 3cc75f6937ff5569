// model/sentence_checkpoint.h: the two folder layouts of the multilingual text encoders the
// original uses (clip-inference-notes §3.6), loaded into model/bert_encoder.h's weights.
//
// - sentence-transformers: modules.json lists a Transformer (its folder holds config.json of a
//   DistilBERT/BERT/XLM-R model, its weights and tokenizer), a mean Pooling and optionally a
//   Dense projection (2_Dense/: config.json, `linear.weight` [+ `linear.bias`], identity
//   activation) and a Normalize. max_seq_length from sentence_bert_config.json, else the
//   tokenizer's model_max_length.
// - M-CLIP (multilingual_clip): config.json {"model_type": "M-CLIP", "modelBase",
//   "numDims", "transformerDimensions"}; weights `transformer.*` (the base model) and
//   `LinearTransformation.{weight,bias}`; the tokenizer beside them. The base's sizes come from
//   a folder named by modelBase (relative to the model folder, or as given) or, for the hub's
//   xlm-roberta-large/base, from known constants.
// Weights are model.safetensors, pytorch_model.bin, or a sharded index of either.
#pragma once

#include <string>

#include "model/bert_encoder.h"

namespace clipret::model {

enum class SentenceLayout { kSentenceTransformers, kMClip };

struct SentenceCheckpoint {
  SentenceLayout layout = SentenceLayout::kSentenceTransformers;
  SentenceEncoderConfig config;
  BertWeights weights;
  std::string tokenizer_folder;  // where the tokenizer files are
};

// True when `folder` holds a modules.json or an M-CLIP config.json.
bool is_sentence_checkpoint(const std::string& folder);

// Loads config and weights into `backend`. Throws Error(kNotFound) for missing files,
// Error(kUnsupported) for other module kinds (pooling other than mean, a non-identity Dense
// activation, an unknown model type), Error(kCorrupt) when weights disagree with the config.
SentenceCheckpoint load_sentence_checkpoint(const std::string& folder, Backend& backend);

}  // namespace clipret::model
