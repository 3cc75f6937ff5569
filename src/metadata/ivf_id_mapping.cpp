#include "metadata/ivf_id_mapping.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <faiss/IVFlib.h>
#include <faiss/IndexIVF.h>
#include <faiss/invlists/InvertedLists.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/file_open.h"
#include "core/log.h"

namespace clipret::metadata {

namespace {

using FaissId = faiss::Index::idx_t;

// Lists checked against an existing file: enough to catch a rebuilt index, cheap on huge ones.
constexpr size_t kListsToCheck = 64;

const faiss::IndexIVF& require_ivf(const faiss::Index& image_index) {
  const faiss::IndexIVF* ivf = faiss::ivflib::try_extract_index_ivf(&image_index);
  CLIPRET_CHECK(ivf != nullptr && ivf->invlists != nullptr, Unsupported,
                "reorder_metadata_by_ivf_index needs an IVF image index (inverted lists); this "
                "image index (%d-dimensional, %lld vectors) has none: Flat and HNSW indices "
                "cannot be reordered",
                image_index.d, static_cast<long long>(image_index.ntotal));
  return *ivf;
}

// A writable shared mapping of a file, unmapped when done.
class WritableMapping {
 public:
  WritableMapping(const std::string& path, size_t bytes) : path_(path), bytes_(bytes) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    CLIPRET_CHECK(fd_ >= 0, Io, "%s: cannot create: %s", path.c_str(), std::strerror(errno));
    CLIPRET_CHECK(::ftruncate(fd_, static_cast<off_t>(bytes)) == 0, Io, "%s: cannot size: %s",
                  path.c_str(), std::strerror(errno));
    if (bytes == 0) return;
    data_ = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    CLIPRET_CHECK(data_ != MAP_FAILED, Io, "%s: cannot map: %s", path.c_str(),
                  std::strerror(errno));
  }
  ~WritableMapping() {
    if (data_ != nullptr && data_ != MAP_FAILED) ::munmap(data_, bytes_);
    if (fd_ >= 0) ::close(fd_);
  }
  WritableMapping(const WritableMapping&) = delete;
  WritableMapping& operator=(const WritableMapping&) = delete;

  int64_t* data() { return static_cast<int64_t*>(data_); }
  void sync() {
    if (bytes_ > 0) {
      CLIPRET_CHECK(::msync(data_, bytes_, MS_SYNC) == 0, Io, "%s: cannot write: %s", path_.c_str(),
                    std::strerror(errno));
    }
  }

 private:
  std::string path_;
  size_t bytes_;
  int fd_ = -1;
  void* data_ = nullptr;
};

}  // namespace

std::unique_ptr<IvfIdMapping> IvfIdMapping::open(const std::string& path) {
  uint64_t size = 0;
  const int fd = core::open_for_reading(path, &size);
  std::unique_ptr<IvfIdMapping> mapping(new IvfIdMapping());
  if (size % sizeof(int64_t) != 0) {
    ::close(fd);
    CLIPRET_THROW(Corrupt, "%s: %llu bytes is not a whole number of int64 ids", path.c_str(),
                  static_cast<unsigned long long>(size));
  }
  if (size > 0) {
    void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
    const int error = errno;
    ::close(fd);
    CLIPRET_CHECK(mapped != MAP_FAILED, Io, "%s: cannot map: %s", path.c_str(),
                  std::strerror(error));
    mapping->mapped_ = mapped;
    mapping->mapped_bytes_ = size;
    mapping->data_ = static_cast<const int64_t*>(mapped);
  } else {
    ::close(fd);
  }
  mapping->size_ = static_cast<int64_t>(size / sizeof(int64_t));
  return mapping;
}

IvfIdMapping::~IvfIdMapping() {
  if (mapped_ != nullptr) ::munmap(mapped_, mapped_bytes_);
}

void build_ivf_mapping(const faiss::Index& image_index, const std::string& path) {
  const faiss::IndexIVF& ivf = require_ivf(image_index);
  const faiss::InvertedLists& lists = *ivf.invlists;
  const int64_t ntotal = image_index.ntotal;
  core::AtomicFile file(path);  // removed unless the mapping is complete
  {
    WritableMapping out(file.path(), static_cast<size_t>(ntotal) * sizeof(int64_t));
    int64_t* mapping = out.data();
    if (ntotal > 0) std::memset(mapping, 0xff, static_cast<size_t>(ntotal) * sizeof(int64_t));
    int64_t new_id = 0;
    for (size_t list = 0; list < lists.nlist; ++list) {
      const size_t n = lists.list_size(list);
      if (n == 0) continue;
      faiss::InvertedLists::ScopedIds ids(&lists, list);
      for (size_t j = 0; j < n; ++j, ++new_id) {
        const FaissId old_id = ids[j];
        CLIPRET_CHECK(old_id >= 0 && old_id < ntotal && new_id < ntotal && mapping[old_id] < 0,
                      InvalidInput,
                      "the image index's ids are not 0..ntotal-1 (id %lld in list %zu; ntotal "
                      "%lld): reordering needs an index built with add(), not add_with_ids()",
                      static_cast<long long>(old_id), list, static_cast<long long>(ntotal));
        mapping[old_id] = new_id;
      }
    }
    CLIPRET_CHECK(new_id == ntotal, InvalidInput,
                  "the image index's inverted lists hold %lld ids but ntotal is %lld",
                  static_cast<long long>(new_id), static_cast<long long>(ntotal));
    out.sync();
  }
  file.commit();
  CLIPRET_LOG_INFO("metadata: wrote the IVF id mapping of %lld vectors to %s",
                   static_cast<long long>(ntotal), path.c_str());
}

std::string ivf_mapping_staleness(const faiss::Index& image_index, const std::string& path) {
  const faiss::IndexIVF& ivf = require_ivf(image_index);
  std::error_code ignored;
  if (!std::filesystem::exists(path, ignored)) return "not built yet";
  std::unique_ptr<IvfIdMapping> mapping;
  try {
    mapping = IvfIdMapping::open(path);
  } catch (const Error& error) {
    return error.what();
  }
  if (mapping->size() != image_index.ntotal) return "its length differs from the image index's";
  const faiss::InvertedLists& lists = *ivf.invlists;
  // Where each list starts in the new order, then a spread of lists checked id by id.
  std::vector<int64_t> start(lists.nlist + 1, 0);
  for (size_t list = 0; list < lists.nlist; ++list) {
    start[list + 1] = start[list] + static_cast<int64_t>(lists.list_size(list));
  }
  const size_t step = std::max<size_t>(1, lists.nlist / kListsToCheck);
  for (size_t list = 0; list < lists.nlist; list += step) {
    const size_t n = lists.list_size(list);
    if (n == 0) continue;
    faiss::InvertedLists::ScopedIds ids(&lists, list);
    for (size_t j = 0; j < n; ++j) {
      if (mapping->map(ids[j]) != start[list] + static_cast<int64_t>(j)) {
        return "it disagrees with the image index's inverted list " + std::to_string(list);
      }
    }
  }
  return "";
}

}  // namespace clipret::metadata
