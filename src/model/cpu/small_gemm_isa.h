// model/cpu/small_gemm_isa.h: the small-m kernel of each instruction set (model/cpu/small_gemm.h
// describes them). Defined only when the build compiles that file (x86-64); call one only when
// the CPU supports its instructions. No standard-library header here: the per-instruction-set
// files include it and must not instantiate shared inline code with their -m flags.
#pragma once

#include <cstddef>
#include <cstdint>

#include "model/cpu/int8_epilogue.h"

namespace clipret::model::cpu {

void small_gemm_nt_avx512(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                          const float* b, size_t ldb, float beta, float* c, size_t ldc);
void small_gemm_nt_avx2(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                        const float* b, size_t ldb, float beta, float* c, size_t ldc);

// fp32 a, bfloat16 b (raw bits) widened in registers; products and sums in fp32.
void small_gemm_nt_bf16w_avx512(size_t m, size_t n, size_t k, float alpha, const float* a,
                                size_t lda, const uint16_t* b, size_t ldb, float beta, float* c,
                                size_t ldc);
void small_gemm_nt_bf16w_avx2(size_t m, size_t n, size_t k, float alpha, const float* a, size_t lda,
                              const uint16_t* b, size_t ldb, float beta, float* c, size_t ldc);
// a and b both bfloat16: pair products summed in fp32 (vdpbf16ps).
void small_gemm_nt_bf16p_avx512bf16(size_t m, size_t n, size_t k, float alpha, const uint16_t* a,
                                    size_t lda, const uint16_t* b, size_t ldb, float beta, float* c,
                                    size_t ldc);
// SmallGemmInt8PackedFn (small_gemm.h) on AVX-512 VNNI.
void small_gemm_int8_packed_avx512vnni(size_t m, size_t n, size_t k, const uint8_t* a, size_t lda,
                                       const int8_t* packed, const Int8Epilogue& epilogue, float* c,
                                       size_t ldc);
// The same on AVX2, with |weights| <= 63 (vpmaddubsw's int16 pair sums must not saturate).
void small_gemm_int8_packed_avx2(size_t m, size_t n, size_t k, const uint8_t* a, size_t lda,
                                 const int8_t* packed, const Int8Epilogue& epilogue, float* c,
                                 size_t ldc);
// model/cpu/int8_quantize.h's quantize_activation_rows, vectorised (the same bytes and scales).
void quantize_rows_to_uint8_avx512(const float* a, size_t m, size_t k, size_t lda, uint8_t* q,
                                   size_t ldq, float* scale, int32_t* zero);
void quantize_rows_to_uint8_avx2(const float* a, size_t m, size_t k, size_t lda, uint8_t* q,
                                 size_t ldq, float* scale, int32_t* zero);
// out (m x k, leading dimension ldo) = a (m x k, leading dimension lda) rounded to bfloat16, to
// nearest even.
void round_rows_to_bf16_avx512bf16(const float* a, size_t m, size_t k, size_t lda, uint16_t* out,
                                   size_t ldo);
// SmallGemmBf16PackedFn (small_gemm.h) with vdpbf16ps.
void small_gemm_bf16_packed_avx512bf16(size_t m, size_t n, size_t k, float alpha, const uint16_t* a,
                                       size_t lda, const uint16_t* packed, float beta, float* c,
                                       size_t ldc);

}  // namespace clipret::model::cpu
