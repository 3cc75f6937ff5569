#include "search/knn_service.h"

#include <faiss/Index.h>
#include <faiss/IndexIVF.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <unordered_set>

#include "core/compute_threads.h"
#include "core/error.h"
#include "core/l2_normalize.h"
#include "core/stopwatch.h"
#include "search/base64.h"
#include "search/mclip_embedder.h"
#include "search/post_filters.h"
#include "search/query_embedder.h"
#include "search/search_index.h"

namespace clipret::search {
namespace {

using Clock = std::chrono::steady_clock;

// A local `image` larger than this is not inlined into JSON (a guard, not an original rule).
constexpr uintmax_t kMaxInlineImageBytes = uintmax_t{32} << 20;

}  // namespace

std::optional<std::string> local_image_base64(std::string_view image_path) {
  if (image_path.empty()) return std::nullopt;
  const std::filesystem::path path(image_path);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) return std::nullopt;
  const uintmax_t size = std::filesystem::file_size(path, ec);
  if (ec || size > kMaxInlineImageBytes) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return base64_encode(bytes);
}

void attach_local_image(metadata::MetadataRow& row) {
  for (const auto& [name, value] : row.fields) {
    if (name != "image_path") continue;
    const auto* path = std::get_if<std::string>(&value);
    if (path == nullptr) return;
    if (std::optional<std::string> image = local_image_base64(*path)) {
      row.fields.emplace_back("image", std::move(*image));
    }
    return;
  }
}

QueryModels::QueryModels() = default;
QueryModels::~QueryModels() = default;
QueryModels::QueryModels(QueryModels&&) noexcept = default;
QueryModels& QueryModels::operator=(QueryModels&&) noexcept = default;

KnnService::KnnService(QueryModels models, std::vector<SearchIndex> indices,
                       UrlFetchOptions fetch_options, QueryLimits limits)
    : models_(std::move(models)),
      indices_(std::move(indices)),
      fetch_options_(fetch_options),
      limits_(limits) {
  CLIPRET_CHECK(!indices_.empty(), InvalidInput, "no index to serve (indices_paths is empty)");
}

KnnService::~KnnService() = default;

std::vector<std::string> KnnService::index_names() const {
  std::vector<std::string> names;
  for (const SearchIndex& index : indices_) names.push_back(index.name);
  return names;
}

std::vector<IndexDescription> KnnService::describe_indices() const {
  std::vector<IndexDescription> descriptions;
  for (const SearchIndex& index : indices_) {
    IndexDescription d;
    d.name = index.name;
    // A model folder's path says where the server's files are: only its last component is shown.
    const bool is_path = !index.clip_model.empty() &&
                         (index.clip_model.front() == '/' || index.clip_model.front() == '.');
    d.clip_model =
        is_path ? std::filesystem::path(index.clip_model).lexically_normal().filename().string()
                : index.clip_model;
    if (d.clip_model.empty() && is_path) {
      d.clip_model = std::filesystem::path(index.clip_model).parent_path().filename().string();
    }
    if (index.image_index) {
      d.image_vectors = index.image_index->ntotal;
      d.dimension = index.image_index->d;
    }
    if (index.text_index) {
      d.text_vectors = index.text_index->ntotal;
      d.dimension = index.text_index->d;
    }
    if (index.metadata) {
      d.metadata_columns = index.metadata->columns();
      d.metadata_rows = index.metadata->num_rows();
    }
    d.safety_model = index.safety.has_value();
    d.violence_detector = index.violence.has_value();
    d.aesthetic_embeddings = index.aesthetic.has_value();
    d.mclip = index.mclip != nullptr;
    descriptions.push_back(std::move(d));
  }
  return descriptions;
}

const SearchIndex& KnnService::index(const std::optional<std::string>& name) const {
  if (!name) return indices_.front();
  for (const SearchIndex& index : indices_) {
    if (index.name == *name) return index;
  }
  CLIPRET_THROW(NotFound, "unknown indice_name '%s'", name->c_str());
}

namespace {

// One query input, whether a single-input request's field or a term of `query_terms`.
struct QueryInput {
  QueryTerm::Kind kind;
  const std::string* value = nullptr;             // text, image bytes or url
  const std::vector<float>* embedding = nullptr;  // kEmbedding
  std::string name;                               // in errors: "image", "query_terms[2]"
};

void add_seconds(std::optional<double>& slot, std::optional<double> seconds) {
  if (seconds) slot = slot.value_or(0.0) + *seconds;
}

// The vector of one input: text and image embeddings are L2-normalised by the embedder, an
// embedding_input is used as given. Timings add up over the terms of a combined query.
std::vector<float> input_vector(const QueryInput& input, bool use_mclip, const SearchIndex& index,
                                const UrlFetchOptions& fetch_options, QueryTimings* timings) {
  using Kind = QueryTerm::Kind;
  if (input.kind == Kind::kEmbedding) return *input.embedding;
  if (input.kind == Kind::kText) {
    CLIPRET_CHECK(!use_mclip || index.mclip != nullptr, InvalidInput,
                  "use_mclip: index '%s' has no multilingual text model (%s); send use_mclip=false",
                  index.name.c_str(), index.mclip_unavailable.c_str());
    CLIPRET_CHECK(use_mclip || index.embedder != nullptr, InvalidInput,
                  "index '%s' has no CLIP model to embed text", index.name.c_str());
    EmbedTimings t;
    std::vector<float> vector = use_mclip ? index.mclip->embed_text(*input.value, &t)
                                          : index.embedder->embed_text(*input.value, &t);
    if (timings != nullptr) {
      add_seconds(timings->text_prepro, t.prepro);
      add_seconds(timings->text_inference, t.inference);
    }
    return vector;
  }
  CLIPRET_CHECK(index.embedder != nullptr, InvalidInput,
                "index '%s' has no CLIP model to embed images", index.name.c_str());
  std::string fetched;
  const std::string* bytes = input.value;
  if (input.kind == Kind::kImageUrl) {
    const auto start = Clock::now();
    UrlFetchResult result = fetch_url(*input.value, fetch_options);
    if (timings != nullptr) add_seconds(timings->download, core::seconds_since(start));
    CLIPRET_CHECK(result.ok(), InvalidInput, "%s%s",
                  input.name == "image_url" ? "" : (input.name + ": ").c_str(),
                  result.error.c_str());
    fetched = std::move(result.body);
    bytes = &fetched;
  }
  std::string error;
  EmbedTimings t;
  std::optional<std::vector<float>> embedded = index.embedder->embed_image(*bytes, &error, &t);
  CLIPRET_CHECK(embedded.has_value(), InvalidInput, "%s: the image cannot be decoded: %s",
                input.name.c_str(), error.c_str());
  if (timings != nullptr) {
    add_seconds(timings->image_prepro, t.prepro);
    add_seconds(timings->image_inference, t.inference);
  }
  return std::move(*embedded);
}

// Σ weight × vector(term), L2-normalised. Terms must agree on the dimension, and must not
// cancel out (a zero vector matches nothing).
std::vector<float> combined_vector(const KnnQuery& query, const SearchIndex& index,
                                   const UrlFetchOptions& fetch_options, QueryTimings* timings) {
  CLIPRET_CHECK(query.terms.size() <= kMaxQueryTerms, InvalidInput,
                "query_terms holds %zu terms; at most %zu are allowed", query.terms.size(),
                kMaxQueryTerms);
  std::vector<float> sum;
  for (size_t i = 0; i < query.terms.size(); ++i) {
    const QueryTerm& term = query.terms[i];
    const std::vector<float> vector = input_vector(
        {term.kind, &term.value, &term.embedding, "query_terms[" + std::to_string(i) + "]"},
        query.use_mclip, index, fetch_options, timings);
    if (sum.empty()) sum.assign(vector.size(), 0.0f);
    CLIPRET_CHECK(vector.size() == sum.size(), InvalidInput,
                  "query_terms[%zu] has %zu values but query_terms[0] has %zu", i, vector.size(),
                  sum.size());
    for (size_t j = 0; j < sum.size(); ++j) sum[j] += term.weight * vector[j];
  }
  double norm = 0;
  for (const float x : sum) norm += static_cast<double>(x) * x;
  CLIPRET_CHECK(norm > 1e-12, InvalidInput,
                "query_terms cancel out: their weighted sum is the zero vector");
  core::l2_normalize_rows(sum.data(), 1, sum.size());
  return sum;
}

}  // namespace

std::vector<float> KnnService::query_vector(const KnnQuery& query, const SearchIndex& index,
                                            QueryTimings* timings) const {
  using Kind = QueryTerm::Kind;
  std::vector<float> vector;
  if (!query.terms.empty()) {
    vector = combined_vector(query, index, fetch_options_, timings);
  } else if (query.text && !query.text->empty()) {
    vector = input_vector({Kind::kText, &*query.text, nullptr, "text"}, query.use_mclip, index,
                          fetch_options_, timings);
  } else if (query.image) {
    vector = input_vector({Kind::kImage, &*query.image, nullptr, "image"}, false, index,
                          fetch_options_, timings);
  } else if (query.image_url) {
    vector = input_vector({Kind::kImageUrl, &*query.image_url, nullptr, "image_url"}, false, index,
                          fetch_options_, timings);
  } else if (query.embedding_input) {
    vector = *query.embedding_input;  // as given, not normalised (as the original)
  } else {
    CLIPRET_THROW(InvalidInput, "must fill one of text, image and image url input");
  }

  if (index.aesthetic && query.aesthetic_score) {
    const int64_t score = *query.aesthetic_score;
    CLIPRET_CHECK(score >= 0 && score <= 9, InvalidInput,
                  "aesthetic_score must be an integer from 0 to 9, got %lld",
                  static_cast<long long>(score));
    CLIPRET_CHECK(query.aesthetic_weight.has_value(), InvalidInput,
                  "aesthetic_weight must be given with aesthetic_score");
    const std::vector<float>& direction = index.aesthetic->ratings[static_cast<size_t>(score)];
    CLIPRET_CHECK(direction.size() == vector.size(), InvalidInput,
                  "aesthetic embeddings have dimension %zu but the query %zu", direction.size(),
                  vector.size());
    const auto weight = static_cast<float>(*query.aesthetic_weight);
    for (size_t j = 0; j < vector.size(); ++j) vector[j] += direction[j] * weight;
    core::l2_normalize_rows(vector.data(), 1, vector.size());
  }
  return vector;
}

namespace {

// What the knn search returned: ids (mapped to metadata ids), scores and the reconstructed
// vectors (found x dim), best first.
struct Neighbours {
  std::vector<int64_t> ids;
  std::vector<float> scores;
  std::vector<float> vectors;
  size_t dim = 0;
  size_t size() const { return ids.size(); }
};

const faiss::Index& searched_index(const SearchIndex& index, Modality modality) {
  const bool image = modality == Modality::kImage;
  const faiss::Index* found = image ? index.image_index.get() : index.text_index.get();
  CLIPRET_CHECK(found != nullptr, InvalidInput,
                "index '%s' has no %s (modality '%s' is not available)", index.name.c_str(),
                image ? "image.index" : "text.index", image ? "image" : "text");
  return *found;
}

void check_counts(const KnnQuery& query, const QueryLimits& limits) {
  CLIPRET_CHECK(query.num_images >= 0, InvalidInput, "num_images must be >= 0, got %lld",
                static_cast<long long>(query.num_images));
  CLIPRET_CHECK(query.num_result_ids >= 0 && query.num_result_ids <= limits.max_num_result_ids,
                InvalidInput,
                "num_result_ids must be from 0 to %lld (--max_num_result_ids), got %lld",
                static_cast<long long>(limits.max_num_result_ids),
                static_cast<long long>(query.num_result_ids));
}

// Step 3: the k nearest with their vectors. k beyond the index size only adds -1 ids.
Neighbours search_nearest(const faiss::Index& faiss_index, const SearchIndex& index,
                          const std::vector<float>& vector, int64_t k) {
  Neighbours n;
  n.dim = static_cast<size_t>(faiss_index.d);
  std::vector<float> distances(static_cast<size_t>(k));
  std::vector<faiss::Index::idx_t> labels(static_cast<size_t>(k));
  n.vectors.resize(static_cast<size_t>(k) * n.dim);
  // With reordered metadata, large k probes more lists (the original sets
  // nprobe = ceil(k / 3000)); per-call parameters leave the shared index untouched.
  faiss::SearchParametersIVF ivf_params;
  const faiss::SearchParameters* params = nullptr;
  if (const auto* ivf = dynamic_cast<const faiss::IndexIVF*>(&faiss_index);
      ivf != nullptr && index.mapping && k >= 100000) {
    ivf_params.nprobe = std::max<size_t>(ivf->nprobe, static_cast<size_t>((k + 2999) / 3000));
    params = &ivf_params;
  }
  faiss_index.search_and_reconstruct(1, vector.data(), k, distances.data(), labels.data(),
                                     n.vectors.data(), params);
  size_t found = 0;
  while (found < labels.size() && labels[found] != -1) ++found;
  n.ids.assign(labels.begin(), labels.begin() + static_cast<ptrdiff_t>(found));
  if (index.mapping) {
    for (int64_t& id : n.ids) id = index.mapping->map(id);
  }
  distances.resize(found);
  n.scores = std::move(distances);
  n.vectors.resize(found * n.dim);
  return n;
}

// Step 4: the post-filters on the normalised result vectors; 1 marks a dropped position.
std::vector<char> filtered_positions(const KnnQuery& query, const SearchIndex& index, Neighbours& n,
                                     QueryTimings* timings) {
  const size_t found = n.size();
  core::l2_normalize_rows(n.vectors.data(), found, n.dim);
  std::vector<char> dropped(found, 0);
  if (query.deduplicate) {
    const auto start = Clock::now();
    for (size_t p : duplicate_positions(n.vectors.data(), found, n.dim)) dropped[p] = 1;
    if (timings != nullptr) timings->dedup = core::seconds_since(start);
  }
  if (query.use_violence_detector && index.violence) {
    for (size_t p : violent_positions(n.vectors.data(), found, n.dim, *index.violence)) {
      dropped[p] = 1;
    }
  }
  if (query.use_safety_model && index.safety) {
    const auto start = Clock::now();
    CLIPRET_CHECK(index.safety->input_dim() == n.dim, InvalidInput,
                  "the safety model takes vectors of %zu values, the index holds %zu",
                  index.safety->input_dim(), n.dim);
    for (size_t p : index.safety->unsafe_positions(n.vectors.data(), found)) dropped[p] = 1;
    if (timings != nullptr) timings->safety = core::seconds_since(start);
  }
  return dropped;
}

// Step 5: survivors in rank order, each id once.
std::vector<KnnResult> surviving_results(const Neighbours& n, const std::vector<char>& dropped,
                                         bool with_embeddings) {
  std::vector<KnnResult> results;
  std::unordered_set<int64_t> seen;
  for (size_t p = 0; p < n.size(); ++p) {
    if (dropped[p] || !seen.insert(n.ids[p]).second) continue;
    KnnResult result;
    result.id = n.ids[p];
    result.similarity = n.scores[p];
    if (with_embeddings) {
      result.embedding.assign(n.vectors.begin() + static_cast<ptrdiff_t>(p * n.dim),
                              n.vectors.begin() + static_cast<ptrdiff_t>((p + 1) * n.dim));
    }
    results.push_back(std::move(result));
  }
  return results;
}

// Step 6: metadata (and the local image) of the first `count` results.
void attach_metadata(const metadata::MetadataStore& store, size_t count,
                     std::vector<KnnResult>& results) {
  std::vector<int64_t> wanted(count);
  for (size_t i = 0; i < count; ++i) wanted[i] = results[i].id;
  std::vector<std::optional<metadata::MetadataRow>> rows = store.get(wanted);
  for (size_t i = 0; i < count && i < rows.size(); ++i) {
    if (!rows[i]) continue;
    attach_local_image(*rows[i]);
    results[i].metadata = std::move(rows[i]);
  }
}

}  // namespace

std::vector<KnnResult> KnnService::query(const KnnQuery& query, QueryTimings* timings) const {
  // OpenMP's count is per thread: a request thread applies the command's on its first query.
  core::use_configured_openmp_threads();
  const SearchIndex& index = this->index(query.indice_name);
  const faiss::Index& faiss_index = searched_index(index, query.modality);
  check_counts(query, limits_);

  const std::vector<float> vector = query_vector(query, index, timings);
  CLIPRET_CHECK(vector.size() == static_cast<size_t>(faiss_index.d), InvalidInput,
                "the query vector has %zu values but index '%s' holds vectors of %d", vector.size(),
                index.name.c_str(), faiss_index.d);

  const int64_t k = std::min<int64_t>(query.num_result_ids, faiss_index.ntotal);
  if (k <= 0) return {};
  auto start = Clock::now();
  Neighbours neighbours = search_nearest(faiss_index, index, vector, k);
  if (timings != nullptr) timings->knn = core::seconds_since(start);
  if (neighbours.size() == 0) return {};

  const std::vector<char> dropped = filtered_positions(query, index, neighbours, timings);
  std::vector<KnnResult> results = surviving_results(neighbours, dropped, query.return_embeddings);

  const size_t with_metadata = std::min(results.size(), static_cast<size_t>(query.num_images));
  if (with_metadata > 0 && index.metadata) {
    start = Clock::now();
    attach_metadata(*index.metadata, with_metadata, results);
    if (timings != nullptr) timings->metadata = core::seconds_since(start);
  }
  return results;
}

}  // namespace clipret::search
