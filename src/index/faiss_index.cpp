#include "index/faiss_index.h"

#include <faiss/AutoTune.h>
#include <faiss/IVFlib.h>
#include <faiss/IndexFlat.h>
#include <faiss/IndexHNSW.h>
#include <faiss/IndexIVF.h>
#include <faiss/IndexIVFPQ.h>
#include <faiss/IndexPreTransform.h>
#include <faiss/impl/FaissException.h>
#include <faiss/index_factory.h>
#include <faiss/index_io.h>

#include <filesystem>

#include "core/error.h"
#include "core/log.h"
#include "index/distance_kernels.h"

namespace clipret::index {

namespace {

// Logs, once, which kernels faiss's distance functions run on (index/distance_kernels.h).
void note_distance_kernels() {
  static const bool noted = [] {
    CLIPRET_LOG_DEBUG("faiss distance kernels: %s", faiss_distance_kernels_isa());
    return true;
  }();
  (void)noted;
}

}  // namespace

void IndexDeleter::operator()(faiss::Index* index) const {
  delete index;
}

void run_faiss(const char* what, const std::function<void()>& f) {
  try {
    f();
  } catch (const faiss::FaissException& e) {
    CLIPRET_THROW(Internal, "%s: faiss: %s", what, e.what());
  }
}

bool parse_metric_type(const std::string& metric_type) {
  if (metric_type == "ip" || metric_type == "IP") return true;
  if (metric_type == "l2" || metric_type == "L2") return false;
  CLIPRET_THROW(InvalidInput, "--metric_type: '%s' is not a metric; use ip or l2",
                metric_type.c_str());
}

namespace {

faiss::Index* unwrap(faiss::Index* index) {
  while (auto* pre = dynamic_cast<faiss::IndexPreTransform*>(index)) index = pre->index;
  return index;
}

}  // namespace

IndexPtr create_empty_index(const std::string& key, int64_t dim, bool inner_product) {
  note_distance_kernels();
  IndexPtr index;
  try {
    index.reset(
        faiss::index_factory(static_cast<int>(dim), key.c_str(),
                             inner_product ? faiss::METRIC_INNER_PRODUCT : faiss::METRIC_L2));
  } catch (const faiss::FaissException& e) {
    CLIPRET_THROW(InvalidInput, "--index_key: faiss cannot build '%s' for dimension %lld: %s",
                  key.c_str(), static_cast<long long>(dim), e.what());
  }
  if (auto* ivfpq = dynamic_cast<faiss::IndexIVFPQ*>(unwrap(index.get()))) {
    ivfpq->do_polysemous_training = false;
  }
  return index;
}

void reserve_index_storage(faiss::Index* index, int64_t rows) {
  faiss::Index* inner = unwrap(index);
  if (auto* hnsw = dynamic_cast<faiss::IndexHNSW*>(inner)) {
    // The graph's arrays too: faiss resizes them on every add, and a reallocation holds the old
    // and the new array at once (0.12 GiB extra at 1M x HNSW32). Level 0 has 2M link slots per
    // node; upper levels M each, M/(M-1) <= 2 slots per node on average.
    const auto n = static_cast<size_t>(rows);
    const auto m = static_cast<size_t>(hnsw->hnsw.nb_neighbors(1));
    hnsw->hnsw.levels.reserve(n);
    hnsw->hnsw.offsets.reserve(n + 1);
    hnsw->hnsw.neighbors.reserve(n * (2 * m + 2));
    inner = hnsw->storage;
  }
  if (auto* flat = dynamic_cast<faiss::IndexFlatCodes*>(inner)) {
    flat->codes.reserve(static_cast<size_t>(rows) * flat->code_size);
  }
}

void apply_index_param(faiss::Index* index, const std::string& index_param) {
  if (index_param.empty()) return;
  try {
    faiss::ParameterSpace().set_index_parameters(index, index_param.c_str());
  } catch (const faiss::FaissException& e) {
    CLIPRET_THROW(InvalidInput, "--index_param '%s' does not apply to this index: %s",
                  index_param.c_str(), e.what());
  }
}

void write_index_file(const faiss::Index& index, const std::string& path) {
  try {
    faiss::write_index(&index, path.c_str());
  } catch (const faiss::FaissException& e) {
    CLIPRET_THROW(Io, "%s: cannot write the index: %s", path.c_str(), e.what());
  }
}

namespace {

int io_flags(IndexStorage storage) {
  switch (storage) {
    case IndexStorage::kMapped:
      return faiss::IO_FLAG_MMAP;
    case IndexStorage::kMappedReadOnly:
      return faiss::IO_FLAG_MMAP | faiss::IO_FLAG_READ_ONLY;
    case IndexStorage::kListsInSameDir:
      return faiss::IO_FLAG_ONDISK_SAME_DIR;
    case IndexStorage::kInMemory:
      break;
  }
  return 0;
}

}  // namespace

IndexPtr read_index_file(const std::string& path, IndexStorage storage) {
  note_distance_kernels();
  std::error_code ec;
  CLIPRET_CHECK(std::filesystem::is_regular_file(path, ec), NotFound, "%s: index file not found",
                path.c_str());
  try {
    return IndexPtr(faiss::read_index(path.c_str(), io_flags(storage)));
  } catch (const std::exception& e) {  // faiss::FaissException, and std::bad_alloc on garbage
    CLIPRET_THROW(Corrupt, "%s: faiss cannot read this index: %s", path.c_str(), e.what());
  }
}

void make_ivf_direct_map(faiss::Index* index) {
  faiss::IndexIVF* ivf = faiss::ivflib::try_extract_index_ivf(index);
  CLIPRET_CHECK(ivf != nullptr, InvalidInput,
                "--make_direct_map needs an IVF index (the key has no IVF)");
  run_faiss("make_direct_map", [&] { ivf->make_direct_map(true); });
}

}  // namespace clipret::index
