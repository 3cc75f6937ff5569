#include "index/index_merge.h"

#include <faiss/IVFlib.h>
#include <faiss/IndexIVF.h>
#include <faiss/index_io.h>
#include <faiss/invlists/InvertedLists.h>
#include <faiss/invlists/OnDiskInvertedLists.h>

#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/log.h"
#include "index/stdout_diverted.h"

namespace clipret::index {

namespace fs = std::filesystem;

namespace {

faiss::IndexIVF* ivf_of(faiss::Index* index, const std::string& path) {
  faiss::IndexIVF* ivf = faiss::ivflib::try_extract_index_ivf(index);
  CLIPRET_CHECK(ivf != nullptr, InvalidInput,
                "%s: not an IVF index; only IVF indices can be merged", path.c_str());
  return ivf;
}

// Same dimension, list count, code size and coarse centroids as the reference.
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

CombineResult combine_indices(const std::string& input_folder, const std::string& output_folder) {
  std::error_code ec;
  CLIPRET_CHECK(fs::is_directory(input_folder, ec), NotFound, "%s: input folder not found",
                input_folder.c_str());
  std::vector<std::string> paths;
  for (const auto& entry : fs::directory_iterator(input_folder, ec)) {
    if (entry.is_regular_file() && entry.path().string().find("index") != std::string::npos) {
      paths.push_back(entry.path().string());
    }
  }
  std::sort(paths.begin(), paths.end());
  CLIPRET_CHECK(!paths.empty(), InvalidInput, "%s: no index file (a name containing \"index\")",
                input_folder.c_str());
  fs::create_directories(output_folder, ec);
  CLIPRET_CHECK(!ec, Io, "%s: cannot create the folder: %s", output_folder.c_str(),
                ec.message().c_str());

  std::vector<IndexPtr> inputs;
  std::vector<const faiss::InvertedLists*> lists;
  int64_t total = 0;
  for (const auto& path : paths) {
    inputs.push_back(read_mapped(path));
    const faiss::IndexIVF* ivf = ivf_of(inputs.back().get(), path);
    if (inputs.size() > 1) {
      check_compatible(*ivf_of(inputs.front().get(), paths.front()), *ivf, paths.front(), path);
    }
    lists.push_back(ivf->invlists);
    total += inputs.back()->ntotal;
  }

  CombineResult result;
  result.populated_index = (fs::path(output_folder) / "populated.index").string();
  result.ivfdata = (fs::path(output_folder) / "merged_index.ivfdata").string();
  result.inputs = static_cast<int>(paths.size());
  result.vectors = total;
  // Declared before the index that maps the data file, so they outlive it; removed on failure.
  core::AtomicFile ivfdata_file(result.ivfdata);
  core::AtomicFile index_file(result.populated_index);
  {
    IndexPtr merged = read_mapped(paths.front());
    faiss::IndexIVF* ivf = ivf_of(merged.get(), paths.front());
    run_faiss("merging inverted lists on disk", [&] {
      // OnDiskInvertedLists printf()s "creating file" / "resizing" on every growth of the file.
      const StdoutDiverted quiet_faiss;
      auto ondisk = std::make_unique<faiss::OnDiskInvertedLists>(ivf->nlist, ivf->code_size,
                                                                 ivfdata_file.path().c_str());
      ondisk->merge_from(lists.data(), static_cast<int>(lists.size()), /*verbose=*/false);
      // The populated index names the final data file, found next to it on reading.
      ondisk->filename = result.ivfdata;
      ivf->replace_invlists(ondisk.release(), /*own=*/true);
      ivf->ntotal = total;
      merged->ntotal = total;
    });
    write_index_file(*merged, index_file.path());
  }
  inputs.clear();
  // The data file first: a populated index that exists always finds its data.
  ivfdata_file.commit();
  index_file.commit();
  CLIPRET_LOG_INFO("merged %d indices (%lld vectors) into %s", result.inputs,
                   static_cast<long long>(total), result.populated_index.c_str());
  return result;
}

}  // namespace clipret::index
