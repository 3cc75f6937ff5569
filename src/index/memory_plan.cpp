#include "index/memory_plan.h"

#include <algorithm>

#include "core/error.h"
#include "index/memory_string.h"
#include "index/training_rules.h"

namespace clipret::index {

namespace {

constexpr int64_t kFloatBytes = 4;
// autofaiss trains on 100 points per centroid when memory allows; faiss's k-means warns below
// 39 (autofaiss goes down to 31, and gets the warning).
constexpr int64_t kMaxPointsPerCentroid = 100;
constexpr int64_t kMinPointsPerCentroid = 39;
// faiss adds to IVF in blocks of 65,536 rows.
constexpr int64_t kFaissBlockRows = 65536;
// ScalarQuantizer::train_residual subsamples to this many rows.
constexpr int64_t kSqTrainRows = 100000;
// faiss's exhaustive_L2sqr_blas / inner-product tiles: 4096 x 1024 floats.
constexpr int64_t kDistanceTileBytes = 4096 * 1024 * kFloatBytes;
// One batch of float32 rows never exceeds this (autofaiss: 1e9 bytes).
constexpr int64_t kMaxBatchBytes = 1000000000;
constexpr int64_t kMinBatchRows = 1024;
// Inverted lists are std::vectors that grow by doubling: up to twice their final size.
constexpr int64_t kListGrowthFactor = 2;

bool has_transform(const IndexKeyInfo& key) {
  return key.out_dim > 0;
}

int64_t train_peak(const IndexKeyInfo& key, int64_t rows, int64_t d, int64_t fixed) {
  const int64_t y = key.stage_dim(d);
  // OPQ and the PQ codebooks train on subsets of the sample (index/training_rules.h).
  const TrainingRules rules = training_rules(key);
  int64_t bytes = rows * d * kFloatBytes;  // the sample
  if (has_transform(key)) {
    bytes += rows * y * kFloatBytes;  // IndexPreTransform::train's transformed copy
    if (key.family != IndexFamily::kPadIvfHnswPq) {
      const int64_t nt = std::min(rows, rules.opq_rows);
      const int64_t dmax = std::max(d, y);
      bytes += kFloatBytes * (2 * y * nt + dmax * nt + 4 * dmax * dmax) + key.opq_m * nt;
    }
  }
  // k-means: assignment (8) and distance (4) per row, centroids, distance tiles.
  bytes += rows * 12 + key.nlist * y * kFloatBytes + kDistanceTileBytes;
  if (key.pq_m > 0) {
    bytes += std::min(rows, rules.pq_rows) * (y * kFloatBytes * 2 + 8);  // residuals
  }
  if (key.family == IndexFamily::kIvfSq) {
    // ScalarQuantizer::train_residual: a subsample, its list ids and residuals.
    bytes += std::min(rows, kSqTrainRows) * (2 * d * kFloatBytes + 8);
  }
  return bytes + fixed;
}

}  // namespace

BuildMemoryPlan plan_build_memory(const BuildMemoryInput& in) {
  const IndexKeyInfo key = parse_index_key(in.key);
  BuildMemoryPlan plan;
  const int64_t d = in.dim;
  const int64_t n = in.vectors;
  const auto budget = static_cast<int64_t>(in.current_memory_bytes);
  const auto baseline = static_cast<int64_t>(kProcessBaselineBytes);
  const int64_t max_batch_rows = std::max<int64_t>(1, kMaxBatchBytes / (kFloatBytes * d));

  if (key.family == IndexFamily::kOther) {
    // A forced key we cannot size: batches as autofaiss sizes them, no guarantee.
    plan.train_rows = key_needs_training(in.key) ? std::min<int64_t>(n, 100000) : 0;
    plan.add_batch_rows = std::clamp<int64_t>((budget - baseline) / 10 / (kFloatBytes * d),
                                              kMinBatchRows, max_batch_rows);
    return plan;
  }
  const int64_t fixed = fixed_index_bytes(key, d, in.inner_product);
  plan.index_bytes = estimated_index_bytes(key, n, d, in.make_direct_map, in.inner_product);

  if (key_needs_training(in.key)) {
    // The sample also trains the PQ (and OPQ) codebooks, 2^bits centroids per sub-quantizer:
    // with few lists, k-means of the lists alone would leave them under faiss's 39 points per
    // centroid (and faiss warning once per sub-quantizer).
    int64_t centroids = key.nlist;
    if (key.pq_m > 0) centroids = std::max(centroids, int64_t{1} << key.pq_bits);
    if (key.opq_m > 0) centroids = std::max<int64_t>(centroids, 256);
    int64_t ppc = kMaxPointsPerCentroid;
    while (ppc > kMinPointsPerCentroid &&
           baseline + train_peak(key, std::min(n, ppc * centroids), d, fixed) > budget) {
      --ppc;
    }
    plan.train_rows = std::min(n, ppc * centroids);
    plan.train_peak_bytes = baseline + train_peak(key, plan.train_rows, d, fixed);
    CLIPRET_CHECK(plan.train_peak_bytes <= budget, InvalidInput,
                  "current_memory_available=%s is too small to train %s on %lld vectors of "
                  "dimension %lld: training needs about %s; give at least that",
                  format_memory(in.current_memory_bytes).c_str(), in.key.c_str(),
                  static_cast<long long>(plan.train_rows), static_cast<long long>(d),
                  format_memory(static_cast<uint64_t>(plan.train_peak_bytes)).c_str());
  }

  const int64_t y = key.stage_dim(d);
  const int64_t growth = key.is_ivf() ? kListGrowthFactor : 1;
  const int64_t held =
      baseline + fixed + n * per_vector_index_bytes(key, d, in.make_direct_map) * growth;
  int64_t block = 0;  // faiss's internal per-block arrays while adding
  if (key.is_ivf()) block = kFaissBlockRows * (16 + (key.pq_m > 0 ? y * kFloatBytes : 0));
  if (key.family == IndexFamily::kIvfSq) block += kFaissBlockRows * key.sq_code_bytes(d);
  if (key.family == IndexFamily::kHnsw) block = n * 4;  // visited tables, one per thread
  const int64_t per_row = kFloatBytes * d + (has_transform(key) ? kFloatBytes * y : 0);
  const int64_t rows = (budget - held - block) / per_row;
  const int64_t min_rows = std::min(n, kMinBatchRows);
  if (rows < min_rows) {
    const int64_t needed = held + block + min_rows * per_row;
    CLIPRET_THROW(InvalidInput,
                  "current_memory_available=%s is too small to hold %s over %lld vectors "
                  "(about %s with its inverted lists' growth) while adding: give at least %s",
                  format_memory(in.current_memory_bytes).c_str(), in.key.c_str(),
                  static_cast<long long>(n), format_memory(static_cast<uint64_t>(held)).c_str(),
                  format_memory(static_cast<uint64_t>(needed)).c_str());
  }
  plan.add_batch_rows = std::min({rows, max_batch_rows, std::max<int64_t>(n, 1)});
  plan.add_peak_bytes = held + block + plan.add_batch_rows * per_row;
  return plan;
}

int64_t streaming_batch_rows(uint64_t current_memory_bytes, int64_t index_bytes, int64_t dim) {
  const int64_t free_bytes = static_cast<int64_t>(current_memory_bytes) -
                             static_cast<int64_t>(kProcessBaselineBytes) -
                             std::max<int64_t>(index_bytes, 0) - kDistanceTileBytes;
  const int64_t rows = free_bytes / (2 * kFloatBytes * dim);
  return std::clamp<int64_t>(rows, kMinBatchRows, kMaxBatchBytes / (kFloatBytes * dim));
}

}  // namespace clipret::index
