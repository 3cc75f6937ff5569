// search/knn_service.h: the query path of /knn-service and /metadata over the loaded indices
// (spec §3.6). HTTP-free: back/ parses requests into KnnQuery and writes KnnResults as JSON,
// and tests call it directly.
//
// Errors are clipret::Error: kInvalidInput for the client's mistakes (no query input, a modality
// whose index is missing, a wrong embedding size, an undecodable image, a refused image_url),
// kNotFound for an unknown index name; the HTTP layer turns them into 400 / 404.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "search/knn_query.h"
#include "search/url_fetcher.h"

namespace clipret::search {

class QueryEmbedder;
class MclipEmbedder;
struct SearchIndex;

// The models that embed queries, shared by the indices that use them.
struct QueryModels {
  QueryModels();
  ~QueryModels();
  QueryModels(QueryModels&&) noexcept;
  QueryModels& operator=(QueryModels&&) noexcept;

  std::vector<std::unique_ptr<QueryEmbedder>> clip;
  std::vector<std::unique_ptr<MclipEmbedder>> mclip;
};

// Bounds on what one query may ask for (back's --max_num_result_ids).
struct QueryLimits {
  // k of the knn search at most (each result's vector is reconstructed: k x dim floats, so
  // 10M x 768 floats is 30 GB: lower it on a small server).
  int64_t max_num_result_ids = 10'000'000;
};

class KnnService {
 public:
  // `indices` in the order of indices_paths.json (the first is the default); their `embedder`
  // and `mclip` pointers point into `models`. faiss calls run with the OpenMP count the command
  // configured (core/compute_threads.h), applied on each calling thread.
  KnnService(QueryModels models, std::vector<SearchIndex> indices, UrlFetchOptions fetch_options,
             QueryLimits limits = {});
  ~KnnService();
  KnnService(const KnnService&) = delete;
  KnnService& operator=(const KnnService&) = delete;

  std::vector<std::string> index_names() const;
  // One description per index, in index_names() order.
  std::vector<IndexDescription> describe_indices() const;
  // The index named `name` (null: the first). Throws Error(kNotFound) for an unknown name.
  const SearchIndex& index(const std::optional<std::string>& name) const;

  // The whole pipeline of spec §3.6. Thread-safe. Fills `timings` (may be null).
  std::vector<KnnResult> query(const KnnQuery& query, QueryTimings* timings) const;

  // The query vector alone (step 1 and 2): exposed for filter and tests.
  std::vector<float> query_vector(const KnnQuery& query, const SearchIndex& index,
                                  QueryTimings* timings) const;

 private:
  QueryModels models_;
  std::vector<SearchIndex> indices_;
  UrlFetchOptions fetch_options_;
  QueryLimits limits_;
};

// The `image` of a result (spec §3.6 step 6): base64 of the file's bytes when `image_path` names
// a readable local file (of at most 32 MiB), else std::nullopt.
std::optional<std::string> local_image_base64(std::string_view image_path);

// Adds "image" (local_image_base64) after the row's fields when the row has a string
// `image_path`.
void attach_local_image(metadata::MetadataRow& row);

}  // namespace clipret::search
