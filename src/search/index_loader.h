// search/index_loader.h: reads a faiss index as the back serves it (spec §3.7).
#pragma once

#include <string>

#include "index/faiss_index.h"

namespace clipret::search {

// Reads `path`:
//   - memory_mapping off: the whole file into RAM (a directory is an error naming the option);
//   - on, `path` a directory: `<path>/populated.index` with its inverted lists left on disk in
//     `merged_index.ivfdata` beside it (IO_FLAG_ONDISK_SAME_DIR);
//   - on, `path` a file: memory-mapped, read-only (IO_FLAG_MMAP | IO_FLAG_READ_ONLY).
// Returns nullptr when `path` does not exist (that modality is then unavailable). Throws
// Error(kCorrupt) naming the file when faiss cannot read it.
index::IndexPtr load_index(const std::string& path, bool memory_mapping);

}  // namespace clipret::search
