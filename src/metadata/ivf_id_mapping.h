// metadata/ivf_id_mapping.h: `reorder_metadata_by_ivf_index` (spec §3.8): search ids → metadata
// ids ordered like the image index's inverted lists, so one query's results (a few whole lists)
// are contiguous rows of the on-disk store.
//
// The new id of a vector is its position in the concatenation of the inverted lists in list
// order. The mapping lives in `<indice_folder>/ivf_old_to_new_mapping.npy`, byte-compatible with
// the original: despite its name a raw little-endian int64 array of length ntotal with no npy
// header (numpy's np.memmap(path, dtype="int64")), so folders prepared by either tool work with
// both. It is memory-mapped for lookups.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "metadata/metadata_store.h"

namespace faiss {
struct Index;
}

namespace clipret::metadata {

class IvfIdMapping final : public IdMapping {
 public:
  // Maps a built file. Throws Error(kNotFound), Error(kIo), or Error(kCorrupt) when its size is
  // not a whole number of int64.
  static std::unique_ptr<IvfIdMapping> open(const std::string& path);
  ~IvfIdMapping() override;

  int64_t map(int64_t old_id) const override {
    return old_id >= 0 && old_id < size_ ? data_[old_id] : -1;
  }
  int64_t size() const override { return size_; }

 private:
  IvfIdMapping() = default;
  const int64_t* data_ = nullptr;
  int64_t size_ = 0;
  void* mapped_ = nullptr;
  size_t mapped_bytes_ = 0;
};

// Writes the mapping of `image_index` (an IVF index, possibly inside an IndexPreTransform such as
// OPQ) to `path` through a temporary file and a rename; memory stays bounded (the file is written
// through a shared mapping). Throws Error(kUnsupported) for an index without inverted lists (Flat,
// HNSW), Error(kInvalidInput) when its ids are not a permutation of [0, ntotal) (an index built
// with add_with_ids), Error(kIo).
void build_ivf_mapping(const faiss::Index& image_index, const std::string& path);

// Why the file at `path` does not describe `image_index` (missing, wrong length, or a sample of
// lists disagreeing), or "" when it does. Throws build_ivf_mapping's kUnsupported error.
std::string ivf_mapping_staleness(const faiss::Index& image_index, const std::string& path);

}  // namespace clipret::metadata
