// index/index_merge.h: IVF indices that share one trained quantizer, merged into one.
#pragma once

#include <string>
#include <vector>

#include "index/faiss_index.h"

namespace faiss {
struct IndexIVF;
}

namespace clipret::index {

// Appends the inverted lists of every index file in `part_paths` (memory-mapped one at a time)
// to `target`, an IVF index trained with the same quantizer. Lists are sized exactly before
// copying, so the result holds no growth slack. Ids are kept as they are (parts of a
// distributed build store global ids). Throws Error(kInvalidInput) naming a part that is not a
// compatible IVF index.
void merge_parts_into(faiss::Index* target, const std::vector<std::string>& part_paths);

// The IVF index inside `index` (under a pre-transform, say); Error(kInvalidInput) naming `path`
// when there is none.
faiss::IndexIVF* ivf_of(faiss::Index* index, const std::string& path);

// Throws Error(kInvalidInput) naming both files unless `other` has the dimension, list count,
// code size, metric and coarse centroids of `reference` (indices trained together).
void check_compatible(const faiss::IndexIVF& reference, const faiss::IndexIVF& other,
                      const std::string& reference_path, const std::string& path);

}  // namespace clipret::index
