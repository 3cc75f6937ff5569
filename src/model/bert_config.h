// model/bert_config.h: the one internal description of a BERT-family sentence encoder used for
// multilingual search (clip-inference-notes §3.6): DistilBERT (sentence-transformers'
// clip-ViT-B-32-multilingual-v1) and XLM-RoBERTa (M-CLIP). Both are stacks of post-LN blocks
//   h = LN_1(h + out(attention(h)));  h = LN_2(h + fc2(act(fc1(h))))
// over word + position (+ token type) embeddings and an embedding LayerNorm, followed by
// attention-masked mean pooling and a linear projection.
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "model/clip_config.h"

namespace clipret::model {

// Which tensor names the checkpoint uses; the computation is the same.
enum class BertFamily {
  kDistilBert,  // transformer.layer.{i}.attention.q_lin, sa_layer_norm, ffn.lin1, ...
  kBert,        // encoder.layer.{i}.attention.self.query, ... (BERT, RoBERTa, XLM-RoBERTa)
};

struct BertConfig {
  BertFamily family = BertFamily::kDistilBert;
  // Sizes, activation and LayerNorm epsilon of the blocks (shared with the CLIP towers).
  TransformerConfig transformer{768, 6, 12, 3072, Activation::kGelu, 1e-12f};
  int64_t vocab_size = 119547;
  int64_t max_positions = 512;  // rows of the position table
  // RoBERTa numbers positions from padding_idx + 1 and gives padding tokens padding_idx;
  // -1: positions are 0, 1, 2, ... (BERT, DistilBERT).
  int64_t padding_idx = -1;
  // Rows of the token-type table; 0 when the model has none (DistilBERT). Every text is
  // segment 0, so only row 0 is used.
  int64_t type_vocab_size = 0;

  // Longest id sequence the position table allows.
  int64_t max_tokens() const {
    return padding_idx >= 0 ? max_positions - padding_idx - 1 : max_positions;
  }
};

// The pooled, projected sentence embedding on top of the transformer.
struct SentenceEncoderConfig {
  BertConfig bert;
  int64_t embed_dim = 512;       // projection output
  bool projection_bias = false;  // M-CLIP's Linear has one, sentence-transformers' Dense not
  int64_t max_tokens = 128;      // the tokenizer's truncation length, framing tokens included
};

// Reads a Hugging Face config.json of model_type distilbert, bert, roberta or xlm-roberta.
// `source` names the file in errors: Error(kUnsupported) for other model types or activations,
// Error(kCorrupt) for wrong field types or invalid sizes.
BertConfig bert_config_from_json(const nlohmann::json& config, const std::string& source);

// Sizes of a base model known by its hub name ("xlm-roberta-large", "xlm-roberta-base"); false
// when unknown. M-CLIP's config names its base only this way.
bool known_bert_config(const std::string& name, BertConfig* out);

// Throws Error(kCorrupt) naming `source` for invalid sizes.
void validate_bert_config(const BertConfig& config, const std::string& source);

// "XLM-RoBERTa-style 24 x 1024 (16 heads, MLP 4096, gelu), vocab 250002" for logs.
std::string describe_sentence_encoder(const SentenceEncoderConfig& config);

}  // namespace clipret::model
