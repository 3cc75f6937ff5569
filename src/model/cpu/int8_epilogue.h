// model/cpu/int8_epilogue.h: what the int8 kernels need to finish a block in registers. No
// standard-library header here: the per-instruction-set files include it (small_gemm_isa.h).
#pragma once

#include <cstddef>
#include <cstdint>

namespace clipret::model::cpu {

// The scales and zero points that turn a block's integer products into c (int8_quantize.h):
// c[i][j] = alpha * scale_a[i] * scale_w[j] * (dot - zero_a[i] * row_sum[j]) + beta * c[i][j],
// with every pointer at the block's first row / column.
struct Int8Epilogue {
  float alpha, beta;
  const float* scale_a;
  const int32_t* zero_a;
  const float* scale_w;
  const int32_t* row_sum;
};

}  // namespace clipret::model::cpu
