// index/index_combiner_runner.h: `clip-retrieval index_combiner`, IVF indices trained together
// merged on disk.
#pragma once

#include <cstdint>
#include <string>

namespace clipret::index {

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
CombineResult run_index_combiner(const std::string& input_folder, const std::string& output_folder);

}  // namespace clipret::index
