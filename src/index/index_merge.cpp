#include "index/index_merge.h"

#include <faiss/IVFlib.h>
#include <faiss/IndexIVF.h>
#include <faiss/index_io.h>
#include <faiss/invlists/InvertedLists.h>

#include <filesystem>

#include "core/error.h"
#include "core/log.h"

namespace clipret::index {

namespace fs = std::filesystem;

faiss::IndexIVF* ivf_of(faiss::Index* index, const std::string& path) {
  faiss::IndexIVF* ivf = faiss::ivflib::try_extract_index_ivf(index);
  CLIPRET_CHECK(ivf != nullptr, InvalidInput,
                "%s: not an IVF index; only IVF indices can be merged", path.c_str());
  return ivf;
}

void check_compatible(const faiss::IndexIVF& reference, const faiss::IndexIVF& other,
                      const std::string& reference_path, const std::string& path) {
  CLIPRET_CHECK(other.d == reference.d && other.nlist == reference.nlist &&
                    other.code_size == reference.code_size &&
                    other.metric_type == reference.metric_type,
                InvalidInput,
                "%s: cannot merge with %s: dimension %d / %zu lists / code size %zu / metric "
                "%d against %d / %zu / %zu / %d",
                path.c_str(), reference_path.c_str(), other.d, other.nlist, other.code_size,
                static_cast<int>(other.metric_type), reference.d, reference.nlist,
                reference.code_size, static_cast<int>(reference.metric_type));
  std::vector<float> a(static_cast<size_t>(reference.quantizer->d));
  std::vector<float> b(a.size());
  for (size_t list = 0; list < reference.nlist; ++list) {
    reference.quantizer->reconstruct(static_cast<faiss::Index::idx_t>(list), a.data());
    other.quantizer->reconstruct(static_cast<faiss::Index::idx_t>(list), b.data());
    CLIPRET_CHECK(a == b, InvalidInput,
                  "%s: cannot merge with %s: coarse centroid %zu differs (the indices were not "
                  "trained together)",
                  path.c_str(), reference_path.c_str(), list);
  }
}

namespace {

IndexPtr read_mapped(const std::string& path) {
  return read_index_file(path, IndexStorage::kMapped);
}

}  // namespace

void merge_parts_into(faiss::Index* target, const std::vector<std::string>& part_paths) {
  faiss::IndexIVF* ivf = ivf_of(target, "the trained index");
  auto* lists = dynamic_cast<faiss::ArrayInvertedLists*>(ivf->invlists);
  CLIPRET_CHECK(lists != nullptr, Internal, "merge_parts_into: target lists are not in memory");
  // Pass 1: final list sizes, so each list is allocated once.
  std::vector<size_t> sizes(ivf->nlist);
  for (size_t l = 0; l < ivf->nlist; ++l) sizes[l] = lists->list_size(l);
  for (const auto& path : part_paths) {
    IndexPtr part = read_mapped(path);
    const faiss::IndexIVF* part_ivf = ivf_of(part.get(), path);
    check_compatible(*ivf, *part_ivf, "the trained index", path);
    for (size_t l = 0; l < ivf->nlist; ++l) sizes[l] += part_ivf->invlists->list_size(l);
  }
  for (size_t l = 0; l < ivf->nlist; ++l) {
    lists->codes[l].reserve(sizes[l] * lists->code_size);
    lists->ids[l].reserve(sizes[l]);
  }
  // Pass 2: append, one mapped part at a time (faiss's merge_from would empty the read-only
  // mapped source lists, which throws).
  for (const auto& path : part_paths) {
    IndexPtr part = read_mapped(path);
    const faiss::InvertedLists* source = ivf_of(part.get(), path)->invlists;
    run_faiss("merging index parts", [&] {
      for (size_t l = 0; l < ivf->nlist; ++l) {
        const size_t n = source->list_size(l);
        if (n == 0) continue;
        faiss::InvertedLists::ScopedIds ids(source, l);
        faiss::InvertedLists::ScopedCodes codes(source, l);
        lists->add_entries(l, n, ids.get(), codes.get());
      }
    });
    ivf->ntotal += part->ntotal;
    if (target != ivf) target->ntotal += part->ntotal;
  }
}

}  // namespace clipret::index
