// index/index_merge.h: IVF indices that share one trained quantizer, merged into one.
#pragma once

#include <string>
#include <vector>

#include "index/faiss_index.h"

namespace clipret::index {

// Appends the inverted lists of every index file in `part_paths` (memory-mapped one at a time)
// to `target`, an IVF index trained with the same quantizer. Lists are sized exactly before
// copying, so the result holds no growth slack. Ids are kept as they are (parts of a
// distributed build store global ids). Throws Error(kInvalidInput) naming a part that is not a
// compatible IVF index.
void merge_parts_into(faiss::Index* target, const std::vector<std::string>& part_paths);

struct CombineResult {
  std::string populated_index;  // <output_folder>/populated.index
  std::string ivfdata;          // <output_folder>/merged_index.ivfdata
  int64_t vectors = 0;
  int inputs = 0;
};

// `index_combiner` (spec §4): the files of `input_folder` whose path contains "index", sorted,
// merged on disk. The first, memory-mapped and emptied, is the template; all inverted lists go
// to <output_folder>/merged_index.ivfdata and the index that points at it to
// <output_folder>/populated.index (read it with IO_FLAG_ONDISK_SAME_DIR, or give the folder to
// the back with memory mapping on). Inputs must be IVF indices with the same dimension, lists,
// code size and coarse centroids. Outputs are written under temporary names and renamed.
CombineResult combine_indices(const std::string& input_folder, const std::string& output_folder);

}  // namespace clipret::index
