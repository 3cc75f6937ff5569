#include "search/index_loader.h"

#include <faiss/Index.h>

#include <filesystem>

#include "core/error.h"
#include "core/log.h"

namespace clipret::search {

index::IndexPtr load_index(const std::string& path, bool memory_mapping) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) return nullptr;
  std::string file = path;
  index::IndexStorage storage = index::IndexStorage::kInMemory;
  if (fs::is_directory(path, ec)) {
    CLIPRET_CHECK(memory_mapping, InvalidInput,
                  "%s is a directory (populated.index + merged_index.ivfdata): serve it with "
                  "--enable_faiss_memory_mapping=True",
                  path.c_str());
    file = (fs::path(path) / "populated.index").string();
    CLIPRET_CHECK(fs::is_regular_file(file, ec), NotFound, "%s: no populated.index in it",
                  path.c_str());
    storage = index::IndexStorage::kListsInSameDir;
  } else if (memory_mapping) {
    storage = index::IndexStorage::kMappedReadOnly;
  }
  index::IndexPtr index = index::read_index_file(file, storage);
  CLIPRET_LOG_INFO("loaded %s: %lld vectors of dimension %d%s", file.c_str(),
                   static_cast<long long>(index->ntotal), index->d,
                   memory_mapping ? " (memory-mapped)" : "");
  return index;
}

}  // namespace clipret::search
