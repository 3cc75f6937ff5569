#include "index/index_combiner_runner.h"

#include <faiss/IndexIVF.h>
#include <faiss/invlists/OnDiskInvertedLists.h>

#include <algorithm>
#include <filesystem>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/log.h"
#include "index/index_merge.h"
#include "index/stdout_diverted.h"

namespace clipret::index {

namespace fs = std::filesystem;

CombineResult run_index_combiner(const std::string& input_folder,
                                 const std::string& output_folder) {
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
    inputs.push_back(read_index_file(path, IndexStorage::kMapped));
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
    IndexPtr merged = read_index_file(paths.front(), IndexStorage::kMapped);
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
