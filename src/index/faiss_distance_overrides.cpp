// index/faiss_distance_overrides.cpp: faiss 1.7.3's distance functions (the symbols of
// libfaiss.a's distances_simd.cpp.o, all of them, so that the linker never needs that member)
// defined on the run-time-selected kernels of index/distance_kernels.h. Same contracts as
// faiss's: results equal to faiss's own to float rounding, argmins the first minimum
// (tests/index/distance_kernels_test.cpp compares every function with Debian's compiled faiss).
// Linked whole, ahead of libfaiss.a, into every target that links `clipret_faiss`
// (src/index/CMakeLists.txt).
#include <faiss/utils/distances.h>
#include <faiss/utils/utils.h>

#include <cmath>
#include <stdexcept>

#include "index/distance_kernels.h"

namespace clipret::index {

const char* faiss_distance_kernels_isa() {
  return distance_kernels().isa;
}

}  // namespace clipret::index

namespace {

const clipret::index::DistanceKernels& k() {
  static const clipret::index::DistanceKernels& kernels = clipret::index::distance_kernels();
  return kernels;
}

size_t first_minimum(const float* values, size_t n) {
  size_t best = 0;
  float min = HUGE_VALF;
  for (size_t i = 0; i < n; ++i) {
    if (values[i] < min) {
      min = values[i];
      best = i;
    }
  }
  return best;
}

}  // namespace

namespace faiss {

// Declared by faiss only in its sources (the scalar references and the transposed variant's
// helper); defined here because distances_simd.cpp.o defines them.
float fvec_L2sqr_ref(const float* x, const float* y, size_t d);
float fvec_L1_ref(const float* x, const float* y, size_t d);
float fvec_Linf_ref(const float* x, const float* y, size_t d);
float fvec_inner_product_ref(const float* x, const float* y, size_t d);
float fvec_norm_L2sqr_ref(const float* x, size_t d);
void fvec_L2sqr_ny_ref(float* dis, const float* x, const float* y, size_t d, size_t ny);
void fvec_inner_products_ny_ref(float* ip, const float* x, const float* y, size_t d, size_t ny);
size_t fvec_L2sqr_ny_nearest_ref(float* distances_tmp_buffer, const float* x, const float* y,
                                 size_t d, size_t ny);
void fvec_L2sqr_ny_y_transposed_ref(float* dis, const float* x, const float* y,
                                    const float* y_sqlen, size_t d, size_t d_offset, size_t ny);
size_t fvec_L2sqr_ny_nearest_y_transposed_ref(float* distances_tmp_buffer, const float* x,
                                              const float* y, const float* y_sqlen, size_t d,
                                              size_t d_offset, size_t ny);

float fvec_L2sqr(const float* x, const float* y, size_t d) {
  return k().l2sqr(x, y, d);
}

float fvec_inner_product(const float* x, const float* y, size_t d) {
  return k().inner_product(x, y, d);
}

float fvec_norm_L2sqr(const float* x, size_t d) {
  return k().norm_l2sqr(x, d);
}

float fvec_L1(const float* x, const float* y, size_t d) {
  return k().l1(x, y, d);
}

float fvec_Linf(const float* x, const float* y, size_t d) {
  return k().linf(x, y, d);
}

void fvec_L2sqr_ny(float* dis, const float* x, const float* y, size_t d, size_t ny) {
  k().l2sqr_ny(dis, x, y, d, ny);
}

void fvec_inner_products_ny(float* ip, const float* x, const float* y, size_t d, size_t ny) {
  k().inner_products_ny(ip, x, y, d, ny);
}

size_t fvec_L2sqr_ny_nearest(float* distances_tmp_buffer, const float* x, const float* y, size_t d,
                             size_t ny) {
  k().l2sqr_ny(distances_tmp_buffer, x, y, d, ny);
  return first_minimum(distances_tmp_buffer, ny);
}

size_t fvec_L2sqr_ny_nearest_y_transposed(float* distances_tmp_buffer, const float* x,
                                          const float* y, const float* y_sqlen, size_t d,
                                          size_t d_offset, size_t ny) {
  return fvec_L2sqr_ny_nearest_y_transposed_ref(distances_tmp_buffer, x, y, y_sqlen, d, d_offset,
                                                ny);
}

void fvec_madd(size_t n, const float* a, float bf, const float* b, float* c) {
  k().madd(n, a, bf, b, c);
}

int fvec_madd_and_argmin(size_t n, const float* a, float bf, const float* b, float* c) {
  k().madd(n, a, bf, b, c);
  float min = 1e20f;  // faiss's start: -1 when every value is at least that
  int best = -1;
  for (size_t i = 0; i < n; ++i) {
    if (c[i] < min) {
      min = c[i];
      best = static_cast<int>(i);
    }
  }
  return best;
}

void fvec_add(size_t d, const float* a, const float* b, float* c) {
  for (size_t i = 0; i < d; ++i) c[i] = a[i] + b[i];
}

void fvec_add(size_t d, const float* a, float b, float* c) {
  for (size_t i = 0; i < d; ++i) c[i] = a[i] + b;
}

void fvec_sub(size_t d, const float* a, const float* b, float* c) {
  for (size_t i = 0; i < d; ++i) c[i] = a[i] - b[i];
}

// Distance tables of a PQ with 2-dimensional sub-vectors: for each of the nx rows and each of
// the d / 2 sub-quantizers, its ksub distances (or inner products) to that sub-quantizer's
// centroids, stored row by row, sub-quantizer by sub-quantizer.
void compute_PQ_dis_tables_dsub2(size_t d, size_t ksub, const float* centroids, size_t nx,
                                 const float* x, bool is_inner_product, float* dis_tables) {
  if (ksub % 8 != 0) throw std::invalid_argument("compute_PQ_dis_tables_dsub2: ksub % 8 != 0");
  const size_t m_count = d / 2;
  for (size_t i = 0; i < nx; ++i) {
    for (size_t m = 0; m < m_count; ++m) {
      const float* sub = x + i * d + 2 * m;
      float* out = dis_tables + (i * m_count + m) * ksub;
      const float* c = centroids + m * ksub * 2;
      if (is_inner_product) {
        k().inner_products_ny(out, sub, c, 2, ksub);
      } else {
        k().l2sqr_ny(out, sub, c, 2, ksub);
      }
    }
  }
}

// The scalar references, as faiss has them.
float fvec_L2sqr_ref(const float* x, const float* y, size_t d) {
  float s = 0;
  for (size_t i = 0; i < d; ++i) {
    const float e = x[i] - y[i];
    s += e * e;
  }
  return s;
}

float fvec_L1_ref(const float* x, const float* y, size_t d) {
  float s = 0;
  for (size_t i = 0; i < d; ++i) s += std::fabs(x[i] - y[i]);
  return s;
}

float fvec_Linf_ref(const float* x, const float* y, size_t d) {
  float m = 0;
  for (size_t i = 0; i < d; ++i) m = std::fmax(m, std::fabs(x[i] - y[i]));
  return m;
}

float fvec_inner_product_ref(const float* x, const float* y, size_t d) {
  float s = 0;
  for (size_t i = 0; i < d; ++i) s += x[i] * y[i];
  return s;
}

float fvec_norm_L2sqr_ref(const float* x, size_t d) {
  double s = 0;
  for (size_t i = 0; i < d; ++i) s += double(x[i]) * x[i];
  return static_cast<float>(s);
}

void fvec_L2sqr_ny_ref(float* dis, const float* x, const float* y, size_t d, size_t ny) {
  for (size_t i = 0; i < ny; ++i) dis[i] = fvec_L2sqr_ref(x, y + i * d, d);
}

void fvec_inner_products_ny_ref(float* ip, const float* x, const float* y, size_t d, size_t ny) {
  for (size_t i = 0; i < ny; ++i) ip[i] = fvec_inner_product_ref(x, y + i * d, d);
}

size_t fvec_L2sqr_ny_nearest_ref(float* distances_tmp_buffer, const float* x, const float* y,
                                 size_t d, size_t ny) {
  fvec_L2sqr_ny_ref(distances_tmp_buffer, x, y, d, ny);
  return first_minimum(distances_tmp_buffer, ny);
}

void fvec_L2sqr_ny_y_transposed_ref(float* dis, const float* x, const float* y,
                                    const float* y_sqlen, size_t d, size_t d_offset, size_t ny) {
  float x_sqlen = 0;
  for (size_t j = 0; j < d; ++j) x_sqlen += x[j] * x[j];
  for (size_t i = 0; i < ny; ++i) {
    float dot = 0;
    for (size_t j = 0; j < d; ++j) dot += x[j] * y[i + j * d_offset];
    dis[i] = x_sqlen + y_sqlen[i] - 2 * dot;
  }
}

size_t fvec_L2sqr_ny_nearest_y_transposed_ref(float* distances_tmp_buffer, const float* x,
                                              const float* y, const float* y_sqlen, size_t d,
                                              size_t d_offset, size_t ny) {
  fvec_L2sqr_ny_y_transposed_ref(distances_tmp_buffer, x, y, y_sqlen, d, d_offset, ny);
  return first_minimum(distances_tmp_buffer, ny);
}

}  // namespace faiss
