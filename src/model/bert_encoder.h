// model/bert_encoder.h: the forward pass of a BERT-family sentence encoder
// (model/bert_config.h) on the model backend.
//
// Texts are packed, not padded: the ids of n texts lie end to end, text i at
// [offsets[i], offsets[i + 1]). Every op but attention is per token, and attention runs per
// text over its own tokens, so no position is computed for padding and the result equals a
// padded batch with an attention mask (up to float rounding).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/bert_config.h"
#include "model/clip_weights.h"

namespace clipret::model {

struct BertWeights {
  Buffer word_embedding;                  // vocab_size x width
  Buffer position_embedding;              // max_positions x width
  Buffer token_type_embedding;            // type_vocab_size x width; empty without
  Buffer embed_ln_weight, embed_ln_bias;  // width
  std::vector<LayerWeights> layers;       // ln1: after attention, ln2: after the MLP
  Buffer projection;                      // embed_dim x width
  Buffer projection_bias;                 // embed_dim; empty without
};

// Position-table rows of one text's ids: 0, 1, 2, ... or, with a padding index p (RoBERTa),
// p + 1, p + 2, ... for non-padding tokens and p for padding ones.
std::vector<int32_t> bert_position_ids(const BertConfig& config, const int32_t* ids, size_t length);

// out (host, n x embed_dim, caller owns) = projected, unnormalised mean-pooled features of the
// packed texts (offsets has n + 1 entries, offsets[0] = 0). Throws Error(kInvalidInput) for an
// empty text, one longer than config.bert.max_tokens(), or ids outside the vocabulary.
void encode_sentences(Backend& backend, const SentenceEncoderConfig& config,
                      const BertWeights& weights, const int32_t* ids, const size_t* offsets,
                      size_t n, float* out);

}  // namespace clipret::model
