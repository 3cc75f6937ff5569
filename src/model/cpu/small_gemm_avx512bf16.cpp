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

// acc + the pair products of each lane (vdpbf16ps). In assembly because GCC 12 copies every
// accumulator through another register around the intrinsic (small_gemm_avx512vnni.cpp).
inline __m512 dot_pairs(__m512 acc, __m512 pairs, __m512 weights) {
  asm("vdpbf16ps %2, %1, %0" : "+v"(acc) : "v"(pairs), "v"(weights));
  return acc;
}

// MR rows of a times NB groups of 16 packed columns (pack_bf16_weight's layout: 16 columns by
// 2 inputs per vector): MR x NB accumulators of 16 outputs, no horizontal sums; each row's pair
// of bfloat16 inputs broadcast. 6 x 4 accumulators + 4 weights + 1 broadcast = 29 registers.
template <int MR, int NB>
struct Bf16PackedBlock {
  static void run(size_t steps, const uint16_t* a, size_t lda, const uint16_t* w, size_t cols,
                  float alpha, float beta, float* c, size_t ldc) {
    __m512 acc[MR][NB];
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 4
      for (int g = 0; g < NB; ++g) acc[r][g] = _mm512_setzero_ps();
    }
    const size_t group_elements = steps * 32;
    for (size_t p = 0; p < steps; ++p) {
      __m512 weights[NB];
#pragma GCC unroll 4
      for (int g = 0; g < NB; ++g) {
        weights[g] = _mm512_castsi512_ps(_mm512_loadu_si512(w + g * group_elements + p * 32));
      }
#pragma GCC unroll 8
      for (int r = 0; r < MR; ++r) {
        int32_t pair;
        __builtin_memcpy(&pair, a + r * lda + p * 2, 4);
        const __m512 x = _mm512_castsi512_ps(_mm512_set1_epi32(pair));
#pragma GCC unroll 4
        for (int g = 0; g < NB; ++g) acc[r][g] = dot_pairs(acc[r][g], x, weights[g]);
      }
    }
    const __m512 scale = _mm512_set1_ps(alpha);
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) {
      float* out = c + r * ldc;
#pragma GCC unroll 4
      for (int g = 0; g < NB; ++g) {
        const size_t first = static_cast<size_t>(g) * 16;
        const size_t count = cols - first < 16 ? cols - first : 16;
        const auto mask = static_cast<__mmask16>((1u << count) - 1u);
        __m512 v = _mm512_mul_ps(scale, acc[r][g]);
        if (beta != 0.0f) {
          v = _mm512_fmadd_ps(_mm512_set1_ps(beta), _mm512_maskz_loadu_ps(mask, out + first), v);
        }
        _mm512_mask_storeu_ps(out + first, mask, v);
      }
    }
  }
};

}  // namespace

void small_gemm_bf16_packed_avx512bf16(size_t m, size_t n, size_t k, float alpha, const uint16_t* a,
                                       size_t lda, const uint16_t* packed, float beta, float* c,
                                       size_t ldc) {
  constexpr size_t kRows = 6, kGroups = 4, kGroupColumns = 16;
  const size_t steps = (k + 1) / 2;
  for (size_t j = 0; j < n; j += kGroups * kGroupColumns) {
    const size_t cols = n - j < kGroups * kGroupColumns ? n - j : kGroups * kGroupColumns;
    const size_t groups = (cols + kGroupColumns - 1) / kGroupColumns;
    const uint16_t* w = packed + (j / kGroupColumns) * steps * 32;
    for (size_t i = 0; i < m; i += kRows) {
      const size_t rows = m - i < kRows ? m - i : kRows;
      small_gemm_detail::pick_packed_block<Bf16PackedBlock, 6, 4>(rows, groups)(
          steps, a + i * lda, lda, w, cols, alpha, beta, c + i * ldc + j, ldc);
    }
  }
}

void round_rows_to_bf16_avx512bf16(const float* a, size_t m, size_t k, size_t lda, uint16_t* out,
                                   size_t ldo) {
  for (size_t i = 0; i < m; ++i) {
    const float* row = a + i * lda;
    uint16_t* dst = out + i * ldo;
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
