#include "index/index_key.h"

#include <algorithm>
#include <string_view>
#include <vector>

namespace clipret::index {

namespace {

constexpr int64_t kFloatBytes = 4;
constexpr int64_t kIdBytes = 8;  // faiss idx_t in inverted lists and the direct map
// Per-vector bookkeeping of faiss's HNSW beside the 2M level-0 links: the offsets table
// (size_t), the level (int), and on average M/(M-1) <= 2 upper-level links of 4 bytes.
constexpr int64_t kHnswPerVectorOverhead = 8 + 4 + 8;
constexpr int64_t kPqCentroidsPerSub = 256;  // 2^bits at 8 bits
// faiss IndexIVFPQ::precomputed_table_max_bytes: larger tables are not built.
constexpr int64_t kPrecomputedTableMaxBytes = int64_t{1} << 31;

int64_t hnsw_graph_bytes_per_node(int64_t m) {
  return 2 * m * 4 + kHnswPerVectorOverhead;
}

}  // namespace

bool IndexKeyInfo::is_ivf() const {
  return family == IndexFamily::kIvfFlat || family == IndexFamily::kIvfPq ||
         family == IndexFamily::kOpqIvfPq || family == IndexFamily::kOpqIvfHnswPq ||
         family == IndexFamily::kPadIvfHnswPq || family == IndexFamily::kIvfSq;
}

namespace {

// Consumes `prefix` at the start of `s`.
bool take(std::string_view& s, std::string_view prefix) {
  if (s.substr(0, prefix.size()) != prefix) return false;
  s.remove_prefix(prefix.size());
  return true;
}

// Consumes a decimal number (at least one digit) at the start of `s`.
bool take_number(std::string_view& s, int64_t* out) {
  size_t i = 0;
  int64_t value = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9' && i < 18) value = value * 10 + (s[i++] - '0');
  if (i == 0) return false;
  s.remove_prefix(i);
  *out = value;
  return true;
}

// "PQ{m}[x{bits}][np]", the whole of `s`.
bool parse_pq(std::string_view s, IndexKeyInfo* info) {
  if (!take(s, "PQ") || !take_number(s, &info->pq_m)) return false;
  if (take(s, "x") && !take_number(s, &info->pq_bits)) return false;
  take(s, "np");
  return s.empty();
}

// "SQ4", "SQ6", "SQ8" or "SQfp16" (faiss's uniform-per-dimension scalar quantizers), the whole
// of `s`.
bool parse_sq(std::string_view s, IndexKeyInfo* info) {
  if (!take(s, "SQ")) return false;
  if (take(s, "fp16")) {
    info->sq_bits = 16;
  } else if (!take_number(s, &info->sq_bits) ||
             (info->sq_bits != 4 && info->sq_bits != 6 && info->sq_bits != 8)) {
    return false;
  }
  return s.empty();
}

// "IVF{c}" or "IVF{c}_HNSW{M}", the whole of `s`; sets *hnsw when the quantizer is HNSW.
bool parse_ivf(std::string_view s, IndexKeyInfo* info, bool* hnsw) {
  if (!take(s, "IVF") || !take_number(s, &info->nlist)) return false;
  *hnsw = take(s, "_HNSW");
  if (*hnsw && !take_number(s, &info->hnsw_m)) return false;
  return s.empty();
}

std::vector<std::string_view> split_commas(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == ',') {
      parts.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return parts;
}

}  // namespace

// Hand-written rather than std::regex: g++ 12 reports false maybe-uninitialized warnings inside
// <regex> under the sanitizer build, which -Werror turns into errors.
IndexKeyInfo parse_index_key(const std::string& key) {
  IndexKeyInfo info;
  const auto parts = split_commas(key);
  bool hnsw_coarse = false;
  std::string_view first = parts[0];
  if (parts.size() == 1 && first == "Flat") {
    info.family = IndexFamily::kFlat;
  } else if (parts.size() == 1 && take(first, "HNSW") && take_number(first, &info.hnsw_m) &&
             first.empty()) {
    info.family = IndexFamily::kHnsw;
  } else if (parts.size() == 2 && parse_ivf(parts[0], &info, &hnsw_coarse) && parts[1] == "Flat") {
    info.family = IndexFamily::kIvfFlat;  // hnsw_m > 0: an HNSW coarse quantizer
  } else if (parts.size() == 2 && parse_ivf(parts[0], &info, &hnsw_coarse) &&
             parse_sq(parts[1], &info)) {
    info.family = IndexFamily::kIvfSq;
  } else if (parts.size() == 2 && parse_ivf(parts[0], &info, &hnsw_coarse) && !hnsw_coarse &&
             parse_pq(parts[1], &info)) {
    info.family = IndexFamily::kIvfPq;
  } else if (parts.size() == 3 && parse_ivf(parts[1], &info, &hnsw_coarse) &&
             parse_pq(parts[2], &info)) {
    std::string_view transform = parts[0];
    if (take(transform, "OPQ") && take_number(transform, &info.opq_m) && take(transform, "_") &&
        take_number(transform, &info.out_dim) && transform.empty()) {
      info.family = hnsw_coarse ? IndexFamily::kOpqIvfHnswPq : IndexFamily::kOpqIvfPq;
    } else if (hnsw_coarse && take(transform, "Pad") && take_number(transform, &info.out_dim) &&
               transform.empty()) {
      info.family = IndexFamily::kPadIvfHnswPq;
    }
  }
  if (info.family == IndexFamily::kOther) return IndexKeyInfo{};
  return info;
}

bool key_needs_training(const std::string& key) {
  return key.find("IVF") != std::string::npos || key.find("IMI") != std::string::npos;
}

int64_t per_vector_index_bytes(const IndexKeyInfo& key, int64_t d, bool make_direct_map) {
  const int64_t direct_map = make_direct_map && key.is_ivf() ? kIdBytes : 0;
  switch (key.family) {
    case IndexFamily::kFlat:
      return kFloatBytes * d;
    case IndexFamily::kHnsw:
      return kFloatBytes * d + hnsw_graph_bytes_per_node(key.hnsw_m);
    case IndexFamily::kIvfFlat:
      return kFloatBytes * d + kIdBytes + direct_map;
    case IndexFamily::kIvfPq:
    case IndexFamily::kOpqIvfPq:
    case IndexFamily::kOpqIvfHnswPq:
    case IndexFamily::kPadIvfHnswPq:
      return key.pq_code_bytes() + kIdBytes + direct_map;
    case IndexFamily::kIvfSq:
      return key.sq_code_bytes(d) + kIdBytes + direct_map;
    case IndexFamily::kOther:
      break;
  }
  return -1;
}

int64_t fixed_index_bytes(const IndexKeyInfo& key, int64_t d, bool inner_product) {
  const int64_t y = key.stage_dim(d);
  switch (key.family) {
    case IndexFamily::kFlat:
    case IndexFamily::kHnsw:
      return 0;
    case IndexFamily::kIvfFlat:
    case IndexFamily::kIvfSq: {
      int64_t bytes = kFloatBytes * key.nlist * d;
      if (key.hnsw_m > 0) bytes += key.nlist * hnsw_graph_bytes_per_node(key.hnsw_m);
      // SQ4/6/8's trained range: a minimum and a width per dimension (fp16 has none).
      if (key.family == IndexFamily::kIvfSq && key.sq_bits != 16) bytes += 2 * kFloatBytes * d;
      return bytes;
    }
    case IndexFamily::kIvfPq:
    case IndexFamily::kOpqIvfPq:
    case IndexFamily::kOpqIvfHnswPq:
    case IndexFamily::kPadIvfHnswPq: {
      int64_t bytes = kFloatBytes * key.nlist * y;             // coarse centroids
      bytes += kFloatBytes * (int64_t{1} << key.pq_bits) * y;  // PQ codebooks
      if (key.family == IndexFamily::kOpqIvfPq || key.family == IndexFamily::kOpqIvfHnswPq) {
        bytes += kFloatBytes * (d * y + y);  // OPQ matrix (y x d) and bias
      }
      if (key.family == IndexFamily::kOpqIvfHnswPq || key.family == IndexFamily::kPadIvfHnswPq) {
        bytes += key.nlist * hnsw_graph_bytes_per_node(key.hnsw_m);
      }
      if (!inner_product) {
        const int64_t table = kFloatBytes * key.nlist * key.pq_m * kPqCentroidsPerSub;
        if (table <= kPrecomputedTableMaxBytes) bytes += table;
      }
      return bytes;
    }
    case IndexFamily::kOther:
      break;
  }
  return -1;
}

int64_t estimated_index_bytes(const IndexKeyInfo& key, int64_t n, int64_t d, bool make_direct_map,
                              bool inner_product) {
  if (key.family == IndexFamily::kOther) return -1;
  return n * per_vector_index_bytes(key, d, make_direct_map) +
         fixed_index_bytes(key, d, inner_product);
}

int64_t autofaiss_index_bytes(const IndexKeyInfo& key, int64_t n, int64_t d, bool make_direct_map) {
  const int64_t direct_map = make_direct_map ? kIdBytes * n : 0;
  // Not keys autofaiss sizes.
  if (key.family == IndexFamily::kIvfPq || key.family == IndexFamily::kIvfSq) return -1;
  switch (key.family) {
    case IndexFamily::kFlat:
      return kFloatBytes * n * d;
    case IndexFamily::kHnsw:
      return kFloatBytes * n * d + 8 * n * key.hnsw_m;
    case IndexFamily::kIvfFlat:
      return kFloatBytes * n * d + kFloatBytes * key.nlist * d + direct_map;
    case IndexFamily::kIvfPq:
    case IndexFamily::kOpqIvfPq:
    case IndexFamily::kOpqIvfHnswPq:
    case IndexFamily::kPadIvfHnswPq: {
      int64_t bytes = n * (key.pq_code_bytes() + kIdBytes) + kFloatBytes * key.nlist * d;
      bytes += direct_map;
      if (key.family != IndexFamily::kOpqIvfPq) bytes += 8 * key.nlist * key.hnsw_m;
      if (key.family != IndexFamily::kPadIvfHnswPq) bytes += kFloatBytes * key.opq_m * key.out_dim;
      return bytes;
    }
    case IndexFamily::kIvfSq:
    case IndexFamily::kOther:
      break;
  }
  return -1;
}

}  // namespace clipret::index
