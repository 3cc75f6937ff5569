// model/cpu/int8_quantize.h: int8 dynamic quantisation of a Linear product (--precision int8):
// the weight once, per output row (symmetric: w ≈ scale[j] * q[j][p], |q| <= weight_max), the
// activations per call, per row and asymmetric (a ≈ scale[i] * (q[i][p] - zero[i]), q in 0..255
// over the row's [min(0, lowest), max(0, highest)]: all 256 levels used, as ONNX Runtime's
// DynamicQuantizeLinear does per tensor — twice the resolution of a symmetric range for the
// mostly positive GELU outputs), the integer products by a small_gemm int8 kernel on the packed
// weight, then the scales and zero points (the kernel's epilogue, model/cpu/int8_epilogue.h):
//   c[i][j] = alpha * scale_a[i] * scale_w[j] * (sum_p qa[i][p] qw[j][p] - zero[i] * sum_p
//   qw[j][p])
//             + beta * c[i][j].
// Rounding is to nearest, ties to even (as PyTorch's and ONNX Runtime's quantisers).
#pragma once

#include <cstddef>
#include <cstdint>

namespace clipret::model::cpu {

// q (out x in), scale (out) and row_sum (out: sum_p q[j][p]) of w (out x in, row-major). A row
// of zeros gets scale 0.
void quantize_weight_rows(const float* w, size_t out, size_t in, int weight_max, int8_t* q,
                          float* scale, int32_t* row_sum);

// The range of one row of activations: scale = (high - low) / 255 and zero = round(-low / scale)
// with low = min(0, lowest), high = max(0, highest) (0 exactly representable); a row of zeros
// gets scale 0, zero 0. `inverse` is 255 / (high - low), or 0.
struct ActivationRange {
  float scale, inverse;
  int32_t zero;
};
ActivationRange activation_range(float lowest, float highest);

// q (m x k, leading dimension ldq >= k; bytes past k untouched), scale (m) and zero (m) of a
// (m x k, leading dimension lda): q = clamp(round(a * inverse) + zero, 0, 255).
void quantize_activation_rows(const float* a, size_t m, size_t k, size_t lda, uint8_t* q,
                              size_t ldq, float* scale, int32_t* zero);

// The layout of the packed int8 kernels: `group` output columns (16 for AVX-512, 8 for AVX2) by
// 4 inputs per vector, packed[g][p][c][b] = q[group g + c][4 p + b] for groups g of columns and
// steps p of 4 inputs, zeros past n and k. packed holds packed_int8_size(n, k, group) bytes; a
// group of columns takes 4 * group * ceil(k / 4).
size_t packed_int8_size(size_t n, size_t k, size_t group);
void pack_int8_weight(const int8_t* q, size_t n, size_t k, size_t group, int8_t* packed);

}  // namespace clipret::model::cpu
