// model/cpu/small_gemm_avx512.cpp: the small-m kernels with 16-float vectors, fp32 and with
// bfloat16 weights widened in registers; this file alone is compiled with -mavx512f -mfma
// (src/model/CMakeLists.txt) and runs only on CPUs that have them (small_gemm.cpp checks).
#include "model/cpu/small_gemm_avx512_vec.h"
#include "model/cpu/small_gemm_isa.h"
#include "model/cpu/small_gemm_kernel.h"

namespace clipret::model::cpu {

void small_gemm_nt_avx512(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                          const float* b, size_t ldb, float beta, float* c, size_t ldc) {
  small_gemm_detail::gemm_nt<Avx512>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void small_gemm_nt_bf16w_avx512(size_t m, size_t n, size_t k, float alpha, const float* a,
                                size_t lda, const uint16_t* b, size_t ldb, float beta, float* c,
                                size_t ldc) {
  small_gemm_detail::gemm_nt<Avx512Bf16Weights>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace clipret::model::cpu
