// model/cpu/small_gemm_avx2.cpp: the small-m kernels with 8-float vectors, fp32 and with
// bfloat16 weights widened in registers; this file alone is compiled with -mavx2 -mfma
// (src/model/CMakeLists.txt) and runs only on CPUs that have them (small_gemm.cpp checks).
#include <immintrin.h>

#include "model/cpu/int8_quantize.h"
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

// uint8 activations times int8 weights: vpmaddubsw sums pairs of products into int16 — which
// saturates unless |weight| <= 63 for any uint8 activation (2 x 255 x 63 < 32767), so the int8
// weights for this kernel are quantised to +-63 (SmallGemmInt8Kernel::weight_max) — then vpmaddwd
// by ones widens the pairs into int32 lanes. 32 products per three instructions.
struct Avx2Int8 {
  using Reg = __m256i;
  using AElem = uint8_t;
  using BElem = int8_t;
  static constexpr size_t kStep = 32;
  // 3 x 3 accumulators + 3 rows of b + 1 row of a + the products' temporary = 14 registers.
  static constexpr int kMaxRows = 3;
  static constexpr int kMaxCols = 3;

  static Reg zero() { return _mm256_setzero_si256(); }
  static Reg load(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }
  static Reg load_tail(const void* p, size_t count) {
    // Through a buffer, so nothing past p + count is read.
    alignas(32) uint8_t lanes[32] = {};
    const auto* bytes = static_cast<const uint8_t*>(p);
    for (size_t i = 0; i < count; ++i) lanes[i] = bytes[i];
    return _mm256_load_si256(reinterpret_cast<const __m256i*>(lanes));
  }
  static Reg load_a(const uint8_t* p) { return load(p); }
  static Reg load_a_tail(const uint8_t* p, size_t count) { return load_tail(p, count); }
  static Reg load_b(const int8_t* p) { return load(p); }
  static Reg load_b_tail(const int8_t* p, size_t count) { return load_tail(p, count); }
  static Reg fma(Reg x, Reg w, Reg acc) {
    const __m256i pairs = _mm256_maddubs_epi16(x, w);
    return _mm256_add_epi32(acc, _mm256_madd_epi16(pairs, _mm256_set1_epi16(1)));
  }
  static float sum(Reg r) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
    return static_cast<float>(_mm_cvtsi128_si32(s));
  }
  static void prefetch(uintptr_t address) { Avx2::prefetch(address); }
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

namespace clipret::model::cpu {

void quantize_rows_to_uint8_avx2(const float* a, size_t m, size_t k, size_t lda, uint8_t* q,
                                 size_t ldq, float* scale, int32_t* zero) {
  for (size_t i = 0; i < m; ++i) {
    const float* row = a + i * lda;
    uint8_t* dst = q + i * ldq;
    __m256 low = _mm256_setzero_ps(), high = _mm256_setzero_ps();
    size_t p = 0;
    for (; p + 8 <= k; p += 8) {
      const __m256 x = _mm256_loadu_ps(row + p);
      low = _mm256_min_ps(low, x);
      high = _mm256_max_ps(high, x);
    }
    __m128 l = _mm_min_ps(_mm256_castps256_ps128(low), _mm256_extractf128_ps(low, 1));
    l = _mm_min_ps(l, _mm_movehl_ps(l, l));
    l = _mm_min_ss(l, _mm_movehdup_ps(l));
    __m128 h = _mm_max_ps(_mm256_castps256_ps128(high), _mm256_extractf128_ps(high, 1));
    h = _mm_max_ps(h, _mm_movehl_ps(h, h));
    h = _mm_max_ss(h, _mm_movehdup_ps(h));
    for (size_t r = p; r < k; ++r) {
      l = _mm_min_ss(l, _mm_set_ss(row[r]));
      h = _mm_max_ss(h, _mm_set_ss(row[r]));
    }
    const ActivationRange range = activation_range(_mm_cvtss_f32(l), _mm_cvtss_f32(h));
    scale[i] = range.scale;
    zero[i] = range.zero;
    const __m256 inverse = _mm256_set1_ps(range.inverse);
    const __m256i offset = _mm256_set1_epi32(range.zero);
    for (p = 0; p + 8 <= k; p += 8) {
      // cvtps rounds to nearest even (the default MXCSR mode), as std::nearbyint; the packs
      // saturate to 0..255.
      const __m256i v = _mm256_add_epi32(
          _mm256_cvtps_epi32(_mm256_mul_ps(_mm256_loadu_ps(row + p), inverse)), offset);
      const __m128i words =
          _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
      _mm_storel_epi64(reinterpret_cast<__m128i*>(dst + p), _mm_packus_epi16(words, words));
    }
    for (; p < k; ++p) {
      int v = _mm_cvtss_si32(_mm_set_ss(row[p] * range.inverse)) + range.zero;
      v = v < 0 ? 0 : (v > 255 ? 255 : v);
      dst[p] = static_cast<uint8_t>(v);
    }
  }
}

void small_gemm_nt_int8_avx2(size_t m, size_t n, size_t k, const uint8_t* a, size_t lda,
                             const int8_t* b, size_t ldb, float* c, size_t ldc) {
  small_gemm_detail::gemm_nt<Avx2Int8>(m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
}

}  // namespace clipret::model::cpu
