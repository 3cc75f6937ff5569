// core/bfloat16.h: bfloat16 (the top 16 bits of a binary32) <-> binary32.
//
// Weights stored in bfloat16 (`--precision bf16`) travel as raw bit patterns in uint16_t.
// float32 -> bfloat16 rounds to nearest, ties to even, as PyTorch's .to(torch.bfloat16) and the
// AVX-512 BF16 conversions do; NaN stays a (quiet) NaN of the same sign; infinities stay
// infinite. bfloat16 -> float32 is exact.
#pragma once

#include <cstddef>
#include <cstdint>

namespace clipret::core {

uint16_t float32_to_bfloat16(float value);
float bfloat16_to_float32(uint16_t bits);

// Converts `n` values; `in` and `out` (caller owns, n elements each) must not overlap.
void float32_to_bfloat16(const float* in, size_t n, uint16_t* out);

}  // namespace clipret::core
