// model/cpu/small_gemm_avx512vnni.cpp: the int8 products of --precision int8 — activations as
// uint8 with a zero point per row, weights as int8 packed 16 columns x 4 inputs per vector
// (int8_quantize.h), 64 products per vpdpbusd into 16 int32 outputs (four times the fp32 FMA's
// rate, no horizontal sums), scales applied in registers — and the activations' quantiser. This
// file alone is compiled with -mavx512f -mavx512bw -mavx512vnni -mfma (src/model/CMakeLists.txt)
// and runs only on CPUs that have AVX-512 VNNI (small_gemm.cpp checks).
#include "model/cpu/int8_quantize.h"
#include "model/cpu/small_gemm_avx512_vec.h"
#include "model/cpu/small_gemm_isa.h"
#include "model/cpu/small_gemm_kernel.h"

namespace clipret::model::cpu {

namespace {

// acc + the four u8 x s8 products of each lane (vpdpbusd). In assembly because GCC 12 copies
// every accumulator through another register (and spills some) around the intrinsic, which
// took two thirds of the kernel's time.
inline __m512i dot_accumulate(__m512i acc, __m512i u8, __m512i s8) {
  asm("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(u8), "v"(s8));
  return acc;
}

// MR rows of a times NB groups of 16 packed columns: MR x NB accumulators of 16 int32 (one
// output each, no horizontal sums), NB weight vectors per step of 4 inputs, each row's 4 bytes
// broadcast. 6 x 4 accumulators + 4 weights + 1 broadcast = 29 registers.
template <int MR, int NB>
void packed_block(size_t steps, const uint8_t* a, size_t lda, const int8_t* w, size_t cols,
                  const Int8Epilogue& e, float* c, size_t ldc) {
  __m512i acc[MR][NB];
#pragma GCC unroll 8
  for (int r = 0; r < MR; ++r) {
#pragma GCC unroll 4
    for (int g = 0; g < NB; ++g) acc[r][g] = _mm512_setzero_si512();
  }
  const size_t group_bytes = steps * 64;
  for (size_t p = 0; p < steps; ++p) {
    __m512i weights[NB];
#pragma GCC unroll 4
    for (int g = 0; g < NB; ++g) weights[g] = _mm512_loadu_si512(w + g * group_bytes + p * 64);
#pragma GCC unroll 8
    for (int r = 0; r < MR; ++r) {
      int32_t four;
      __builtin_memcpy(&four, a + r * lda + p * 4, 4);
      const __m512i x = _mm512_set1_epi32(four);
#pragma GCC unroll 4
      for (int g = 0; g < NB; ++g) acc[r][g] = dot_accumulate(acc[r][g], x, weights[g]);
    }
  }
#pragma GCC unroll 8
  for (int r = 0; r < MR; ++r) {
    const __m512 row_scale = _mm512_set1_ps(e.alpha * e.scale_a[r]);
    const __m512i zero = _mm512_set1_epi32(e.zero_a[r]);
    float* out = c + r * ldc;
#pragma GCC unroll 4
    for (int g = 0; g < NB; ++g) {
      const size_t first = static_cast<size_t>(g) * 16;
      const size_t count = cols - first < 16 ? cols - first : 16;
      const auto mask = static_cast<__mmask16>((1u << count) - 1u);
      const __m512 scale_w = _mm512_maskz_loadu_ps(mask, e.scale_w + first);
      const __m512i row_sum = _mm512_maskz_loadu_epi32(mask, e.row_sum + first);
      // Exact in int32: |dot| and zero * row_sum are at most 255 * 127 * k.
      const __m512i exact = _mm512_sub_epi32(acc[r][g], _mm512_mullo_epi32(zero, row_sum));
      __m512 v = _mm512_mul_ps(_mm512_mul_ps(row_scale, scale_w), _mm512_cvtepi32_ps(exact));
      if (e.beta != 0.0f) {
        v = _mm512_fmadd_ps(_mm512_set1_ps(e.beta), _mm512_maskz_loadu_ps(mask, out + first), v);
      }
      _mm512_mask_storeu_ps(out + first, mask, v);
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

void small_gemm_int8_packed_avx512vnni(size_t m, size_t n, size_t k, const uint8_t* a, size_t lda,
                                       const int8_t* packed, const Int8Epilogue& e, float* c,
                                       size_t ldc) {
  constexpr size_t kRows = 6, kGroups = 4, kGroupColumns = 16;
  const size_t steps = (k + 3) / 4;
  // Column groups outside: the weights of 64 columns (64 k bytes) stay in L1/L2 while every
  // block of 6 rows of a passes them.
  for (size_t j = 0; j < n; j += kGroups * kGroupColumns) {
    const size_t cols = n - j < kGroups * kGroupColumns ? n - j : kGroups * kGroupColumns;
    const size_t groups = (cols + kGroupColumns - 1) / kGroupColumns;
    const int8_t* w = packed + (j / kGroupColumns) * steps * 64;
    for (size_t i = 0; i < m; i += kRows) {
      const size_t rows = m - i < kRows ? m - i : kRows;
      const Int8Epilogue block{e.alpha,      e.beta,        e.scale_a + i,
                               e.zero_a + i, e.scale_w + j, e.row_sum + j};
      small_gemm_detail::pick_packed_block<PackedBlock, 6, 4>(rows, groups)(
          steps, a + i * lda, lda, w, cols, block, c + i * ldc + j, ldc);
    }
  }
}

void quantize_rows_to_uint8_avx512(const float* a, size_t m, size_t k, size_t lda, uint8_t* q,
                                   size_t ldq, float* scale, int32_t* zero) {
  for (size_t i = 0; i < m; ++i) {
    const float* row = a + i * lda;
    uint8_t* dst = q + i * ldq;
    __m512 low = _mm512_setzero_ps(), high = _mm512_setzero_ps();
    size_t p = 0;
    for (; p + 16 <= k; p += 16) {
      const __m512 x = _mm512_loadu_ps(row + p);
      low = _mm512_min_ps(low, x);
      high = _mm512_max_ps(high, x);
    }
    const auto tail = static_cast<__mmask16>((1u << (k - p)) - 1u);
    if (p < k) {
      const __m512 x = _mm512_maskz_loadu_ps(tail, row + p);  // zeros: within [low, high]
      low = _mm512_min_ps(low, x);
      high = _mm512_max_ps(high, x);
    }
    const ActivationRange range =
        activation_range(_mm512_reduce_min_ps(low), _mm512_reduce_max_ps(high));
    scale[i] = range.scale;
    zero[i] = range.zero;
    const __m512 inverse = _mm512_set1_ps(range.inverse);
    const __m512i offset = _mm512_set1_epi32(range.zero);
    const __m512i top = _mm512_set1_epi32(255);
    // cvtps rounds to nearest even (the default MXCSR mode), as std::nearbyint.
    auto convert = [&](__m512 x) {
      const __m512i v = _mm512_add_epi32(_mm512_cvtps_epi32(_mm512_mul_ps(x, inverse)), offset);
      return _mm512_cvtepi32_epi8(
          _mm512_min_epi32(_mm512_max_epi32(v, _mm512_setzero_si512()), top));
    };
    for (p = 0; p + 16 <= k; p += 16) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + p), convert(_mm512_loadu_ps(row + p)));
    }
    if (p < k) {
      alignas(16) uint8_t lanes[16];
      _mm_store_si128(reinterpret_cast<__m128i*>(lanes),
                      convert(_mm512_maskz_loadu_ps(tail, row + p)));
      for (size_t r = 0; r < k - p; ++r) dst[p + r] = lanes[r];
    }
  }
}

}  // namespace clipret::model::cpu
