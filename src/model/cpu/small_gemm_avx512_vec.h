// model/cpu/small_gemm_avx512_vec.h: the 16-float vector of the AVX-512 small-m kernels
// (model/cpu/small_gemm_kernel.h describes the Vec contract), for fp32 operands, and with
// bfloat16 weights widened in registers. Included only by files compiled with -mavx512f -mfma
// (small_gemm_avx512.cpp, small_gemm_avx512bf16.cpp): the types are in an anonymous namespace
// so that each file's instantiations stay its own (internal linkage), and no standard-library
// header with inline code is included.
// g++ 12's _mm512_extractf64x4_pd (in _mm512_reduce_add_ps) passes _mm256_undefined_pd() and
// -Wuninitialized reports it once inlined here; under the sanitizers _mm512_shuffle_f32x4's
// _mm512_undefined_ps() draws -Wmaybe-uninitialized at the inlining site, so both are silenced for
// the header (pragmas) and, for the sanitizer case, in src/model/CMakeLists.txt.
#pragma once

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop

#include <cstddef>
#include <cstdint>

namespace clipret::model::cpu {
namespace {

struct Avx512 {
  using Reg = __m512;
  using AElem = float;
  using BElem = float;
  static constexpr size_t kStep = 16;
  // 6 x 4 accumulators + 4 rows of b + 1 row of a = 29 of the 32 registers.
  static constexpr int kMaxRows = 6;
  static constexpr int kMaxCols = 4;

  static Reg zero() { return _mm512_setzero_ps(); }
  static Reg load(const float* p) { return _mm512_loadu_ps(p); }
  static Reg load_tail(const float* p, size_t count) {
    return _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << count) - 1u), p);
  }
  static Reg load_a(const float* p) { return load(p); }
  static Reg load_a_tail(const float* p, size_t count) { return load_tail(p, count); }
  static Reg load_b(const float* p) { return load(p); }
  static Reg load_b_tail(const float* p, size_t count) { return load_tail(p, count); }
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

// 16 bfloat16 values widened to floats: each is the top half of its float's bits.
inline __m512 widen_bf16(__m256i halves) {
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(halves), 16));
}

// `count` (< 32) 16-bit values from p, zeros after them, in a 512-bit register; through a
// buffer, so nothing past p + count is read (a tail happens once per row block and row).
inline __m512i load_u16_tail(const uint16_t* p, size_t count) {
  alignas(64) uint16_t lanes[32] = {};
  for (size_t i = 0; i < count; ++i) lanes[i] = p[i];
  return _mm512_load_si512(lanes);
}

// fp32 activations, bfloat16 weights widened to fp32 in registers: the products and sums are
// fp32's, the weights' memory and bandwidth are halved.
struct Avx512Bf16Weights : Avx512 {
  using BElem = uint16_t;
  static Reg load_b(const uint16_t* p) {
    return widen_bf16(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
  }
  static Reg load_b_tail(const uint16_t* p, size_t count) {
    return widen_bf16(_mm512_castsi512_si256(load_u16_tail(p, count)));
  }
};

}  // namespace
}  // namespace clipret::model::cpu
