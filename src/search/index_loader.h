// search/index_loader.h: reads a faiss index as the back serves it (spec §3.7).
#pragma once

#include <memory>
#include <string>

namespace faiss {
struct Index;
}

namespace clipret::search {

// Reads `path`:
//   - memory_mapping off: the whole file into RAM (a directory is an error naming the option);
//   - on, `path` a directory: `<path>/populated.index` with its inverted lists left on disk in
//     `merged_index.ivfdata` beside it (IO_FLAG_ONDISK_SAME_DIR);
//   - on, `path` a file: memory-mapped, read-only (IO_FLAG_MMAP | IO_FLAG_READ_ONLY).
// Returns nullptr when `path` does not exist (that modality is then unavailable). Throws
// Error(kCorrupt) naming the file when faiss cannot read it.
std::unique_ptr<faiss::Index> load_index(const std::string& path, bool memory_mapping);

// Deleter so headers can hold a std::unique_ptr<faiss::Index> without faiss's headers.
void delete_index(faiss::Index* index);

}  // namespace clipret::search
