#include "model/cpu/small_gemm.h"

#include "model/cpu/small_gemm_isa.h"

#include <vector>

namespace clipret::model::cpu {

namespace {

std::vector<SmallGemmKernel> detect_kernels() {
  std::vector<SmallGemmKernel> kernels;
#if defined(CLIPRET_SMALL_GEMM_X86)
  __builtin_cpu_init();
  // __builtin_cpu_supports also checks that the OS saves the vector registers (XGETBV).
  const bool fma = __builtin_cpu_supports("fma");
  if (fma && __builtin_cpu_supports("avx512f")) {
    // Up to 256 rows: an image at batch 1 (50 tokens), a few texts or images. Measured 1.3-1.9x
    // OpenBLAS's AVX2 kernels from 12 to 64 rows, still 1.5x at 200 (bench/RESULTS.md,
    // SmallGemmCrossover); 8 concurrent back queries 136-139 -> 150 q/s. Larger batches stay on
    // OpenBLAS: the kernel has no cache blocking over a, which then no longer fits in L2.
    kernels.push_back({"avx512", &small_gemm_nt_avx512, 256});
  }
  // Same width as OpenBLAS's Haswell kernels: only where their packing copy dominates.
  if (fma && __builtin_cpu_supports("avx2")) kernels.push_back({"avx2", &small_gemm_nt_avx2, 16});
#endif
  return kernels;
}

#if defined(CLIPRET_SMALL_GEMM_X86)
// vdpbf16ps wants both operands in bfloat16: a (a few rows) is rounded into a buffer of the
// calling thread first.
void small_gemm_nt_bf16p(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                         const uint16_t* b, size_t ldb, float beta, float* c, size_t ldc) {
  thread_local std::vector<uint16_t> rounded;
  rounded.resize(m * k);
  round_rows_to_bf16_avx512bf16(a, m, k, lda, rounded.data(), k);
  small_gemm_nt_bf16p_avx512bf16(m, n, k, alpha, rounded.data(), k, b, ldb, beta, c, ldc);
}
#endif

std::vector<SmallGemmBf16Kernel> detect_bf16_kernels() {
  std::vector<SmallGemmBf16Kernel> kernels;
#if defined(CLIPRET_SMALL_GEMM_X86)
  __builtin_cpu_init();
  const bool fma = __builtin_cpu_supports("fma");
  const bool avx512 = fma && __builtin_cpu_supports("avx512f");
  if (avx512 && __builtin_cpu_supports("avx512bf16")) {
    kernels.push_back({"avx512bf16", &small_gemm_nt_bf16p, true, &small_gemm_bf16_packed_avx512bf16,
                       &round_rows_to_bf16_avx512bf16});
  }
  if (avx512) kernels.push_back({"avx512", &small_gemm_nt_bf16w_avx512, false, nullptr, nullptr});
  if (fma && __builtin_cpu_supports("avx2")) {
    kernels.push_back({"avx2", &small_gemm_nt_bf16w_avx2, false, nullptr, nullptr});
  }
#endif
  return kernels;
}

std::vector<SmallGemmInt8Kernel> detect_int8_kernels() {
  std::vector<SmallGemmInt8Kernel> kernels;
#if defined(CLIPRET_SMALL_GEMM_X86)
  __builtin_cpu_init();
  const bool fma = __builtin_cpu_supports("fma");
  if (fma && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
      __builtin_cpu_supports("avx512vnni")) {
    kernels.push_back({"avx512vnni", &small_gemm_int8_packed_avx512vnni, 16,
                       &quantize_rows_to_uint8_avx512, 127});
  }
  if (fma && __builtin_cpu_supports("avx2")) {
    kernels.push_back({"avx2", &small_gemm_int8_packed_avx2, 8, &quantize_rows_to_uint8_avx2, 63});
  }
#endif
  return kernels;
}

}  // namespace

size_t packed_bf16_size(size_t n, size_t k) {
  return (n + 15) / 16 * 16 * ((k + 1) / 2 * 2);
}

void pack_bf16_weight(const uint16_t* w, size_t n, size_t k, uint16_t* packed) {
  const size_t steps = (k + 1) / 2;
  for (size_t g = 0; g < (n + 15) / 16; ++g) {
    for (size_t p = 0; p < steps; ++p) {
      uint16_t* vector = packed + (g * steps + p) * 32;
      for (size_t c = 0; c < 16; ++c) {
        for (size_t b = 0; b < 2; ++b) {
          const size_t row = 16 * g + c, column = 2 * p + b;
          vector[c * 2 + b] = row < n && column < k ? w[row * k + column] : uint16_t{0};
        }
      }
    }
  }
}

const std::vector<SmallGemmInt8Kernel>& supported_small_gemm_int8_kernels() {
  static const std::vector<SmallGemmInt8Kernel> kernels = detect_int8_kernels();
  return kernels;
}

const std::vector<SmallGemmBf16Kernel>& supported_small_gemm_bf16_kernels() {
  static const std::vector<SmallGemmBf16Kernel> kernels = detect_bf16_kernels();
  return kernels;
}

const std::vector<SmallGemmKernel>& supported_small_gemm_kernels() {
  static const std::vector<SmallGemmKernel> kernels = detect_kernels();
  return kernels;
}

const SmallGemmKernel* best_small_gemm_kernel() {
  const std::vector<SmallGemmKernel>& kernels = supported_small_gemm_kernels();
  return kernels.empty() ? nullptr : &kernels.front();
}

}  // namespace clipret::model::cpu
