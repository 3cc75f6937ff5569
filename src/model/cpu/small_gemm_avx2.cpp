// model/cpu/small_gemm_avx2.cpp: the small-m kernels with 8-float vectors, fp32 and with
// bfloat16 weights widened in registers; this file alone is compiled with -mavx2 -mfma
// (src/model/CMakeLists.txt) and runs only on CPUs that have them (small_gemm.cpp checks).
#include <immintrin.h>

#include "model/cpu/small_gemm_isa.h"
#include "model/cpu/small_gemm_kernel.h"

namespace clipret::model::cpu {

namespace {

struct Avx2 {
  using Reg = __m256;
  using AElem = float;
  using BElem = float;
  static constexpr size_t kStep = 8;
  // 4 x 3 accumulators + 3 rows of b + 1 row of a = the 16 registers.
  static constexpr int kMaxRows = 4;
  static constexpr int kMaxCols = 3;

  static Reg zero() { return _mm256_setzero_ps(); }
  static Reg load(const float* p) { return _mm256_loadu_ps(p); }
  static Reg load_tail(const float* p, size_t count) {
    const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(count)), lanes);
    return _mm256_maskload_ps(p, mask);
  }
  static Reg load_a(const float* p) { return load(p); }
  static Reg load_a_tail(const float* p, size_t count) { return load_tail(p, count); }
  static Reg load_b(const float* p) { return load(p); }
  static Reg load_b_tail(const float* p, size_t count) { return load_tail(p, count); }
  static Reg fma(Reg x, Reg y, Reg acc) { return _mm256_fmadd_ps(x, y, acc); }
  static float sum(Reg r) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(r), _mm256_extractf128_ps(r, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
  }
  static void prefetch(uintptr_t address) {
    _mm_prefetch(reinterpret_cast<const char*>(address), _MM_HINT_T1);
  }
};

// 8 bfloat16 values widened to floats: each is the top half of its float's bits.
__m256 widen_bf16(__m128i halves) {
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(halves), 16));
}

// fp32 activations, bfloat16 weights widened to fp32 in registers (halved weight bandwidth).
struct Avx2Bf16Weights : Avx2 {
  using BElem = uint16_t;
  static Reg load_b(const uint16_t* p) {
    return widen_bf16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  }
  static Reg load_b_tail(const uint16_t* p, size_t count) {
    // Through a buffer, so nothing past p + count is read.
    alignas(16) uint16_t lanes[8] = {};
    for (size_t i = 0; i < count; ++i) lanes[i] = p[i];
    return widen_bf16(_mm_load_si128(reinterpret_cast<const __m128i*>(lanes)));
  }
};

}  // namespace

void small_gemm_nt_avx2(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                        const float* b, size_t ldb, float beta, float* c, size_t ldc) {
  small_gemm_detail::gemm_nt<Avx2>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace clipret::model::cpu

namespace clipret::model::cpu {

void small_gemm_nt_bf16w_avx2(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                              const uint16_t* b, size_t ldb, float beta, float* c, size_t ldc) {
  small_gemm_detail::gemm_nt<Avx2Bf16Weights>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace clipret::model::cpu
