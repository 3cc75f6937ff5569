// model/cpu/small_gemm_avx512bf16.cpp: the small-m kernel with bfloat16 products — both operands
// in bfloat16, pairs multiplied and summed into fp32 accumulators by vdpbf16ps (32 products per
// instruction, twice the fp32 FMA's) — and the rounding of activations to bfloat16 it needs.
// This file alone is compiled with -mavx512f -mavx512bf16 -mfma (src/model/CMakeLists.txt) and
// runs only on CPUs that have AVX-512 BF16 (small_gemm.cpp checks).
#include "model/cpu/small_gemm_avx512_vec.h"
#include "model/cpu/small_gemm_isa.h"
#include "model/cpu/small_gemm_kernel.h"

namespace clipret::model::cpu {

namespace {

// Operands travel as __m512 bit patterns (32 bfloat16 each), accumulators as 16 floats.
struct Avx512Bf16Products : Avx512 {
  using AElem = uint16_t;
  using BElem = uint16_t;
  static constexpr size_t kStep = 32;

  static Reg load_u16(const uint16_t* p) { return _mm512_castsi512_ps(_mm512_loadu_si512(p)); }
  static Reg load_a(const uint16_t* p) { return load_u16(p); }
  static Reg load_b(const uint16_t* p) { return load_u16(p); }
  static Reg load_a_tail(const uint16_t* p, size_t count) {
    return _mm512_castsi512_ps(load_u16_tail(p, count));
  }
  static Reg load_b_tail(const uint16_t* p, size_t count) { return load_a_tail(p, count); }
  static Reg fma(Reg x, Reg w, Reg acc) {
    return _mm512_dpbf16_ps(acc, reinterpret_cast<__m512bh&>(x), reinterpret_cast<__m512bh&>(w));
  }
};

}  // namespace

void round_rows_to_bf16_avx512bf16(const float* a, size_t m, size_t k, size_t lda, uint16_t* out) {
  for (size_t i = 0; i < m; ++i) {
    const float* row = a + i * lda;
    uint16_t* dst = out + i * k;
    size_t p = 0;
    for (; p + 16 <= k; p += 16) {
      const __m256bh halves = _mm512_cvtneps_pbh(_mm512_loadu_ps(row + p));
      _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + p),
                          reinterpret_cast<const __m256i&>(halves));
    }
    if (p < k) {
      const auto mask = static_cast<__mmask16>((1u << (k - p)) - 1u);
      const __m256bh halves = _mm512_cvtneps_pbh(_mm512_maskz_loadu_ps(mask, row + p));
      alignas(32) uint16_t lanes[16];
      _mm256_store_si256(reinterpret_cast<__m256i*>(lanes),
                         reinterpret_cast<const __m256i&>(halves));
      for (size_t q = 0; q < k - p; ++q) dst[p + q] = lanes[q];
    }
  }
}

void small_gemm_nt_bf16p_avx512bf16(size_t m, size_t n, size_t k, float alpha, const uint16_t* a,
                                    size_t lda, const uint16_t* b, size_t ldb, float beta, float* c,
                                    size_t ldc) {
  small_gemm_detail::gemm_nt<Avx512Bf16Products>(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

}  // namespace clipret::model::cpu
