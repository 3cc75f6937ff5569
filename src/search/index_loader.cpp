#include "search/index_loader.h"

#include <faiss/Index.h>
#include <faiss/index_io.h>

#include <exception>
#include <filesystem>

#include "core/error.h"
#include "core/log.h"

namespace clipret::search {

std::unique_ptr<faiss::Index> load_index(const std::string& path, bool memory_mapping) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::exists(path, ec)) return nullptr;
  std::string file = path;
  int flags = 0;
  if (fs::is_directory(path, ec)) {
    CLIPRET_CHECK(memory_mapping, InvalidInput,
                  "%s is a directory (populated.index + merged_index.ivfdata): serve it with "
                  "--enable_faiss_memory_mapping=True",
                  path.c_str());
    file = (fs::path(path) / "populated.index").string();
    CLIPRET_CHECK(fs::is_regular_file(file, ec), NotFound, "%s: no populated.index in it",
                  path.c_str());
    flags = faiss::IO_FLAG_ONDISK_SAME_DIR;
  } else if (memory_mapping) {
    flags = faiss::IO_FLAG_MMAP | faiss::IO_FLAG_READ_ONLY;
  }
  try {
    std::unique_ptr<faiss::Index> index(faiss::read_index(file.c_str(), flags));
    CLIPRET_LOG_INFO("loaded %s: %lld vectors of dimension %d%s", file.c_str(),
                     static_cast<long long>(index->ntotal), index->d,
                     memory_mapping ? " (memory-mapped)" : "");
    return index;
  } catch (const std::exception& e) {
    CLIPRET_THROW(Corrupt, "%s: faiss cannot read this index: %s", file.c_str(), e.what());
  }
}

}  // namespace clipret::search
