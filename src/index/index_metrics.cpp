#include "index/index_metrics.h"

#include <faiss/Index.h>
#include <faiss/impl/FaissException.h>
#include <faiss/utils/distances.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <unordered_set>

#include "core/error.h"
#include "index/embedding_source.h"
#include "index/faiss_index.h"

namespace clipret::index {

namespace {

constexpr int64_t kLatencyK = 40;

// Merges a batch's per-query top-k (ids relative to `offset`) into the running top-k.
void merge_top_k(std::vector<float>& best_d, std::vector<int64_t>& best_i,
                 const std::vector<float>& batch_d, const std::vector<int64_t>& batch_i, int64_t nq,
                 int64_t k, int64_t offset, bool larger_is_better) {
  std::vector<float> merged_d(static_cast<size_t>(k));
  std::vector<int64_t> merged_i(static_cast<size_t>(k));
  for (int64_t q = 0; q < nq; ++q) {
    const float* ad = &best_d[q * k];
    const int64_t* ai = &best_i[q * k];
    const float* bd = &batch_d[q * k];
    const int64_t* bi = &batch_i[q * k];
    int64_t a = 0;
    int64_t b = 0;
    for (int64_t out = 0; out < k; ++out) {
      const bool a_ok = a < k && ai[a] >= 0;
      const bool b_ok = b < k && bi[b] >= 0;
      bool take_a = a_ok;
      if (a_ok && b_ok) take_a = larger_is_better ? ad[a] >= bd[b] : ad[a] <= bd[b];
      if (take_a) {
        merged_d[out] = ad[a];
        merged_i[out] = ai[a++];
      } else if (b_ok) {
        merged_d[out] = bd[b];
        merged_i[out] = bi[b++] + offset;
      } else {
        merged_d[out] = 0;
        merged_i[out] = -1;
      }
    }
    std::copy(merged_d.begin(), merged_d.end(), best_d.begin() + q * k);
    std::copy(merged_i.begin(), merged_i.end(), best_i.begin() + q * k);
  }
}

}  // namespace

std::vector<int64_t> exact_neighbors(const EmbeddingSource& source, const float* queries,
                                     int64_t nq, int64_t k, bool inner_product,
                                     int64_t batch_rows) {
  const int64_t d = source.dim();
  std::vector<float> best_d(static_cast<size_t>(nq * k), 0.0f);
  std::vector<int64_t> best_i(static_cast<size_t>(nq * k), -1);
  std::vector<float> batch_d(best_d.size());
  std::vector<int64_t> batch_i(best_i.size());
  const int64_t batch = std::max<int64_t>(1, std::min(batch_rows, source.rows()));
  std::vector<float> rows(static_cast<size_t>(batch * d));
  for (int64_t first = 0; first < source.rows(); first += batch) {
    const int64_t last = std::min(source.rows(), first + batch);
    source.read_rows(first, last, rows.data());
    const auto ny = static_cast<size_t>(last - first);
    run_faiss("exact search", [&] {
      if (inner_product) {
        faiss::knn_inner_product(queries, rows.data(), d, nq, ny, k, batch_d.data(),
                                 batch_i.data());
      } else {
        faiss::knn_L2sqr(queries, rows.data(), d, nq, ny, k, batch_d.data(), batch_i.data());
      }
    });
    merge_top_k(best_d, best_i, batch_d, batch_i, nq, k, first, inner_product);
  }
  return best_i;
}

double recall_at(const std::vector<int64_t>& found, const std::vector<int64_t>& truth, int64_t nq,
                 int64_t k, int64_t r) {
  CLIPRET_CHECK(r <= k && nq > 0, Internal, "recall_at: r=%lld > k=%lld", static_cast<long long>(r),
                static_cast<long long>(k));
  double total = 0;
  for (int64_t q = 0; q < nq; ++q) {
    std::unordered_set<int64_t> expected;
    for (int64_t j = 0; j < r; ++j) {
      if (truth[q * k + j] >= 0) expected.insert(truth[q * k + j]);
    }
    if (expected.empty()) continue;
    int64_t hits = 0;
    std::unordered_set<int64_t> seen;
    for (int64_t j = 0; j < r; ++j) {
      const int64_t id = found[q * k + j];
      if (id >= 0 && expected.count(id) != 0 && seen.insert(id).second) ++hits;
    }
    total += static_cast<double>(hits) / static_cast<double>(expected.size());
  }
  return total / static_cast<double>(nq);
}

LatencyStats measure_latency(faiss::Index* index, const float* queries, int64_t nq,
                             int64_t max_searches, double max_seconds) {
  std::vector<double> times;
  std::vector<float> distances(kLatencyK);
  std::vector<faiss::Index::idx_t> labels(kLatencyK);
  const auto start = std::chrono::steady_clock::now();
  for (int64_t i = 0; i < max_searches; ++i) {
    const float* q = queries + (i % nq) * index->d;
    const auto t0 = std::chrono::steady_clock::now();
    run_faiss("search", [&] { index->search(1, q, kLatencyK, distances.data(), labels.data()); });
    const auto t1 = std::chrono::steady_clock::now();
    times.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    if (std::chrono::duration<double>(t1 - start).count() > max_seconds) break;
  }
  LatencyStats stats;
  stats.searches = static_cast<int64_t>(times.size());
  double sum = 0;
  for (double t : times) sum += t;
  stats.mean_ms = sum / static_cast<double>(times.size());
  std::sort(times.begin(), times.end());
  const auto quantile = [&](double p) {
    const double pos = p * static_cast<double>(times.size() - 1);
    const auto lo = static_cast<size_t>(std::floor(pos));
    const size_t hi = std::min(lo + 1, times.size() - 1);
    return times[lo] + (times[hi] - times[lo]) * (pos - static_cast<double>(lo));
  };
  stats.median_ms = quantile(0.5);
  stats.p99_ms = quantile(0.99);
  return stats;
}

double reconstruction_error_percent(const faiss::Index& index, const float* rows, int64_t n) {
  if (n <= 0) return 0;
  std::vector<uint8_t> codes;
  std::vector<float> decoded(static_cast<size_t>(n * index.d));
  try {
    codes.resize(static_cast<size_t>(n) * index.sa_code_size());
    index.sa_encode(n, rows, codes.data());
    index.sa_decode(n, codes.data(), decoded.data());
  } catch (const faiss::FaissException&) {
    return 0;  // no standalone codec (HNSW): vectors are kept as they are
  }
  double error = 0;
  double norm = 0;
  for (int64_t i = 0; i < n; ++i) {
    double e = 0;
    double x = 0;
    for (int64_t j = 0; j < index.d; ++j) {
      const double v = rows[i * index.d + j];
      const double diff = decoded[i * index.d + j] - v;
      e += diff * diff;
      x += v * v;
    }
    error += std::sqrt(e);
    norm += std::sqrt(x);
  }
  return norm > 0 ? 100.0 * error / norm : 0;
}

}  // namespace clipret::index
