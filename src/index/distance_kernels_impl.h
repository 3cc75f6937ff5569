// index/distance_kernels_impl.h: the kernels of index/distance_kernels.h, written once with GCC
// vector extensions and compiled per instruction set by distance_kernels_<isa>.cpp (which
// define CLIPRET_DISTANCE_KERNELS_NAME and include this file inside their own -m flags). No
// standard-library header: inline library code must not be instantiated with those flags.
#include <stddef.h>
#include <string.h>

#include "index/distance_kernels.h"

namespace clipret::index {
namespace {

// 16 floats: one zmm register with AVX-512, two ymm with AVX2, four xmm on the baseline.
typedef float Vec16 __attribute__((vector_size(64)));

inline Vec16 load16(const float* p) {
  Vec16 v;
  memcpy(&v, p, sizeof v);  // an unaligned vector load
  return v;
}

inline float sum16(Vec16 v) {
  float s = 0;
  for (int i = 0; i < 16; ++i) s += v[i];
  return s;
}

inline Vec16 abs16(Vec16 v) {
  return v < 0 ? -v : v;
}

// Two accumulators over 32 floats at a time hide the FMA latency.
float kernel_l2sqr(const float* x, const float* y, size_t d) {
  Vec16 a0 = {}, a1 = {};
  size_t i = 0;
  for (; i + 32 <= d; i += 32) {
    const Vec16 e0 = load16(x + i) - load16(y + i);
    const Vec16 e1 = load16(x + i + 16) - load16(y + i + 16);
    a0 += e0 * e0;
    a1 += e1 * e1;
  }
  if (i + 16 <= d) {
    const Vec16 e0 = load16(x + i) - load16(y + i);
    a0 += e0 * e0;
    i += 16;
  }
  float s = sum16(a0 + a1);
  for (; i < d; ++i) {
    const float e = x[i] - y[i];
    s += e * e;
  }
  return s;
}

float kernel_inner_product(const float* x, const float* y, size_t d) {
  Vec16 a0 = {}, a1 = {};
  size_t i = 0;
  for (; i + 32 <= d; i += 32) {
    a0 += load16(x + i) * load16(y + i);
    a1 += load16(x + i + 16) * load16(y + i + 16);
  }
  if (i + 16 <= d) {
    a0 += load16(x + i) * load16(y + i);
    i += 16;
  }
  float s = sum16(a0 + a1);
  for (; i < d; ++i) s += x[i] * y[i];
  return s;
}

float kernel_norm_l2sqr(const float* x, size_t d) {
  return kernel_inner_product(x, x, d);
}

float kernel_l1(const float* x, const float* y, size_t d) {
  Vec16 a = {};
  size_t i = 0;
  for (; i + 16 <= d; i += 16) a += abs16(load16(x + i) - load16(y + i));
  float s = sum16(a);
  for (; i < d; ++i) s += x[i] > y[i] ? x[i] - y[i] : y[i] - x[i];
  return s;
}

float kernel_linf(const float* x, const float* y, size_t d) {
  float m = 0;
  for (size_t i = 0; i < d; ++i) {
    const float e = x[i] > y[i] ? x[i] - y[i] : y[i] - x[i];
    m = e > m ? e : m;
  }
  return m;
}

// Short vectors (PQ sub-vectors: 2 to 8 floats) in a loop the compiler unrolls, without a call
// per distance.
template <int D>
void l2sqr_ny_fixed(float* dis, const float* x, const float* y, size_t ny) {
  float q[D];
  for (int j = 0; j < D; ++j) q[j] = x[j];
  for (size_t i = 0; i < ny; ++i) {
    float s = 0;
    for (int j = 0; j < D; ++j) {
      const float e = q[j] - y[i * D + j];
      s += e * e;
    }
    dis[i] = s;
  }
}

template <int D>
void inner_products_ny_fixed(float* ip, const float* x, const float* y, size_t ny) {
  float q[D];
  for (int j = 0; j < D; ++j) q[j] = x[j];
  for (size_t i = 0; i < ny; ++i) {
    float s = 0;
    for (int j = 0; j < D; ++j) s += q[j] * y[i * D + j];
    ip[i] = s;
  }
}

void kernel_l2sqr_ny(float* dis, const float* x, const float* y, size_t d, size_t ny) {
  switch (d) {
    case 1:
      return l2sqr_ny_fixed<1>(dis, x, y, ny);
    case 2:
      return l2sqr_ny_fixed<2>(dis, x, y, ny);
    case 3:
      return l2sqr_ny_fixed<3>(dis, x, y, ny);
    case 4:
      return l2sqr_ny_fixed<4>(dis, x, y, ny);
    case 6:
      return l2sqr_ny_fixed<6>(dis, x, y, ny);
    case 8:
      return l2sqr_ny_fixed<8>(dis, x, y, ny);
    default:
      for (size_t i = 0; i < ny; ++i) dis[i] = kernel_l2sqr(x, y + i * d, d);
  }
}

void kernel_inner_products_ny(float* ip, const float* x, const float* y, size_t d, size_t ny) {
  switch (d) {
    case 1:
      return inner_products_ny_fixed<1>(ip, x, y, ny);
    case 2:
      return inner_products_ny_fixed<2>(ip, x, y, ny);
    case 3:
      return inner_products_ny_fixed<3>(ip, x, y, ny);
    case 4:
      return inner_products_ny_fixed<4>(ip, x, y, ny);
    case 6:
      return inner_products_ny_fixed<6>(ip, x, y, ny);
    case 8:
      return inner_products_ny_fixed<8>(ip, x, y, ny);
    default:
      for (size_t i = 0; i < ny; ++i) ip[i] = kernel_inner_product(x, y + i * d, d);
  }
}

void kernel_madd(size_t n, const float* a, float bf, const float* b, float* c) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const Vec16 r = load16(a + i) + bf * load16(b + i);
    memcpy(c + i, &r, sizeof r);
  }
  for (; i < n; ++i) c[i] = a[i] + bf * b[i];
}

}  // namespace

extern const DistanceKernels CLIPRET_DISTANCE_KERNELS_NAME;
const DistanceKernels CLIPRET_DISTANCE_KERNELS_NAME = {CLIPRET_DISTANCE_KERNELS_ISA,
                                                       kernel_l2sqr,
                                                       kernel_inner_product,
                                                       kernel_norm_l2sqr,
                                                       kernel_l1,
                                                       kernel_linf,
                                                       kernel_l2sqr_ny,
                                                       kernel_inner_products_ny,
                                                       kernel_madd};

}  // namespace clipret::index
