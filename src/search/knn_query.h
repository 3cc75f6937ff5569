// search/knn_query.h: one /knn-service request and its results, independent of HTTP and JSON
// (spec §3.5, §3.6).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "metadata/metadata_store.h"

namespace clipret::search {

// Which index a query searches: image.index or text.index.
enum class Modality { kImage, kText };

// One weighted input of a combined query (new: the request's `query_terms`).
struct QueryTerm {
  enum class Kind { kText, kImage, kImageUrl, kEmbedding };
  Kind kind = Kind::kText;
  std::string value;             // the text, the image bytes (base64-decoded) or the url
  std::vector<float> embedding;  // kEmbedding: used as given
  float weight = 1.0f;
};

// Most terms one combined query may hold (each image term is a model call).
constexpr size_t kMaxQueryTerms = 16;

struct KnnQuery {
  // Query inputs; precedence: non-empty text > image > image_url > embedding_input.
  std::optional<std::string> text;
  std::optional<std::string> image;  // the encoded image bytes (already base64-decoded)
  std::optional<std::string> image_url;
  std::optional<std::vector<float>> embedding_input;  // used as given (not normalised)
  // New: when not empty, the query vector is the weighted sum of the terms' vectors (text and
  // image embeddings L2-normalised, embedding_input as given), L2-normalised; the four inputs
  // above are then absent.
  std::vector<QueryTerm> terms;

  Modality modality = Modality::kImage;
  int64_t num_images = 0;                  // leading results that get metadata
  int64_t num_result_ids = 0;              // k of the knn search
  std::optional<std::string> indice_name;  // null: the first index

  bool use_mclip = false;
  bool deduplicate = false;
  bool use_safety_model = false;
  bool use_violence_detector = false;
  std::optional<int64_t> aesthetic_score;  // 0..9
  std::optional<double> aesthetic_weight;
  bool return_embeddings = false;  // new: each result carries its (normalised) vector
};

struct KnnResult {
  int64_t id = 0;                                 // metadata id (after IVF reordering when on)
  float similarity = 0;                           // the raw faiss score (inner product)
  std::optional<metadata::MetadataRow> metadata;  // the first num_images results only
  std::vector<float> embedding;                   // when return_embeddings
};

// What one loaded index serves (new: /indices-info), so a client can offer only what works.
struct IndexDescription {
  std::string name;
  std::string clip_model;  // the configured name; a folder is reduced to its last component
  int64_t dimension = 0;
  std::optional<int64_t> image_vectors;  // absent: no image.index (modality image unavailable)
  std::optional<int64_t> text_vectors;   // absent: no text.index
  std::vector<std::string> metadata_columns;
  int64_t metadata_rows = 0;
  bool safety_model = false;          // use_safety_model has an effect
  bool violence_detector = false;     // use_violence_detector has an effect
  bool aesthetic_embeddings = false;  // aesthetic_score has an effect
  bool mclip = false;                 // use_mclip is accepted
};

// Seconds per step of one request; absent steps did not run (the metrics' sub-histograms).
struct QueryTimings {
  std::optional<double> download;
  std::optional<double> text_prepro;
  std::optional<double> text_inference;
  std::optional<double> image_prepro;
  std::optional<double> image_inference;
  std::optional<double> knn;
  std::optional<double> dedup;
  std::optional<double> safety;
  std::optional<double> metadata;
};

}  // namespace clipret::search
