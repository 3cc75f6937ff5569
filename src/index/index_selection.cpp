#include "index/index_selection.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "index/index_key.h"

namespace clipret::index {

namespace {

// autofaiss's thresholds (get_optimal_index_keys_v2).
constexpr int64_t kFlatThreshold = 1000;
constexpr int64_t kQuantizationThreshold = 10000;
constexpr int64_t kIvfFlatThreshold = 1000000;
constexpr int64_t kSmallHnswM = 15;  // the HNSW15 of 1000 <= n < 10000
constexpr int64_t kMinHnswM = 8;
constexpr int64_t kMaxHnswM = 32;
constexpr int64_t kHnswCoarseThreshold = 1000;  // nlist from which the coarse quantizer is HNSW32
constexpr int64_t kPqSizes[] = {256, 128, 64, 48, 32, 24, 16, 8, 4};
// The measured replacement of autofaiss's OPQ-PQ keys (index_selection.h): lists of
// scalar-quantized residuals, 8 then 6 bits per dimension, when they fit.
constexpr const char* kScalarQuantizers[] = {"SQ8", "SQ6"};

std::string coarse_part(int64_t nlist) {
  return nlist < kHnswCoarseThreshold ? "IVF" + std::to_string(nlist)
                                      : "IVF" + std::to_string(nlist) + "_HNSW32";
}

std::vector<std::string> ivf_flat_keys(int64_t vectors) {
  std::vector<std::string> keys;
  for (int64_t c : nlist_candidates(vectors)) keys.push_back("IVF" + std::to_string(c) + ",Flat");
  return keys;
}

int64_t size_of(const std::string& key, const SelectionInput& in) {
  return estimated_index_bytes(parse_index_key(key), in.vectors, in.dim, in.make_direct_map,
                               in.inner_product);
}

bool fits(const std::string& key, const SelectionInput& in) {
  const int64_t bytes = size_of(key, in);
  return bytes >= 0 && static_cast<uint64_t>(bytes) <= in.max_index_bytes;
}

// The largest HNSW M whose index fits (0 when none): inverts estimated_index_bytes.
int64_t largest_hnsw_m(const SelectionInput& in) {
  for (int64_t m = kMaxHnswM; m >= kMinHnswM; --m) {
    if (fits("HNSW" + std::to_string(m), in)) return m;
  }
  return 0;
}

}  // namespace

std::vector<int64_t> nlist_candidates(int64_t n) {
  if (n < 1000000) {
    const double x = 4.0 * std::sqrt(static_cast<double>(n));
    const auto p = static_cast<int64_t>(std::pow(2.0, std::round(std::log2(x))));
    return {p, 2 * p, p, static_cast<int64_t>(std::llround(x))};
  }
  if (n < 10000000) return {16384, 65536};
  if (n < 300000000) return {65536, 131072, 262144};
  return {131072, 262144, 65536, 1048576};
}

int64_t opq_output_dim(int64_t dim, int64_t pq) {
  return (std::min<int64_t>(dim / pq, 6) + 1) * pq;
}

std::vector<std::string> quantized_keys(int64_t vectors, int64_t dim) {
  std::vector<std::string> keys;
  for (int64_t pq : kPqSizes) {
    if (pq >= dim) continue;
    for (int64_t c : nlist_candidates(vectors)) {
      keys.push_back("OPQ" + std::to_string(pq) + "_" + std::to_string(opq_output_dim(dim, pq)) +
                     "," + coarse_part(c) + ",PQ" + std::to_string(pq) + "x8");
    }
  }
  return keys;
}

std::vector<std::string> scalar_quantized_keys(int64_t vectors) {
  std::vector<std::string> keys;
  for (const char* sq : kScalarQuantizers) {
    for (int64_t c : nlist_candidates(vectors)) keys.push_back(coarse_part(c) + "," + sq);
  }
  return keys;
}

std::vector<std::string> select_index_keys(const SelectionInput& in) {
  if (in.vectors < kFlatThreshold) {
    return {in.should_be_memory_mappable ? "IVF1,Flat" : "Flat"};
  }
  if (in.vectors < kQuantizationThreshold) {
    if (in.should_be_memory_mappable) return ivf_flat_keys(in.vectors);
    return {"HNSW" + std::to_string(kSmallHnswM)};
  }
  if (!in.should_be_memory_mappable) {
    const int64_t m = largest_hnsw_m(in);
    if (m >= kMinHnswM) {
      const std::string hnsw = "HNSW" + std::to_string(m);
      // The measured replacement of a large HNSW (index_selection.h): an IVF-Flat index over
      // an HNSW coarse quantizer, smaller than the graph, so it fits wherever the graph does.
      if (in.measured_replacements && in.vectors >= kIvfFlatThreshold) {
        const std::string ivf = coarse_part(nlist_candidates(in.vectors).front()) + ",Flat";
        if (fits(ivf, in)) return {ivf, hnsw};
      }
      return {hnsw};
    }
  }
  if (in.vectors < kIvfFlatThreshold) {
    auto keys = ivf_flat_keys(in.vectors);
    if (fits(keys.front(), in)) return keys;
  }
  std::vector<std::string> keys;
  if (in.measured_replacements) {
    for (const auto& key : scalar_quantized_keys(in.vectors)) {
      if (fits(key, in)) keys.push_back(key);
    }
  }
  for (const auto& key : quantized_keys(in.vectors, in.dim)) {
    if (fits(key, in)) keys.push_back(key);
  }
  return keys;
}

SmallestBudget smallest_index_budget(const SelectionInput& in) {
  SmallestBudget best{std::numeric_limits<uint64_t>::max(), ""};
  std::vector<std::string> candidates = quantized_keys(in.vectors, in.dim);
  if (in.vectors < kIvfFlatThreshold) candidates.push_back(ivf_flat_keys(in.vectors).front());
  if (!in.should_be_memory_mappable) candidates.push_back("HNSW" + std::to_string(kMinHnswM));
  for (const auto& key : candidates) {
    const int64_t bytes = size_of(key, in);
    if (bytes >= 0 && static_cast<uint64_t>(bytes) < best.bytes) best = {uint64_t(bytes), key};
  }
  return best;
}

}  // namespace clipret::index
