// open_metadata (metadata_store.h): picks, builds where needed, and opens the store an index
// folder's options ask for (spec §3.8).
#include <filesystem>
#include <string>
#include <vector>

#include <faiss/Index.h>

#include "core/error.h"
#include "core/log.h"
#include "metadata/in_memory_store.h"
#include "metadata/ivf_id_mapping.h"
#include "metadata/metadata_source.h"
#include "metadata/metadata_store.h"
#include "metadata/sqlite_layout.h"
#include "metadata/sqlite_store.h"

namespace clipret::metadata {

namespace {

std::string in_folder(const std::string& folder, const char* name) {
  return (std::filesystem::path(folder) / name).string();
}

std::unique_ptr<IvfIdMapping> open_ivf_mapping(const MetadataOptions& options,
                                               const faiss::Index* image_index) {
  CLIPRET_CHECK(image_index != nullptr, InvalidInput,
                "%s: reorder_metadata_by_ivf_index needs the image index (image.index), which "
                "this folder lacks",
                options.indice_folder.c_str());
  const std::string path = in_folder(options.indice_folder, "ivf_old_to_new_mapping.npy");
  const std::string stale = ivf_mapping_staleness(*image_index, path);
  if (!stale.empty()) {
    CLIPRET_LOG_INFO("metadata: building %s (%s)", path.c_str(), stale.c_str());
    build_ivf_mapping(*image_index, path);
  }
  return IvfIdMapping::open(path);
}

std::unique_ptr<MetadataStore> open_sqlite(const MetadataOptions& options,
                                           const IvfIdMapping* mapping) {
  const std::string db_path = in_folder(
      options.indice_folder, mapping != nullptr ? "metadata_reordered.sqlite" : "metadata.sqlite");
  std::vector<SourceFile> sources;
  try {
    sources = list_metadata_files(options.indice_folder);
  } catch (const Error& error) {
    // A folder shipped with its store but without the Parquet files, as the original's hdf5
    // allows: serve the store as it is.
    std::error_code ignored;
    if (error.kind() != ErrorKind::kNotFound || !std::filesystem::exists(db_path, ignored)) throw;
    CLIPRET_LOG_WARN("%s; serving %s as it is", error.what(), db_path.c_str());
    return SqliteStore::open(db_path, options.columns_to_return);
  }
  if (mapping != nullptr) {
    sources.push_back(
        stat_source_file(in_folder(options.indice_folder, "ivf_old_to_new_mapping.npy")));
  }
  const std::string stale = sqlite_store_staleness(db_path, sources, options.columns_to_return);
  if (!stale.empty()) {
    CLIPRET_LOG_INFO("metadata: building %s (%s)", db_path.c_str(), stale.c_str());
    const MetadataSource source = MetadataSource::scan(options.indice_folder);
    SqliteBuildRequest request;
    request.db_path = db_path;
    request.stored_columns = source.served_columns(options.columns_to_return);
    request.sources = source.files();
    if (mapping != nullptr) request.sources.push_back(sources.back());
    request.reorder = mapping;
    build_sqlite_store(source, request);
  }
  return SqliteStore::open(db_path, options.columns_to_return);
}

}  // namespace

OpenedMetadata open_metadata(const MetadataOptions& options, const faiss::Index* image_index) {
  CLIPRET_CHECK(!options.indice_folder.empty(), InvalidInput, "metadata: no indice_folder given");
  OpenedMetadata opened;
  if (!options.enable_hdf5) {
    // As the original (spec §3.8): reordering needs the on-disk store, and without it the option
    // is ignored; ids stay the Parquet row numbers, consistently.
    if (options.reorder_metadata_by_ivf_index) {
      CLIPRET_LOG_WARN(
          "%s: reorder_metadata_by_ivf_index needs enable_hdf5; serving metadata in file order",
          options.indice_folder.c_str());
    }
    const MetadataSource source = MetadataSource::scan(options.indice_folder);
    opened.store = InMemoryStore::load(source, options.columns_to_return);
    return opened;
  }
  std::unique_ptr<IvfIdMapping> mapping;
  if (options.reorder_metadata_by_ivf_index) mapping = open_ivf_mapping(options, image_index);
  opened.store = open_sqlite(options, mapping.get());
  opened.mapping = std::move(mapping);
  return opened;
}

}  // namespace clipret::metadata
