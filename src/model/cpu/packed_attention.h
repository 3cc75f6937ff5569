// model/cpu/packed_attention.h: one head of self-attention over one packed sequence, computed
// directly for the short sequences of text encoders (tens of tokens, head_dim 64), where a
// library product costs more in calls than in arithmetic.
#pragma once

#include <cstddef>

namespace clipret::model::cpu {

// out rows [start, start + seq), columns [head x head_dim, (head + 1) x head_dim) =
// softmax(Q K^T / sqrt(head_dim)) V of that head, Q, K and V read from the fused qkv rows
// (3 x heads x head_dim wide, layout of Backend::attention). Thread-safe: uses a thread-local
// scratch buffer of seq x (seq + head_dim) floats.
void attend_one_head(const float* qkv, size_t heads, size_t head_dim, size_t start, size_t seq,
                     size_t head, float* out);

}  // namespace clipret::model::cpu
