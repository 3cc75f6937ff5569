// The small-row kernels (model/cpu/small_gemm.h), fp32 and with bfloat16 weights, against a
// double-precision reference, for every kernel this CPU runs, and CpuBackend's routing to them
// (threads included).
#include "model/cpu/small_gemm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <utility>
#include <vector>

#include "core/bfloat16.h"
#include "model/cpu/cpu_backend.h"

namespace clipret::model {
namespace {

std::vector<float> random_values(size_t n, uint32_t seed) {
  std::mt19937 engine(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> out(n);
  for (float& v : out) v = dist(engine);
  return out;
}

struct Product {
  size_t m, n, k, lda, ldb, ldc;
  float alpha, beta;
};

// Checks c_after against alpha a b^T + beta c_before in double, each element within float
// rounding of its terms' magnitude (k products plus the old value).
void expect_product(const Product& p, const std::vector<float>& a, const std::vector<float>& b,
                    const std::vector<float>& c_before, const std::vector<float>& c_after,
                    const std::string& what) {
  for (size_t i = 0; i < p.m; ++i) {
    for (size_t j = 0; j < p.n; ++j) {
      double dot = 0.0, magnitude = 0.0;
      for (size_t q = 0; q < p.k; ++q) {
        const double term = static_cast<double>(a[i * p.lda + q]) * b[j * p.ldb + q];
        dot += term;
        magnitude += std::abs(term);
      }
      const double old = p.beta == 0.0f ? 0.0 : static_cast<double>(c_before[i * p.ldc + j]);
      const double want = p.alpha * dot + p.beta * old;
      const double bound = 1e-6 * (static_cast<double>(p.k) + 2.0) *
                               (std::abs(p.alpha) * magnitude + std::abs(p.beta * old)) +
                           1e-30;
      ASSERT_NEAR(c_after[i * p.ldc + j], want, bound)
          << what << " m " << p.m << " n " << p.n << " k " << p.k << " alpha " << p.alpha
          << " beta " << p.beta << " at (" << i << ", " << j << ")";
    }
  }
}

// Runs `gemm` on random operands with leading dimensions wider than the matrices; the padding
// of c must stay untouched, and with beta == 0 c starts as NaN (it must not be read).
// `effective` (optional) turns the operands into the values the kernel really multiplies (for
// the bfloat16 kernels), after the kernel ran on the originals.
template <class Gemm>
void check(
    const Product& p, Gemm gemm, const std::string& what,
    const std::function<void(std::vector<float>&, std::vector<float>&)>& effective = nullptr) {
  std::vector<float> a = random_values(p.m * p.lda, 1);
  std::vector<float> b = random_values(p.n * p.ldb, 2);
  std::vector<float> c = random_values(p.m * p.ldc, 3);
  if (p.beta == 0.0f) {
    for (size_t i = 0; i < p.m; ++i)
      for (size_t j = 0; j < p.n; ++j) c[i * p.ldc + j] = std::numeric_limits<float>::quiet_NaN();
  }
  const std::vector<float> before = c;
  gemm(p, a.data(), b.data(), c.data());
  if (effective) effective(a, b);
  expect_product(p, a, b, before, c, what);
  for (size_t i = 0; i < p.m; ++i)
    for (size_t j = p.n; j < p.ldc; ++j) ASSERT_EQ(c[i * p.ldc + j], before[i * p.ldc + j]);
}

TEST(SmallGemmTest, EveryKernelMatchesDoubleReference) {
  const auto& kernels = cpu::supported_small_gemm_kernels();
  if (kernels.empty()) GTEST_SKIP() << "no small-gemm kernel for this CPU";
  for (const cpu::SmallGemmKernel& kernel : kernels) {
    for (size_t m = 1; m <= 17; ++m) {
      for (const size_t n : {1, 2, 3, 4, 5, 7, 13, 33}) {
        for (const size_t k : {1, 7, 8, 15, 16, 17, 31, 40, 100}) {
          const float beta = (m + n + k) % 2 == 0 ? 0.0f : 0.75f;
          const Product p{m, n, k, k + 3, k + 5, n + 2, (m % 3 == 0) ? -0.5f : 1.0f, beta};
          check(
              p,
              [&](const Product& q, const float* a, const float* b, float* c) {
                kernel.gemm_nt(q.m, q.n, q.k, q.alpha, a, q.lda, b, q.ldb, q.beta, c, q.ldc);
              },
              kernel.name);
        }
      }
    }
  }
}

// The bfloat16-weight kernels on the same shapes, against the double product of the operands
// they really multiply: b as stored (bfloat16), a as given, or rounded to bfloat16 (to nearest
// even, core/bfloat16.h) for the kernels whose products are bfloat16's.
TEST(SmallGemmTest, EveryBf16KernelMatchesDoubleReference) {
  const auto& kernels = cpu::supported_small_gemm_bf16_kernels();
  if (kernels.empty()) GTEST_SKIP() << "no bfloat16 small-gemm kernel for this CPU";
  for (const cpu::SmallGemmBf16Kernel& kernel : kernels) {
    for (size_t m = 1; m <= 14; ++m) {
      for (const size_t n : {1, 2, 3, 4, 5, 9, 33}) {
        for (const size_t k : {1, 2, 7, 8, 16, 17, 31, 32, 33, 63, 65, 100}) {
          const float beta = (m + n + k) % 2 == 0 ? 0.0f : 0.75f;
          const Product p{m, n, k, k + 3, k + 5, n + 2, (m % 3 == 0) ? -0.5f : 1.0f, beta};
          std::vector<uint16_t> b16;
          const std::vector<float> b_floats = random_values(p.n * p.ldb, 2);
          for (float v : b_floats) b16.push_back(core::float32_to_bfloat16(v));
          check(
              p,
              [&](const Product& q, const float* a, const float*, float* c) {
                kernel.gemm_nt(q.m, q.n, q.k, q.alpha, a, q.lda, b16.data(), q.ldb, q.beta, c,
                               q.ldc);
              },
              kernel.name,
              [&](std::vector<float>& a, std::vector<float>& b) {
                for (size_t i = 0; i < b.size(); ++i) b[i] = core::bfloat16_to_float32(b16[i]);
                if (kernel.bf16_products) {
                  for (float& v : a) v = core::bfloat16_to_float32(core::float32_to_bfloat16(v));
                }
              });
        }
      }
    }
  }
}

// With bfloat16 products, a bfloat16 weight row against an activation row that is not
// representable in bfloat16: the result is the product of the rounded activation (checks that
// the rounding is to nearest even, as core::float32_to_bfloat16 does it, and that nothing else
// is lost: every product of two bfloat16 values is exact in fp32).
TEST(SmallGemmTest, Bf16ProductsRoundActivationsToNearestEven) {
  for (const cpu::SmallGemmBf16Kernel& kernel : cpu::supported_small_gemm_bf16_kernels()) {
    if (!kernel.bf16_products) continue;
    const float a[3] = {1.00390625f, 1.01171875f, 1.0f + 1.0f / 1024};  // ties, and one below
    const uint16_t b[3] = {0x3f80, 0x3f80, 0x3f80};                     // 1, 1, 1
    for (size_t j = 0; j < 3; ++j) {
      float c = 0.0f;
      kernel.gemm_nt(1, 1, 1, 1.0f, a + j, 1, b + j, 1, 0.0f, &c, 1);
      EXPECT_EQ(c, core::bfloat16_to_float32(core::float32_to_bfloat16(a[j]))) << kernel.name;
    }
  }
}

TEST(SmallGemmTest, KZeroScalesC) {
  for (const cpu::SmallGemmKernel& kernel : cpu::supported_small_gemm_kernels()) {
    std::vector<float> c = {1.0f, 2.0f};
    const float a = 0.0f, b = 0.0f;
    kernel.gemm_nt(1, 2, 0, 1.0f, &a, 1, &b, 1, 0.5f, c.data(), 2);
    EXPECT_EQ(c, (std::vector<float>{0.5f, 1.0f})) << kernel.name;
  }
}

// CpuBackend sends x W^T products of up to the kernel's max_rows rows to it, split over the
// columns on 2 threads when W is large enough; other shapes to OpenBLAS. All must agree with
// the reference, with and without the kernel.
TEST(SmallGemmTest, CpuBackendRoutesSmallProducts) {
  CpuBackend with_kernel({.threads = 2});
  CpuBackend openblas_only({.small_gemm = false, .threads = 2});
  for (CpuBackend* backend : {&with_kernel, &openblas_only}) {
    for (const size_t m : {1, 5, 12, 16, 17, 24, 64, 65}) {
      // (n, k): OpenBLAS (k below the kernel's minimum), the kernel on one thread, the kernel
      // on two (300 x 301 weights are above the threshold for a second thread).
      for (const auto& [n, k] : {std::pair<size_t, size_t>{9, 37}, {9, 301}, {300, 301}}) {
        const Product p{m, n, k, k, k + 1, n, 1.0f, m % 2 == 0 ? 1.0f : 0.0f};
        check(
            p,
            [&](const Product& q, const float* a, const float* b, float* c) {
              backend->gemm(Transpose::kNo, Transpose::kYes, q.m, q.n, q.k, q.alpha, a, q.lda, b,
                            q.ldb, q.beta, c, q.ldc);
            },
            backend->name());
      }
    }
  }
}

}  // namespace
}  // namespace clipret::model
