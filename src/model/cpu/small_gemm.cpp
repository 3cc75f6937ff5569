#include "model/cpu/small_gemm.h"

#include "model/cpu/small_gemm_isa.h"

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

}  // namespace

const std::vector<SmallGemmKernel>& supported_small_gemm_kernels() {
  static const std::vector<SmallGemmKernel> kernels = detect_kernels();
  return kernels;
}

const SmallGemmKernel* best_small_gemm_kernel() {
  const std::vector<SmallGemmKernel>& kernels = supported_small_gemm_kernels();
  return kernels.empty() ? nullptr : &kernels.front();
}

}  // namespace clipret::model::cpu
