// model/cpu/small_gemm.h: matrix products with few rows (a text query: ~12 tokens) that read
// the weights straight from their nn.Linear layout, without OpenBLAS's packing copy.
//
// c (m x n) = alpha * a (m x k) * b^T + beta * c with b stored n x k (a Linear layer's weight,
// out x in), every matrix row-major with its own leading dimension. Each output is a dot product
// of a row of a and a row of b: the kernels stream b once, a few of its rows at a time, and keep
// their dot products with a few rows of a in vector registers, for all rows of a in turn (a
// stays in L1/L2, the block of b in L1). For a query (m ~ 12) that is bound by memory bandwidth
// and arithmetic, where OpenBLAS 0.3.21 spends half its time copying b into panels it uses once.
// The kernels have no cache blocking over a, so batches (hundreds of rows, a no longer in L2)
// stay on OpenBLAS.
//
// One kernel per instruction set, compiled in its own file with that file's -m flags
// (small_gemm_avx512.cpp, small_gemm_avx2.cpp); the best one the CPU supports is chosen at run
// time, and none on other CPUs (callers then use OpenBLAS).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/cpu/int8_epilogue.h"

namespace clipret::model::cpu {

// c[i][j] = alpha * sum_p a[i lda + p] b[j ldb + p] + beta * c[i ldc + j] for i < m, j < n; c is
// not read when beta == 0. Any m works; CpuBackend uses them up to SmallGemmKernel::max_rows.
using SmallGemmNtFn = void (*)(size_t m, size_t n, size_t k, float alpha, const float* a,
                               size_t lda, const float* b, size_t ldb, float beta, float* c,
                               size_t ldc);

struct SmallGemmKernel {
  const char* name;  // "avx512", "avx2"
  SmallGemmNtFn gemm_nt;
  // Rows up to which CpuBackend uses it, more go to OpenBLAS (small_gemm.cpp says why; the
  // AVX-512 kernel's limit is measured against OpenBLAS's Haswell kernels, bench/RESULTS.md).
  size_t max_rows;
};

// Every kernel this CPU can run, fastest first (empty when none): tests check each.
const std::vector<SmallGemmKernel>& supported_small_gemm_kernels();
// The fastest supported kernel, or nullptr.
const SmallGemmKernel* best_small_gemm_kernel();

// The same product with b in bfloat16 (raw bits, e.g. a Linear weight kept in bfloat16): a is
// fp32; the kernel either widens b to fp32 in registers (fp32 products: only the weights'
// memory and bandwidth halve) or rounds a to bfloat16 too and sums the exact products of the
// bfloat16 pairs in fp32 (AVX-512 BF16's vdpbf16ps: twice the fp32 rate). Any m works.
using SmallGemmNtBf16Fn = void (*)(size_t m, size_t n, size_t k, float alpha, const float* a,
                                   size_t lda, const uint16_t* b, size_t ldb, float beta, float* c,
                                   size_t ldc);

// c (m x n, ldc) = alpha * a * W^T + beta * c with a already in bfloat16 (m x k, leading
// dimension lda >= k rounded up to 2, the padding zeros) and W packed by pack_bf16_weight; the
// columns [0, n) from the group at `packed`.
using SmallGemmBf16PackedFn = void (*)(size_t m, size_t n, size_t k, float alpha, const uint16_t* a,
                                       size_t lda, const uint16_t* packed, float beta, float* c,
                                       size_t ldc);
// out (m x k, leading dimension ldo) = a (leading dimension lda) rounded to bfloat16.
using RoundRowsFn = void (*)(const float* a, size_t m, size_t k, size_t lda, uint16_t* out,
                             size_t ldo);

struct SmallGemmBf16Kernel {
  const char* name;  // "avx512bf16", "avx512", "avx2"
  SmallGemmNtBf16Fn gemm_nt;
  bool bf16_products;  // a is rounded to bfloat16 as well (vdpbf16ps)
  // Non-null (avx512bf16): the weight packed by pack_bf16_weight and these used instead of
  // gemm_nt — no horizontal sums, activations rounded once per product.
  SmallGemmBf16PackedFn gemm_packed;
  RoundRowsFn round_rows;
};

// The packed bfloat16 layout: 16 output columns by 2 inputs per 64-byte vector,
// packed[g][p][c][b] = w[16 g + c][2 p + b], zeros past n and k; packed_bf16_size(n, k) values.
size_t packed_bf16_size(size_t n, size_t k);
void pack_bf16_weight(const uint16_t* w, size_t n, size_t k, uint16_t* packed);

// Every bfloat16-weight kernel this CPU can run, fastest first (empty when none).
const std::vector<SmallGemmBf16Kernel>& supported_small_gemm_bf16_kernels();

// int8 dynamic quantisation (--precision int8, model/cpu/int8_quantize.h): activations quantised
// to uint8 per row by the kernel's own quantiser, products with a weight packed for the kernel.
//
// model/cpu/int8_quantize.h's quantize_activation_rows (the same results), vectorised.
// q has leading dimension ldq >= k; bytes past k are left alone.
using QuantizeRowsFn = void (*)(const float* a, size_t m, size_t k, size_t lda, uint8_t* q,
                                size_t ldq, float* scale, int32_t* zero);

// The int8 product with the weight packed for the kernel (pack_int8_weight): a (m x k,
// leading dimension lda >= k rounded up to 4, bytes past k read and multiplied by zero weights)
// times the packed columns [0, n) of a weight whose first column group is at `packed`, the
// epilogue applied in registers: no integer products go through memory.
using SmallGemmInt8PackedFn = void (*)(size_t m, size_t n, size_t k, const uint8_t* a, size_t lda,
                                       const int8_t* packed, const Int8Epilogue& epilogue, float* c,
                                       size_t ldc);

struct SmallGemmInt8Kernel {
  const char* name;  // "avx512vnni", "avx2"
  SmallGemmInt8PackedFn gemm_packed;
  size_t packed_group;  // columns per packed group: 16 (AVX-512), 8 (AVX2)
  QuantizeRowsFn quantize_rows;
  // The largest |weight| the kernel takes: 127, or 63 for AVX2's saturating int16 pair sums.
  int weight_max;
};

// Every int8 kernel this CPU can run, fastest first (empty when none).
const std::vector<SmallGemmInt8Kernel>& supported_small_gemm_int8_kernels();

}  // namespace clipret::model::cpu
