// model/cpu/small_gemm_kernel.h: the small-m "a times b transposed" kernel, written once over
// a vector type; included only by the per-instruction-set files (small_gemm_avx512.cpp,
// small_gemm_avx2.cpp), each of which instantiates it with a Vec type of its own.
//
// Vec provides: Reg, AElem and BElem (the element types of a and b: float, or uint16_t holding
// bfloat16), kStep (elements of a row consumed per step), kMaxRows and kMaxCols (the register
// block: rows of a times rows of b, kMaxRows x kMaxCols accumulators plus kMaxCols + 1 operands
// must fit the register file), zero(), load_a(p) / load_b(p) (kStep elements, widened to Reg as
// the kind needs), load_a_tail(p, count) / load_b_tail(p, count) (count < kStep, zeros past
// count), fma(x, w, acc) (acc plus the products of one step), sum(r) (horizontal),
// prefetch(address) (into L2); with kMaxCols == 4 also sum4(r0, r1, r2, r3) (the four
// horizontal sums in a 4-float vector) and store4(p, sums, alpha, beta) (p[0..3] = alpha sums +
// beta p[0..3], p not read when beta == 0).
//
// Vec is a type local to its file (an anonymous namespace), so every instantiation here has
// internal linkage: no function compiled with AVX-512 enabled can be picked by the linker for a
// caller on another CPU. For the same reason this header includes nothing from the standard
// library.
#pragma once

#include <cstddef>
#include <cstdint>

namespace clipret::model::cpu::small_gemm_detail {

template <class Vec>
using BlockFn = void (*)(size_t k, const typename Vec::AElem* a, size_t lda,
                         const typename Vec::BElem* b, size_t ldb, float alpha, float beta,
                         float* c, size_t ldc);

// c (ROWS x COLS, ldc) = alpha * a (ROWS x k) * b (COLS x k)^T + beta * c: every row of a
// against every row of b, ROWS x COLS dot products accumulated in registers, Vec::kWidth
// products per step.
template <class Vec, int ROWS, int COLS>
void dot_block(size_t k, const typename Vec::AElem* a, size_t lda, const typename Vec::BElem* b,
               size_t ldb, float alpha, float beta, float* c, size_t ldc) {
  using Reg = typename Vec::Reg;
  Reg acc[ROWS][COLS];
#pragma GCC unroll 16
  for (int i = 0; i < ROWS; ++i) {
#pragma GCC unroll 16
    for (int j = 0; j < COLS; ++j) acc[i][j] = Vec::zero();
  }
  size_t p = 0;
  for (; p + Vec::kStep <= k; p += Vec::kStep) {
    Reg w[COLS];
#pragma GCC unroll 16
    for (int j = 0; j < COLS; ++j) {
      // The same place in the next block's rows: exactly what is read one block later, whatever
      // k. After the last block the addresses lie past b (an integer, not a pointer, so as not
      // to form one): a few cache lines nobody reads, and prefetches never fault.
      Vec::prefetch(reinterpret_cast<uintptr_t>(b + j * ldb + p) +
                    COLS * ldb * sizeof(typename Vec::BElem));
      w[j] = Vec::load_b(b + j * ldb + p);
    }
#pragma GCC unroll 16
    for (int i = 0; i < ROWS; ++i) {
      const Reg x = Vec::load_a(a + i * lda + p);
#pragma GCC unroll 16
      for (int j = 0; j < COLS; ++j) acc[i][j] = Vec::fma(x, w[j], acc[i][j]);
    }
  }
  if (p < k) {
    const size_t rest = k - p;
    Reg w[COLS];
#pragma GCC unroll 16
    for (int j = 0; j < COLS; ++j) w[j] = Vec::load_b_tail(b + j * ldb + p, rest);
#pragma GCC unroll 16
    for (int i = 0; i < ROWS; ++i) {
      const Reg x = Vec::load_a_tail(a + i * lda + p, rest);
#pragma GCC unroll 16
      for (int j = 0; j < COLS; ++j) acc[i][j] = Vec::fma(x, w[j], acc[i][j]);
    }
  }
#pragma GCC unroll 16
  for (int i = 0; i < ROWS; ++i) {
    float* row = c + i * ldc;
    if constexpr (COLS == 4) {
      // One transposing reduction for the four sums (a third of four separate ones).
      Vec::store4(row, Vec::sum4(acc[i][0], acc[i][1], acc[i][2], acc[i][3]), alpha, beta);
    } else {
#pragma GCC unroll 16
      for (int j = 0; j < COLS; ++j) {
        const float dot = alpha * Vec::sum(acc[i][j]);
        row[j] = beta == 0.0f ? dot : dot + beta * row[j];
      }
    }
  }
}

// The dot_block for `cols` (1..COLS) rows of b and ROWS rows of a.
template <class Vec, int ROWS, int COLS>
BlockFn<Vec> pick_cols(size_t cols) {
  if constexpr (COLS == 1) {
    return &dot_block<Vec, ROWS, 1>;
  } else {
    return cols == COLS ? &dot_block<Vec, ROWS, COLS> : pick_cols<Vec, ROWS, COLS - 1>(cols);
  }
}

// The dot_block for `rows` (1..ROWS) rows of a and `cols` (1..Vec::kMaxCols) rows of b.
template <class Vec, int ROWS>
BlockFn<Vec> pick_block(size_t rows, size_t cols) {
  if constexpr (ROWS == 1) {
    return pick_cols<Vec, 1, Vec::kMaxCols>(cols);
  } else {
    return rows == ROWS ? pick_cols<Vec, ROWS, Vec::kMaxCols>(cols)
                        : pick_block<Vec, ROWS - 1>(rows, cols);
  }
}

// The whole product. Column blocks (rows of b) outside, row blocks of a inside: each block of b
// comes from memory once and from L1 for the other row blocks; a (m x k) stays in L1/L2. The
// rows of a are split into equal blocks (13 rows: 5 + 4 + 4, not 6 + 6 + 1) so that every
// block keeps enough accumulators in flight.
template <class Vec>
void gemm_nt(size_t m, size_t n, size_t k, float alpha, const typename Vec::AElem* a, size_t lda,
             const typename Vec::BElem* b, size_t ldb, float beta, float* c, size_t ldc) {
  if (m == 0 || n == 0) return;
  constexpr size_t kRows = Vec::kMaxRows;
  constexpr size_t kCols = Vec::kMaxCols;
  const size_t row_blocks = (m + kRows - 1) / kRows;
  const size_t rows_per_block = (m + row_blocks - 1) / row_blocks;
  for (size_t j = 0; j < n; j += kCols) {
    const size_t cols = n - j < kCols ? n - j : kCols;
    for (size_t i = 0; i < m; i += rows_per_block) {
      const size_t rows = m - i < rows_per_block ? m - i : rows_per_block;
      pick_block<Vec, Vec::kMaxRows>(rows, cols)(k, a + i * lda, lda, b + j * ldb, ldb, alpha, beta,
                                                 c + i * ldc + j, ldc);
    }
  }
}

// The packed kernels' register blocks (Block<MR, NB>::run, a static function or function pointer:
// MR rows of a times NB groups of packed columns), picked for a tail of `rows` (1..MR) rows and
// `groups` (1..NB) groups. Every smaller block is instantiated once per kernel file.
template <template <int, int> class Block, int MR, int NB>
constexpr auto pick_packed_groups(size_t groups) {
  if constexpr (NB == 1) {
    return Block<MR, 1>::run;
  } else {
    return groups >= NB ? Block<MR, NB>::run : pick_packed_groups<Block, MR, NB - 1>(groups);
  }
}

template <template <int, int> class Block, int MR, int NB>
constexpr auto pick_packed_block(size_t rows, size_t groups) {
  if constexpr (MR == 1) {
    return pick_packed_groups<Block, 1, NB>(groups);
  } else {
    return rows >= MR ? pick_packed_groups<Block, MR, NB>(groups)
                      : pick_packed_block<Block, MR - 1, NB>(rows, groups);
  }
}

}  // namespace clipret::model::cpu::small_gemm_detail
