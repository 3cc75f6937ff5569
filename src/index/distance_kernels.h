// index/distance_kernels.h: the vector distance functions faiss calls everywhere outside BLAS
// (HNSW construction and search, PQ encoding, IVF-Flat scanning, k-means updates), compiled for
// AVX-512, AVX2 + FMA and the baseline, chosen at run time by cpuid.
//
// Why: Debian's libfaiss.a is built for the x86-64 baseline, so its fvec_L2sqr & co. are scalar
// loops (no SSE3, let alone AVX: `objdump -d distances_simd.cpp.o` shows no ymm register). They
// were 90 % of the time adding 1M vectors to an OPQ-PQ index and most of an HNSW build.
// index/faiss_distance_overrides.cpp defines faiss's own symbols of that object file on top of
// these tables, linked ahead of libfaiss.a so that the linker never takes faiss's copy
// (src/index/CMakeLists.txt, `clipret_faiss`; docs/index.md, "Distance kernels").
#pragma once

#include <cstddef>

namespace clipret::index {

struct DistanceKernels {
  const char* isa;  // "avx512", "avx2", "baseline"
  float (*l2sqr)(const float* x, const float* y, size_t d);
  float (*inner_product)(const float* x, const float* y, size_t d);
  float (*norm_l2sqr)(const float* x, size_t d);
  float (*l1)(const float* x, const float* y, size_t d);
  float (*linf)(const float* x, const float* y, size_t d);
  // dis[i] = |x - y_i|^2 / <x, y_i> for the ny rows of y (d floats each).
  void (*l2sqr_ny)(float* dis, const float* x, const float* y, size_t d, size_t ny);
  void (*inner_products_ny)(float* ip, const float* x, const float* y, size_t d, size_t ny);
  // c = a + bf * b.
  void (*madd)(size_t n, const float* a, float bf, const float* b, float* c);
};

// The kernels of each instruction set this build has (defined only on x86-64 for the first two).
extern const DistanceKernels kAvx512DistanceKernels;
extern const DistanceKernels kAvx2DistanceKernels;
extern const DistanceKernels kBaselineDistanceKernels;

// The best kernels the CPU runs (AVX-512 F, then AVX2 + FMA, then the baseline).
const DistanceKernels& distance_kernels();

// Every kernel set the CPU can run, best first (tests compare each with faiss's own).
const DistanceKernels* const* supported_distance_kernels(size_t* count);

// The instruction set of the kernels faiss's distance functions run on in this process.
const char* faiss_distance_kernels_isa();

}  // namespace clipret::index
