// core/float16.h: IEEE 754 binary16 <-> binary32 conversion without hardware support.
//
// Embedding files (img_emb_N.npy) store float16 ('<f2'); the model computes float32. A float16
// value travels as its raw bit pattern in a uint16_t. float32 -> float16 rounds to nearest, ties
// to even, like numpy's astype(np.float16): values past the largest finite half (65504) round to
// inf, tiny values become subnormals or signed zero, NaN stays NaN (sign and top payload bits
// kept, as numpy does). float16 -> float32 is exact.
#pragma once

#include <cstddef>
#include <cstdint>

namespace clipret::core {

uint16_t float32_to_float16(float value);
float float16_to_float32(uint16_t bits);

// Converts `n` values; `in` and `out` (caller owns, n elements each) must not overlap.
void float32_to_float16(const float* in, size_t n, uint16_t* out);
void float16_to_float32(const uint16_t* in, size_t n, float* out);

}  // namespace clipret::core
