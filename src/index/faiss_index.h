// index/faiss_index.h: the faiss calls of the index module, behind a header without faiss.
//
// faiss 1.7.3 returns raw owning pointers and throws faiss::FaissException; here they become
// IndexPtr and clipret::Error. Only .cpp files of this module include faiss headers.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace faiss {
struct Index;
}

namespace clipret::index {

struct IndexDeleter {
  void operator()(faiss::Index* index) const;
};
using IndexPtr = std::unique_ptr<faiss::Index, IndexDeleter>;

// "ip"/"IP" -> true (inner product), "l2"/"L2" -> false; anything else Error(kInvalidInput).
bool parse_metric_type(const std::string& metric_type);

// An untrained index for `key` (faiss index_factory) with the metric passed to every level.
// Polysemous training of PQ codes is turned off: autofaiss searches with ht=2048, which never
// uses it, and it costs most of the training time. Throws Error(kInvalidInput) for a key faiss
// does not understand.
IndexPtr create_empty_index(const std::string& key, int64_t dim, bool inner_product);

// Reserves storage for `rows` vectors in Flat / HNSW indices (whose storage is one growing
// array), so that adding does not over-allocate. No-op for other indices.
void reserve_index_storage(faiss::Index* index, int64_t rows);

// Applies a ParameterSpace string such as "nprobe=16,efSearch=32,ht=2048" ("" does nothing).
// Throws Error(kInvalidInput) naming the parameter faiss refuses.
void apply_index_param(faiss::Index* index, const std::string& index_param);

// Writes `index` to `path` (replaced). Throws Error(kIo).
void write_index_file(const faiss::Index& index, const std::string& path);

// Where a read index keeps its data.
enum class IndexStorage {
  kInMemory,        // the whole file read into RAM
  kMapped,          // memory-mapped (faiss's IO_FLAG_MMAP): pages read on demand
  kMappedReadOnly,  // the same, never written (IO_FLAG_MMAP | IO_FLAG_READ_ONLY): serving
  kListsInSameDir,  // IVF lists left on disk in the .ivfdata file beside it
                    // (IO_FLAG_ONDISK_SAME_DIR): an index_combiner folder
};

// Reads the index at `path`: the one faiss reader of the tree. Throws Error(kNotFound) when
// there is no such file and Error(kCorrupt) naming it when faiss cannot read it.
IndexPtr read_index_file(const std::string& path, IndexStorage storage = IndexStorage::kInMemory);

// Builds the IVF's direct map (fast reconstruct; ids must be 0..ntotal-1). Error(kInvalidInput)
// for a non-IVF index.
void make_ivf_direct_map(faiss::Index* index);

// Runs `f`, turning a faiss::FaissException into Error(kind) prefixed by `what`.
void run_faiss(const char* what, const std::function<void()>& f);

}  // namespace clipret::index
