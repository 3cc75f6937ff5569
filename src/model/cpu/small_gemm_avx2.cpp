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

namespace {

// MR rows of a times NB groups of 8 packed columns (int8_quantize.h's layout): per step of 4
// inputs, each row's 4 bytes broadcast, vpmaddubsw sums the 4 products per column in two int16
// pairs — exact, |weight| <= 63 — and vpmaddwd by ones adds the pair into the column's int32.
// 4 x 2 accumulators + 2 weights + broadcast + ones + the product = 13 of the 16 registers.
template <int MR, int NB>
void packed_block(size_t steps, const uint8_t* a, size_t lda, const int8_t* w, size_t cols,
                  const Int8Epilogue& e, float* c, size_t ldc) {
  __m256i acc[MR][NB];
#pragma GCC unroll 4
  for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 2
    for (int g = 0; g < NB; ++g) acc[r][g] = _mm256_setzero_si256();
  }
  const __m256i ones = _mm256_set1_epi16(1);
  const size_t group_bytes = steps * 32;
  for (size_t p = 0; p < steps; ++p) {
    __m256i weights[NB];
#pragma GCC unroll 2
    for (int g = 0; g < NB; ++g) {
      weights[g] =
          _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w + g * group_bytes + p * 32));
    }
#pragma GCC unroll 4
    for (int r = 0; r < MR; ++r) {
      int32_t four;
      __builtin_memcpy(&four, a + r * lda + p * 4, 4);
      const __m256i x = _mm256_set1_epi32(four);
#pragma GCC unroll 2
      for (int g = 0; g < NB; ++g) {
        const __m256i pairs = _mm256_maddubs_epi16(x, weights[g]);
        acc[r][g] = _mm256_add_epi32(acc[r][g], _mm256_madd_epi16(pairs, ones));
      }
    }
  }
  const __m256i lanes = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
#pragma GCC unroll 4
  for (int r = 0; r < MR; ++r) {
    const __m256 row_scale = _mm256_set1_ps(e.alpha * e.scale_a[r]);
    const __m256i zero = _mm256_set1_epi32(e.zero_a[r]);
    float* out = c + r * ldc;
#pragma GCC unroll 2
    for (int g = 0; g < NB; ++g) {
      const size_t first = static_cast<size_t>(g) * 8;
      const int count = static_cast<int>(cols - first < 8 ? cols - first : 8);
      const __m256i mask = _mm256_cmpgt_epi32(_mm256_set1_epi32(count), lanes);
      const __m256 scale_w = _mm256_maskload_ps(e.scale_w + first, mask);
      const __m256i row_sum = _mm256_maskload_epi32(e.row_sum + first, mask);
      // Exact in int32: |dot| and zero * row_sum are at most 255 * 63 * k.
      const __m256i exact = _mm256_sub_epi32(acc[r][g], _mm256_mullo_epi32(zero, row_sum));
      __m256 v = _mm256_mul_ps(_mm256_mul_ps(row_scale, scale_w), _mm256_cvtepi32_ps(exact));
      if (e.beta != 0.0f) {
        v = _mm256_fmadd_ps(_mm256_set1_ps(e.beta), _mm256_maskload_ps(out + first, mask), v);
      }
      _mm256_maskstore_ps(out + first, mask, v);
    }
  }
}

using PackedBlockFn = void (*)(size_t, const uint8_t*, size_t, const int8_t*, size_t,
                               const Int8Epilogue&, float*, size_t);

template <int MR, int NB>
struct PackedBlock {
  static constexpr PackedBlockFn run = &packed_block<MR, NB>;
};

}  // namespace

void small_gemm_int8_packed_avx2(size_t m, size_t n, size_t k, const uint8_t* a, size_t lda,
                                 const int8_t* packed, const Int8Epilogue& e, float* c,
                                 size_t ldc) {
  constexpr size_t kRows = 4, kGroups = 2, kGroupColumns = 8;
  const size_t steps = (k + 3) / 4;
  for (size_t j = 0; j < n; j += kGroups * kGroupColumns) {
    const size_t cols = n - j < kGroups * kGroupColumns ? n - j : kGroups * kGroupColumns;
    const size_t groups = (cols + kGroupColumns - 1) / kGroupColumns;
    const int8_t* w = packed + (j / kGroupColumns) * steps * 32;
    for (size_t i = 0; i < m; i += kRows) {
      const size_t rows = m - i < kRows ? m - i : kRows;
      const Int8Epilogue block{e.alpha,      e.beta,        e.scale_a + i,
                               e.zero_a + i, e.scale_w + j, e.row_sum + j};
      small_gemm_detail::pick_packed_block<PackedBlock, 4, 2>(rows, groups)(
          steps, a + i * lda, lda, w, cols, block, c + i * ldc + j, ldc);
    }
  }
}

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

}  // namespace clipret::model::cpu
