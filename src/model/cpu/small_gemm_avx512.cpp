// model/cpu/small_gemm_avx512.cpp: the small-m kernel with 16-float vectors; this file alone
// is compiled with -mavx512f -mfma (src/model/CMakeLists.txt) and runs only on CPUs that have
// them (small_gemm.cpp checks).
// g++ 12's _mm512_extractf64x4_pd (in _mm512_reduce_add_ps) passes _mm256_undefined_pd() and
// -Wuninitialized reports it once inlined here; under the sanitizers _mm512_shuffle_f32x4's
// _mm512_undefined_ps() draws -Wmaybe-uninitialized at the inlining site, so both are silenced for
// the header (pragmas) and, for the sanitizer case, in src/model/CMakeLists.txt.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop

#include "model/cpu/small_gemm_isa.h"
#include "model/cpu/small_gemm_kernel.h"

namespace clipret::model::cpu {

namespace {

struct Avx512 {
  using Reg = __m512;
  static constexpr size_t kWidth = 16;
  // 6 x 4 accumulators + 4 rows of b + 1 row of a = 29 of the 32 registers.
  static constexpr int kMaxRows = 6;
  static constexpr int kMaxCols = 4;

  static Reg zero() { return _mm512_setzero_ps(); }
  static Reg load(const float* p) { return _mm512_loadu_ps(p); }
  static Reg load_tail(const float* p, size_t count) {
    return _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << count) - 1u), p);
  }
  static Reg fma(Reg x, Reg y, Reg acc) { return _mm512_fmadd_ps(x, y, acc); }
  static float sum(Reg r) { return _mm512_reduce_add_ps(r); }
  static __m128 sum4(Reg r0, Reg r1, Reg r2, Reg r3) {
    // Halves: r01 holds r0's 256-bit half-sums in its low half and r1's in its high half.
    const Reg r01 =
        _mm512_add_ps(_mm512_shuffle_f32x4(r0, r1, 0x44), _mm512_shuffle_f32x4(r0, r1, 0xEE));
    const Reg r23 =
        _mm512_add_ps(_mm512_shuffle_f32x4(r2, r3, 0x44), _mm512_shuffle_f32x4(r2, r3, 0xEE));
    // Quarters: 128-bit lane q holds four partial sums of r_q.
    const Reg q =
        _mm512_add_ps(_mm512_shuffle_f32x4(r01, r23, 0x88), _mm512_shuffle_f32x4(r01, r23, 0xDD));
    // Within each lane: every element becomes the lane's total.
    const Reg pairs = _mm512_add_ps(q, _mm512_permute_ps(q, 0x4E));
    const Reg totals = _mm512_add_ps(pairs, _mm512_permute_ps(pairs, 0xB1));
    return _mm512_castps512_ps128(_mm512_permutexvar_ps(
        _mm512_setr_epi32(0, 4, 8, 12, 0, 4, 8, 12, 0, 4, 8, 12, 0, 4, 8, 12), totals));
  }
  static void store4(float* p, __m128 sums, float alpha, float beta) {
    __m128 out = _mm_mul_ps(_mm_set1_ps(alpha), sums);
    if (beta != 0.0f) out = _mm_fmadd_ps(_mm_set1_ps(beta), _mm_loadu_ps(p), out);
    _mm_storeu_ps(p, out);
  }
  static void prefetch(uintptr_t address) {
    _mm_prefetch(reinterpret_cast<const char*>(address), _MM_HINT_T1);
  }
};

}  // namespace

void small_gemm_nt_avx512(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                          const float* b, size_t ldb, float beta, float* c, size_t ldc) {
  small_gemm_detail::gemm_nt<Avx512>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace clipret::model::cpu
