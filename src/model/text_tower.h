// model/text_tower.h: CLIP's causal text transformer (clip-inference-notes §1.3): token and
// position embeddings, causal blocks, final LN, pooling at the end token, projection.
#pragma once

#include <cstddef>
#include <cstdint>

#include "model/clip_weights.h"

namespace clipret::model {

// Row index pooled for one text of `length` ids: the first position of the highest id (the
// first end token 49407 for CLIP's tokenizer; torch.argmax semantics, as OpenAI and HF do).
size_t text_pool_position(const int32_t* ids, size_t length);

// out (host, n x embed_dim, caller owns) = projected, unnormalised features of `ids` (host,
// n x context_length). With `truncate`, the blocks run only on positions up to the last pool
// position of the batch: the causal mask makes later positions irrelevant to the pooled row, so
// short texts cost a fraction of the full context. Throws Error(kInvalidInput) for ids outside
// [0, vocab_size).
void encode_texts(Backend& backend, const TextConfig& config, int64_t embed_dim,
                  const TextWeights& weights, const int32_t* ids, size_t n, bool truncate,
                  float* out);

}  // namespace clipret::model
