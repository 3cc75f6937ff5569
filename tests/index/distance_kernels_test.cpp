// The distance kernels that replace Debian's scalar faiss ones (index/distance_kernels.h,
// index/faiss_distance_overrides.cpp) against faiss's own compiled functions, renamed by
// make_faiss_reference.sh: every function, many dimensions (the PQ sub-vector sizes, odd tails,
// CLIP's 512 and 768), each instruction set this CPU runs and the dispatched faiss symbols.
#include <faiss/utils/distances.h>
#include <faiss/utils/utils.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "index/distance_kernels.h"

extern "C" {
float faiss_reference_10fvec_L2sqrEPKfS1_m(const float*, const float*, size_t);
float faiss_reference_18fvec_inner_productEPKfS1_m(const float*, const float*, size_t);
float faiss_reference_15fvec_norm_L2sqrEPKfm(const float*, size_t);
float faiss_reference_7fvec_L1EPKfS1_m(const float*, const float*, size_t);
float faiss_reference_9fvec_LinfEPKfS1_m(const float*, const float*, size_t);
void faiss_reference_13fvec_L2sqr_nyEPfPKfS2_mm(float*, const float*, const float*, size_t, size_t);
void faiss_reference_22fvec_inner_products_nyEPfPKfS2_mm(float*, const float*, const float*, size_t,
                                                         size_t);
size_t faiss_reference_21fvec_L2sqr_ny_nearestEPfPKfS2_mm(float*, const float*, const float*,
                                                          size_t, size_t);
size_t faiss_reference_34fvec_L2sqr_ny_nearest_y_transposedEPfPKfS2_S2_mmm(float*, const float*,
                                                                           const float*,
                                                                           const float*, size_t,
                                                                           size_t, size_t);
void faiss_reference_9fvec_maddEmPKffS1_Pf(size_t, const float*, float, const float*, float*);
int faiss_reference_20fvec_madd_and_argminEmPKffS1_Pf(size_t, const float*, float, const float*,
                                                      float*);
void faiss_reference_8fvec_addEmPKfS1_Pf(size_t, const float*, const float*, float*);
void faiss_reference_8fvec_addEmPKffPf(size_t, const float*, float, float*);
void faiss_reference_8fvec_subEmPKfS1_Pf(size_t, const float*, const float*, float*);
void faiss_reference_27compute_PQ_dis_tables_dsub2EmmPKfmS1_bPf(size_t, size_t, const float*,
                                                                size_t, const float*, bool, float*);
}

namespace clipret::index {
namespace {

const size_t kDims[] = {1, 2, 3, 4, 5, 6, 7, 8, 12, 15, 16, 17, 31, 32, 33, 48, 64, 100, 512, 768};

std::vector<float> random_floats(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  std::vector<float> v(n);
  for (auto& x : v) x = normal(rng);
  return v;
}

// Float results summed in another order: equal to a few ulps of the terms' magnitude.
void expect_close(float ours, float reference, float magnitude, const std::string& what) {
  EXPECT_NEAR(ours, reference, 1e-5f * std::max(1.0f, magnitude)) << what;
}

std::vector<const DistanceKernels*> kernel_sets() {
  size_t count = 0;
  const DistanceKernels* const* sets = supported_distance_kernels(&count);
  return {sets, sets + count};
}

TEST(DistanceKernelsTest, TheBaselineIsAlwaysThereAndTheBestIsFirst) {
  const auto sets = kernel_sets();
  ASSERT_FALSE(sets.empty());
  EXPECT_STREQ(sets.back()->isa, "baseline");
  EXPECT_EQ(sets.front(), &distance_kernels());
  EXPECT_STREQ(faiss_distance_kernels_isa(), distance_kernels().isa);
}

TEST(DistanceKernelsTest, EachInstructionSetMatchesFaiss) {
  for (const DistanceKernels* k : kernel_sets()) {
    for (const size_t d : kDims) {
      const std::string what = std::string(k->isa) + ", d = " + std::to_string(d);
      const auto x = random_floats(d, 1 + d);
      constexpr size_t kNy = 37;
      const auto y = random_floats(d * kNy, 100 + d);
      const float scale = static_cast<float>(d);
      expect_close(k->l2sqr(x.data(), y.data(), d),
                   faiss_reference_10fvec_L2sqrEPKfS1_m(x.data(), y.data(), d), 2 * scale,
                   what + " l2sqr");
      expect_close(k->inner_product(x.data(), y.data(), d),
                   faiss_reference_18fvec_inner_productEPKfS1_m(x.data(), y.data(), d), scale,
                   what + " inner_product");
      expect_close(k->norm_l2sqr(x.data(), d), faiss_reference_15fvec_norm_L2sqrEPKfm(x.data(), d),
                   scale, what + " norm");
      expect_close(k->l1(x.data(), y.data(), d),
                   faiss_reference_7fvec_L1EPKfS1_m(x.data(), y.data(), d), scale, what + " L1");
      EXPECT_EQ(k->linf(x.data(), y.data(), d),
                faiss_reference_9fvec_LinfEPKfS1_m(x.data(), y.data(), d))
          << what << " Linf";

      std::vector<float> ours(kNy), reference(kNy);
      k->l2sqr_ny(ours.data(), x.data(), y.data(), d, kNy);
      faiss_reference_13fvec_L2sqr_nyEPfPKfS2_mm(reference.data(), x.data(), y.data(), d, kNy);
      for (size_t i = 0; i < kNy; ++i)
        expect_close(ours[i], reference[i], 2 * scale, what + " l2sqr_ny");
      k->inner_products_ny(ours.data(), x.data(), y.data(), d, kNy);
      faiss_reference_22fvec_inner_products_nyEPfPKfS2_mm(reference.data(), x.data(), y.data(), d,
                                                          kNy);
      for (size_t i = 0; i < kNy; ++i) expect_close(ours[i], reference[i], scale, what + " ip_ny");

      std::vector<float> c_ours(d), c_reference(d);
      k->madd(d, x.data(), -0.75f, y.data(), c_ours.data());
      faiss_reference_9fvec_maddEmPKffS1_Pf(d, x.data(), -0.75f, y.data(), c_reference.data());
      for (size_t i = 0; i < d; ++i) expect_close(c_ours[i], c_reference[i], 4, what + " madd");
    }
  }
}

// The faiss symbols themselves, as faiss's own code calls them.
TEST(DistanceKernelsTest, FaissSymbolsMatchFaissOwnCompiledFunctions) {
  for (const size_t d : kDims) {
    const std::string what = "d = " + std::to_string(d);
    const auto x = random_floats(d, 7 + d);
    constexpr size_t kNy = 256;
    const auto y = random_floats(d * kNy, 300 + d);
    std::vector<float> buffer(kNy);
    const size_t ours = faiss::fvec_L2sqr_ny_nearest(buffer.data(), x.data(), y.data(), d, kNy);
    std::vector<float> reference_buffer(kNy);
    const size_t reference = faiss_reference_21fvec_L2sqr_ny_nearestEPfPKfS2_mm(
        reference_buffer.data(), x.data(), y.data(), d, kNy);
    // The same nearest row, unless two rows are equally near to within rounding.
    EXPECT_NEAR(reference_buffer[ours], reference_buffer[reference], 1e-5f * d) << what;

    // y transposed: component j of row i at y[i + j * d_offset], squared lengths given.
    std::vector<float> transposed(d * kNy), lengths(kNy);
    for (size_t i = 0; i < kNy; ++i) {
      for (size_t j = 0; j < d; ++j) transposed[i + j * kNy] = y[i * d + j];
      lengths[i] = faiss::fvec_norm_L2sqr(y.data() + i * d, d);
    }
    EXPECT_EQ(
        faiss::fvec_L2sqr_ny_nearest_y_transposed(buffer.data(), x.data(), transposed.data(),
                                                  lengths.data(), d, kNy, kNy),
        faiss_reference_34fvec_L2sqr_ny_nearest_y_transposedEPfPKfS2_S2_mmm(
            reference_buffer.data(), x.data(), transposed.data(), lengths.data(), d, kNy, kNy))
        << what;

    std::vector<float> c_ours(d), c_reference(d);
    const int argmin = faiss::fvec_madd_and_argmin(d, x.data(), 0.5f, y.data(), c_ours.data());
    const int reference_argmin = faiss_reference_20fvec_madd_and_argminEmPKffS1_Pf(
        d, x.data(), 0.5f, y.data(), c_reference.data());
    EXPECT_EQ(argmin, reference_argmin) << what;
    faiss::fvec_add(d, x.data(), y.data(), c_ours.data());
    faiss_reference_8fvec_addEmPKfS1_Pf(d, x.data(), y.data(), c_reference.data());
    EXPECT_EQ(c_ours, c_reference) << what << " add";
    faiss::fvec_add(d, x.data(), 2.5f, c_ours.data());
    faiss_reference_8fvec_addEmPKffPf(d, x.data(), 2.5f, c_reference.data());
    EXPECT_EQ(c_ours, c_reference) << what << " add scalar";
    faiss::fvec_sub(d, x.data(), y.data(), c_ours.data());
    faiss_reference_8fvec_subEmPKfS1_Pf(d, x.data(), y.data(), c_reference.data());
    EXPECT_EQ(c_ours, c_reference) << what << " sub";
    expect_close(faiss::fvec_L2sqr(x.data(), y.data(), d),
                 faiss_reference_10fvec_L2sqrEPKfS1_m(x.data(), y.data(), d), 2.0f * d,
                 what + " fvec_L2sqr");
  }
  // faiss starts its argmin at 1e20: nothing below it gives -1.
  const std::vector<float> huge(4, 1e21f), zero(4, 0.0f);
  std::vector<float> c(4), c_reference(4);
  EXPECT_EQ(faiss::fvec_madd_and_argmin(4, huge.data(), 1.0f, zero.data(), c.data()),
            faiss_reference_20fvec_madd_and_argminEmPKffS1_Pf(4, huge.data(), 1.0f, zero.data(),
                                                              c_reference.data()));
}

TEST(DistanceKernelsTest, PqTablesOfTwoDimensionalSubVectorsMatchFaiss) {
  constexpr size_t kD = 16, kKsub = 256, kNx = 5;
  const auto centroids = random_floats(kD / 2 * kKsub * 2, 21);
  const auto x = random_floats(kNx * kD, 22);
  for (const bool inner_product : {false, true}) {
    std::vector<float> ours(kNx * kD / 2 * kKsub), reference(ours.size());
    faiss::compute_PQ_dis_tables_dsub2(kD, kKsub, centroids.data(), kNx, x.data(), inner_product,
                                       ours.data());
    faiss_reference_27compute_PQ_dis_tables_dsub2EmmPKfmS1_bPf(
        kD, kKsub, centroids.data(), kNx, x.data(), inner_product, reference.data());
    for (size_t i = 0; i < ours.size(); ++i) {
      ASSERT_NEAR(ours[i], reference[i], 1e-5f * std::max(1.0f, std::fabs(reference[i])))
          << (inner_product ? "inner product" : "L2") << " entry " << i;
    }
  }
}

}  // namespace
}  // namespace clipret::index
