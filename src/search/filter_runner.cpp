#include "search/filter_runner.h"

#include <faiss/Index.h>
#include <faiss/impl/AuxIndexStructures.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>

#include "core/error.h"
#include "core/log.h"
#include "hub/clip_loader.h"
#include "metadata/metadata_store.h"
#include "search/index_loader.h"
#include "search/query_embedder.h"

namespace clipret::search {
namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string two_decimals(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.2f", v);
  return buffer;
}

const std::string* string_field(const metadata::MetadataRow& row, const std::string& name) {
  for (const auto& [field, value] : row.fields) {
    if (field == name) return std::get_if<std::string>(&value);
  }
  return nullptr;
}

}  // namespace

bool is_image_query(const std::string& query) {
  const std::string ext = lower(std::filesystem::path(query).extension().string());
  if (ext != ".png" && ext != ".jpg" && ext != ".jpeg" && ext != ".bmp") return false;
  std::error_code ec;
  return std::filesystem::is_regular_file(query, ec);
}

int64_t run_filter(const FilterOptions& options, const FilterEnvironment& environment,
                   std::ostream& out) {
  namespace fs = std::filesystem;
  CLIPRET_CHECK(options.threshold || options.num_results > 0, InvalidInput,
                "num_results must be positive, got %lld",
                static_cast<long long>(options.num_results));
  const std::string index_path = (fs::path(options.indice_folder) / "image.index").string();
  const index::IndexPtr index = load_index(index_path, false);
  CLIPRET_CHECK(index != nullptr, NotFound, "%s: no image.index in the index folder",
                index_path.c_str());

  metadata::MetadataOptions metadata_options;
  metadata_options.indice_folder = options.indice_folder;
  metadata_options.columns_to_return = {"image_path", "url"};
  metadata::OpenedMetadata metadata = metadata::open_metadata(metadata_options, nullptr);
  const auto& columns = metadata.store->columns();
  CLIPRET_CHECK(std::find(columns.begin(), columns.end(), "image_path") != columns.end(),
                InvalidInput, "%s/metadata: the Parquet files have no image_path column",
                options.indice_folder.c_str());
  const bool has_url = std::find(columns.begin(), columns.end(), "url") != columns.end();

  QueryEmbedder embedder(std::make_unique<hub::LoadedClip>(
      hub::load_clip(options.clip_model, environment.hub, environment.model)));
  CLIPRET_CHECK(embedder.dim() == index->d, InvalidInput,
                "%s holds vectors of %d values but %s embeds %lld", index_path.c_str(), index->d,
                options.clip_model.c_str(), static_cast<long long>(embedder.dim()));
  std::vector<float> query;
  if (is_image_query(options.query)) {
    std::ifstream in(options.query, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string error;
    std::optional<std::vector<float>> embedded = embedder.embed_image(bytes, &error, nullptr);
    CLIPRET_CHECK(embedded.has_value(), Corrupt, "%s: cannot decode the query image: %s",
                  options.query.c_str(), error.c_str());
    query = std::move(*embedded);
  } else {
    query = embedder.embed_text(options.query, nullptr);
  }

  std::vector<int64_t> ids;
  std::vector<float> scores;
  if (options.threshold) {
    faiss::RangeSearchResult range(1);
    index->range_search(1, query.data(), static_cast<float>(*options.threshold), &range);
    for (size_t j = range.lims[0]; j < range.lims[1]; ++j) {
      ids.push_back(range.labels[j]);
      scores.push_back(range.distances[j]);
    }
    out << "Found " << ids.size() << " items with query '" << options.query << "' and threshold "
        << *options.threshold << "\n";
  } else {
    std::vector<faiss::Index::idx_t> labels(static_cast<size_t>(options.num_results));
    std::vector<float> distances(labels.size());
    index->search(1, query.data(), options.num_results, distances.data(), labels.data());
    for (size_t j = 0; j < labels.size() && labels[j] != -1; ++j) {
      ids.push_back(labels[j]);
      scores.push_back(distances[j]);
    }
    out << "Found " << ids.size() << " items with query '" << options.query << "'\n";
  }
  if (ids.empty()) {
    out << "Nothing matched: try a lower --threshold or a larger --num_results\n";
  } else {
    const auto [min_it, max_it] = std::minmax_element(scores.begin(), scores.end());
    out << "The minimum distance is " << two_decimals(*min_it) << " and the maximum is "
        << two_decimals(*max_it) << "\n"
        << "You may want to adjust the number of results with --num_results or the threshold "
           "with --threshold\n";
  }

  fs::create_directories(options.output_folder);
  const std::vector<std::optional<metadata::MetadataRow>> rows = metadata.store->get(ids);
  int64_t copied = 0;
  for (const auto& row : rows) {
    if (!row) continue;
    const std::string* image_path = string_field(*row, "image_path");
    std::error_code ec;
    if (image_path != nullptr && fs::is_regular_file(*image_path, ec)) {
      const fs::path target = fs::path(options.output_folder) / fs::path(*image_path).filename();
      fs::copy_file(*image_path, target, fs::copy_options::overwrite_existing, ec);
      if (ec) {
        CLIPRET_LOG_WARN("cannot copy %s to %s: %s", image_path->c_str(), target.c_str(),
                         ec.message().c_str());
      } else {
        ++copied;
      }
    }
    if (has_url) {
      const std::string* url = string_field(*row, "url");
      if (url != nullptr) out << *url << "\n";
    }
  }
  CLIPRET_LOG_INFO("copied %lld images into %s", static_cast<long long>(copied),
                   options.output_folder.c_str());
  return static_cast<int64_t>(ids.size());
}

}  // namespace clipret::search
