#include "index/index_key.h"

#include <algorithm>
#include <regex>

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

int64_t to_int(const std::string& s) {
  return s.empty() ? 0 : std::stoll(s);
}

int64_t hnsw_graph_bytes_per_node(int64_t m) {
  return 2 * m * 4 + kHnswPerVectorOverhead;
}

}  // namespace

bool IndexKeyInfo::is_ivf() const {
  return family == IndexFamily::kIvfFlat || family == IndexFamily::kIvfPq ||
         family == IndexFamily::kOpqIvfPq || family == IndexFamily::kOpqIvfHnswPq ||
         family == IndexFamily::kPadIvfHnswPq;
}

IndexKeyInfo parse_index_key(const std::string& key) {
  static const std::regex kHnsw(R"(HNSW(\d+))");
  static const std::regex kIvfFlat(R"(IVF(\d+),Flat)");
  static const std::regex kIvfPq(R"(IVF(\d+),PQ(\d+)(?:x(\d+))?(?:np)?)");
  static const std::regex kOpqIvfPq(R"(OPQ(\d+)_(\d+),IVF(\d+),PQ(\d+)(?:x(\d+))?)");
  static const std::regex kOpqIvfHnswPq(R"(OPQ(\d+)_(\d+),IVF(\d+)_HNSW(\d+),PQ(\d+)(?:x(\d+))?)");
  static const std::regex kPadIvfHnswPq(R"(Pad(\d+),IVF(\d+)_HNSW(\d+),PQ(\d+)(?:x(\d+))?)");
  IndexKeyInfo info;
  std::smatch m;
  if (key == "Flat") {
    info.family = IndexFamily::kFlat;
  } else if (std::regex_match(key, m, kHnsw)) {
    info.family = IndexFamily::kHnsw;
    info.hnsw_m = to_int(m[1]);
  } else if (std::regex_match(key, m, kIvfFlat)) {
    info.family = IndexFamily::kIvfFlat;
    info.nlist = to_int(m[1]);
  } else if (std::regex_match(key, m, kIvfPq)) {
    info.family = IndexFamily::kIvfPq;
    info.nlist = to_int(m[1]);
    info.pq_m = to_int(m[2]);
    if (m[3].matched) info.pq_bits = to_int(m[3]);
  } else if (std::regex_match(key, m, kOpqIvfPq)) {
    info.family = IndexFamily::kOpqIvfPq;
    info.opq_m = to_int(m[1]);
    info.out_dim = to_int(m[2]);
    info.nlist = to_int(m[3]);
    info.pq_m = to_int(m[4]);
    if (m[5].matched) info.pq_bits = to_int(m[5]);
  } else if (std::regex_match(key, m, kOpqIvfHnswPq)) {
    info.family = IndexFamily::kOpqIvfHnswPq;
    info.opq_m = to_int(m[1]);
    info.out_dim = to_int(m[2]);
    info.nlist = to_int(m[3]);
    info.hnsw_m = to_int(m[4]);
    info.pq_m = to_int(m[5]);
    if (m[6].matched) info.pq_bits = to_int(m[6]);
  } else if (std::regex_match(key, m, kPadIvfHnswPq)) {
    info.family = IndexFamily::kPadIvfHnswPq;
    info.out_dim = to_int(m[1]);
    info.nlist = to_int(m[2]);
    info.hnsw_m = to_int(m[3]);
    info.pq_m = to_int(m[4]);
    if (m[5].matched) info.pq_bits = to_int(m[5]);
  }
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
      return kFloatBytes * key.nlist * d;
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
  if (key.family == IndexFamily::kIvfPq) return -1;  // not a key autofaiss sizes
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
    case IndexFamily::kOther:
      break;
  }
  return -1;
}

}  // namespace clipret::index
