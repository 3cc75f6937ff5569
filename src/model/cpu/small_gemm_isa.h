// model/cpu/small_gemm_isa.h: the small-m kernel of each instruction set (model/cpu/small_gemm.h
// describes them). Defined only when the build compiles that file (x86-64); call one only when
// the CPU supports its instructions. No standard-library header here: the per-instruction-set
// files include it and must not instantiate shared inline code with their -m flags.
#pragma once

#include <cstddef>

namespace clipret::model::cpu {

void small_gemm_nt_avx512(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                          const float* b, size_t ldb, float beta, float* c, size_t ldc);
void small_gemm_nt_avx2(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                        const float* b, size_t ldb, float beta, float* c, size_t ldc);

}  // namespace clipret::model::cpu
