// index/index_key.h: what a faiss index_factory key means for memory: its family and sizes.
//
// The keys autofaiss proposes (and the ones a user may force) are parsed from their digits:
//   Flat | HNSW{M} | IVF{c}[_HNSW{M}],Flat | IVF{c},PQ{pq}[x{bits}] |
//   OPQ{m}_{y},IVF{c}[_HNSW{M}],PQ{pq}[x{bits}] |
//   Pad{y},IVF{c}_HNSW{M},PQ{pq}[x{bits}] | IVF{c}[_HNSW{M}],SQ{4|6|8|fp16}
// Anything else is kOther: it can still be built, but its size cannot be estimated.
#pragma once

#include <cstdint>
#include <string>

namespace clipret::index {

enum class IndexFamily {
  kFlat,          // exact search, vectors stored as float32
  kHnsw,          // graph over float32 vectors
  kIvfFlat,       // inverted lists of float32 vectors
  kIvfPq,         // flat coarse quantizer, product-quantized lists, no transform
  kOpqIvfPq,      // OPQ rotation, flat coarse quantizer, product-quantized lists
  kOpqIvfHnswPq,  // same with an HNSW coarse quantizer (large nlist)
  kPadIvfHnswPq,  // zero padding instead of OPQ
  kIvfSq,         // inverted lists of scalar-quantized residuals (hnsw_m > 0: HNSW coarse)
  kOther,
};

struct IndexKeyInfo {
  IndexFamily family = IndexFamily::kOther;
  int64_t hnsw_m = 0;   // HNSW{M}, or the M of an IVF{c}_HNSW{M} coarse quantizer
  int64_t nlist = 0;    // IVF{c}
  int64_t opq_m = 0;    // OPQ{m}
  int64_t out_dim = 0;  // the y of OPQ{m}_{y} / Pad{y}: dimension seen by IVF and PQ (0: d)
  int64_t pq_m = 0;     // PQ{pq}: sub-quantizers = code bytes at 8 bits
  int64_t pq_bits = 8;  // PQ{pq}x{bits}
  int64_t sq_bits = 0;  // SQ{bits}: bits per dimension of a scalar-quantized code (SQfp16: 16)

  bool is_ivf() const;
  // Bytes of one PQ code (0 for non-PQ families).
  int64_t pq_code_bytes() const { return (pq_m * pq_bits + 7) / 8; }
  // Bytes of one scalar-quantized code of dimension d, as faiss's ScalarQuantizer packs it.
  int64_t sq_code_bytes(int64_t d) const { return (d * sq_bits + 7) / 8; }
  // Dimension seen by the IVF / PQ stage: out_dim, or d when there is no transform.
  int64_t stage_dim(int64_t d) const { return out_dim > 0 ? out_dim : d; }
};

IndexKeyInfo parse_index_key(const std::string& key);

// autofaiss: an index needs training iff its key contains IVF or IMI.
bool key_needs_training(const std::string& key);

// Size of the finished index in RAM (= its file size, to within headers), in bytes, for n
// vectors of dimension d with inner-product (`inner_product`) or L2 metric. Counts what faiss
// 1.7.3 really stores: vectors or codes, the 8-byte id of each inverted-list entry, the coarse
// centroids in the dimension the IVF sees, the HNSW graph (links, levels, offsets), the OPQ
// matrix (y x d) and the PQ codebooks, the IVFPQ precomputed table (L2 only, at most 2 GiB as
// faiss caps it), and the direct map. Returns -1 for kOther.
int64_t estimated_index_bytes(const IndexKeyInfo& key, int64_t n, int64_t d, bool make_direct_map,
                              bool inner_product = true);

// autofaiss's own estimate (IndexMetadata.estimated_index_size_in_bytes): ignores list ids of
// IVF-Flat, writes the OPQ matrix as 4*m*y and centroids in d dimensions. Kept to document and
// test the difference; never used for decisions. -1 for kOther.
int64_t autofaiss_index_bytes(const IndexKeyInfo& key, int64_t n, int64_t d, bool make_direct_map);

// Part of estimated_index_bytes that does not depend on n (centroids, graphs over centroids,
// matrices, codebooks, tables): what an empty trained index holds.
int64_t fixed_index_bytes(const IndexKeyInfo& key, int64_t d, bool inner_product = true);
// Bytes per vector of a finished index (code + list id + direct map entry, or vector + graph).
int64_t per_vector_index_bytes(const IndexKeyInfo& key, int64_t d, bool make_direct_map);

}  // namespace clipret::index
