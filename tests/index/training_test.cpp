// Training stages of `clip-retrieval index` against faiss itself: the OPQ rotation trained
// round by round equals faiss's one-call training, the two-level k-means quantizes about as well
// as faiss's flat one, and the training rules stay within faiss's own sampling limits.
#include <faiss/Clustering.h>
#include <faiss/IndexFlat.h>
#include <faiss/VectorTransform.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "index/index_key.h"
#include "index/list_kmeans.h"
#include "index/opq_training.h"
#include "index/training_rules.h"
#include "index_test_data.h"

namespace clipret::index {
namespace {

// Mean squared distance of each row to its nearest centroid, by brute force in double.
double quantization_error(const testing::Embeddings& e, const std::vector<float>& centroids) {
  const int64_t k = static_cast<int64_t>(centroids.size()) / e.dim;
  double total = 0;
  for (int64_t r = 0; r < e.rows; ++r) {
    double best = std::numeric_limits<double>::max();
    for (int64_t c = 0; c < k; ++c) {
      double d2 = 0;
      for (int64_t j = 0; j < e.dim; ++j) {
        const double diff = double(e.row(r)[j]) - centroids[c * e.dim + j];
        d2 += diff * diff;
      }
      best = std::min(best, d2);
    }
    total += best;
  }
  return total / static_cast<double>(e.rows);
}

void expect_same_opq_as_faiss(int d_in, int m, int d_out) {
  const auto e = testing::clustered_embeddings(3000, d_in, 11);
  constexpr int kRounds = 3;
  faiss::OPQMatrix reference(d_in, m, d_out);
  reference.niter = kRounds;
  reference.niter_pq = 4;
  reference.niter_pq_0 = 10;
  reference.max_train_points = 2048;  // the subsampling path too
  reference.train(e.rows, e.values.data());

  faiss::OPQMatrix ours(d_in, m, d_out);
  ours.niter_pq = 4;
  train_opq_rotation(ours, e.rows, e.values.data(),
                     {.rounds = kRounds,
                      .max_rows = 2048,
                      .first_round_pq_iterations = 10,
                      .show_progress = false});
  ASSERT_TRUE(ours.is_trained);
  ASSERT_EQ(ours.A.size(), reference.A.size());
  ASSERT_EQ(ours.A.size(), static_cast<size_t>(d_in * d_out));
  for (size_t i = 0; i < ours.A.size(); ++i) {
    ASSERT_NEAR(ours.A[i], reference.A[i], 1e-4) << "A[" << i << "] of " << d_in << " -> " << d_out;
  }
}

TEST(OpqTrainingTest, RoundByRoundEqualsFaissOneCall) {
  expect_same_opq_as_faiss(32, 8, 32);
}

TEST(OpqTrainingTest, RoundByRoundEqualsFaissOneCallWithPadding) {
  // OPQ48_96 on 64 dimensions pads: faiss drops the padding's columns after each call.
  expect_same_opq_as_faiss(16, 8, 24);
}

TEST(ListKmeansTest, TwoLevelQuantizesAboutAsWellAsFlat) {
  const auto e = testing::clustered_embeddings(12000, 16, 5, 200, 8, 0.5);
  constexpr int64_t kLists = 256;
  const auto two_level =
      train_list_centroids(e.values.data(), e.rows, e.dim, kLists,
                           {.max_iterations = 10, .two_level = true, .show_progress = false});
  ASSERT_EQ(two_level.size(), static_cast<size_t>(kLists * e.dim));

  faiss::ClusteringParameters cp;
  cp.niter = 10;
  faiss::Clustering flat(static_cast<int>(e.dim), static_cast<int>(kLists), cp);
  faiss::IndexFlatL2 assigner(e.dim);
  flat.train(e.rows, e.values.data(), assigner);

  const double flat_error = quantization_error(e, flat.centroids);
  const double two_level_error = quantization_error(e, two_level);
  EXPECT_LT(two_level_error, 1.1 * flat_error);
  // And both far better than the data's spread around its mean (a real clustering).
  const double spread = quantization_error(e, std::vector<float>(e.dim, 0.0f));
  EXPECT_LT(two_level_error, 0.5 * spread);
}

TEST(ListKmeansTest, SphericalCentroidsAreUnitVectors) {
  const auto e = testing::clustered_embeddings(4000, 8, 3);
  for (const bool two_level : {false, true}) {
    const auto centroids =
        train_list_centroids(e.values.data(), e.rows, e.dim, 64,
                             {.two_level = two_level, .spherical = true, .show_progress = false});
    ASSERT_EQ(centroids.size(), static_cast<size_t>(64 * e.dim));
    for (int64_t c = 0; c < 64; ++c) {
      double norm = 0;
      for (int64_t j = 0; j < e.dim; ++j)
        norm += double(centroids[c * e.dim + j]) * centroids[c * e.dim + j];
      EXPECT_NEAR(std::sqrt(norm), 1.0, 1e-4) << "centroid " << c;
    }
  }
}

TEST(ListKmeansTest, RefusesFewerRowsThanLists) {
  const auto e = testing::clustered_embeddings(100, 8, 3);
  EXPECT_THROW(train_list_centroids(e.values.data(), e.rows, e.dim, 101, {.show_progress = false}),
               std::exception);
}

TEST(TrainingRulesTest, FaissRulesAreFaissDefaults) {
  const TrainingRules faiss_rules = faiss_training_rules();
  faiss::OPQMatrix opq(64, 8, 64);
  EXPECT_EQ(faiss_rules.opq_rows, static_cast<int64_t>(opq.max_train_points));
  EXPECT_EQ(faiss_rules.opq_first_pq_iterations, opq.niter_pq_0);
  EXPECT_EQ(faiss_rules.opq_rounds, opq.niter);
  faiss::ClusteringParameters cp;  // ProductQuantizer's codebooks: 256 points per centroid
  EXPECT_EQ(faiss_rules.pq_rows, int64_t{cp.max_points_per_centroid} * 256);
  EXPECT_EQ(faiss_rules.pq_iterations, cp.niter);
  EXPECT_EQ(faiss_rules.two_level_min_lists, 0);
}

TEST(TrainingRulesTest, SamplesStayWithinFaissLimitsAndAboveItsWarning) {
  for (const char* key : {"OPQ48_96,IVF1024_HNSW32,PQ48x8", "OPQ256_768,IVF16384_HNSW32,PQ256x8",
                          "IVF4096,PQ64x8", "IVF1024,Flat"}) {
    const TrainingRules rules = training_rules(parse_index_key(key));
    const faiss::ClusteringParameters cp;
    // Never more than faiss itself would use, never under faiss's 39 points per centroid of
    // each 256-centroid codebook.
    EXPECT_LE(rules.opq_rows, 65536) << key;
    EXPECT_LE(rules.pq_rows, int64_t{cp.max_points_per_centroid} * 256) << key;
    EXPECT_GE(rules.pq_rows, int64_t{cp.min_points_per_centroid} * 256) << key;
    EXPECT_GE(rules.opq_rows, int64_t{cp.min_points_per_centroid} * 256) << key;
    EXPECT_GE(rules.opq_rounds, 1) << key;
    EXPECT_GE(rules.kmeans_iterations, 1) << key;
  }
  EXPECT_GT(
      training_rules(parse_index_key("OPQ256_768,IVF16384_HNSW32,PQ256x8")).two_level_min_lists, 0);
  EXPECT_EQ(training_rules(parse_index_key("IVF1024,Flat")).two_level_min_lists, 0);
}

}  // namespace
}  // namespace clipret::index
