// model/cpu/small_gemm_avx512vnni.cpp: the small-m kernel with int8 products — activations as
// uint8 (zero point 128), weights as int8, 64 products per vpdpbusd summed into int32 lanes
// (four times the fp32 FMA's rate). This file alone is compiled with -mavx512f -mavx512bw
// -mavx512vnni -mfma (src/model/CMakeLists.txt) and runs only on CPUs that have AVX-512 VNNI
// (small_gemm.cpp checks).
#include "model/cpu/int8_quantize.h"
#include "model/cpu/small_gemm_avx512_vec.h"
#include "model/cpu/small_gemm_isa.h"
#include "model/cpu/small_gemm_kernel.h"

namespace clipret::model::cpu {

namespace {

struct Avx512Vnni {
  using Reg = __m512i;
  using AElem = uint8_t;
  using BElem = int8_t;
  static constexpr size_t kStep = 64;
  static constexpr int kMaxRows = Avx512::kMaxRows;
  static constexpr int kMaxCols = Avx512::kMaxCols;

  static Reg zero() { return _mm512_setzero_si512(); }
  static Reg load(const void* p) { return _mm512_loadu_si512(p); }
  static Reg load_tail(const void* p, size_t count) {
    return _mm512_maskz_loadu_epi8(static_cast<__mmask64>((uint64_t{1} << count) - 1u), p);
  }
  static Reg load_a(const uint8_t* p) { return load(p); }
  static Reg load_a_tail(const uint8_t* p, size_t count) { return load_tail(p, count); }
  static Reg load_b(const int8_t* p) { return load(p); }
  static Reg load_b_tail(const int8_t* p, size_t count) { return load_tail(p, count); }
  static Reg fma(Reg x, Reg w, Reg acc) { return _mm512_dpbusd_epi32(acc, x, w); }
  // Lane sums are exact int32; each is at most k/16 * 4 * 255 * 127 in magnitude, exact in
  // float up to 2^24 and within one part in 10^7 beyond.
  static float sum(Reg r) { return static_cast<float>(_mm512_reduce_add_epi32(r)); }
  static __m128 sum4(Reg r0, Reg r1, Reg r2, Reg r3) {
    return Avx512::sum4(_mm512_cvtepi32_ps(r0), _mm512_cvtepi32_ps(r1), _mm512_cvtepi32_ps(r2),
                        _mm512_cvtepi32_ps(r3));
  }
  static void store4(float* p, __m128 sums, float alpha, float beta) {
    Avx512::store4(p, sums, alpha, beta);
  }
  static void prefetch(uintptr_t address) { Avx512::prefetch(address); }
};

}  // namespace

void quantize_rows_to_uint8_avx512(const float* a, size_t m, size_t k, size_t lda, uint8_t* q,
                                   float* scale, int32_t* zero) {
  for (size_t i = 0; i < m; ++i) {
    const float* row = a + i * lda;
    uint8_t* dst = q + i * k;
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

void small_gemm_nt_int8_avx512vnni(size_t m, size_t n, size_t k, const uint8_t* a, size_t lda,
                                   const int8_t* b, size_t ldb, float* c, size_t ldc) {
  small_gemm_detail::gemm_nt<Avx512Vnni>(m, n, k, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
}

}  // namespace clipret::model::cpu
