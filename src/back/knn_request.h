// back/knn_request.h: the JSON bodies of /knn-service and /metadata, and the JSON answers
// (spec §3.4-3.6). Parsing is strict where the original crashed (wrong types → 400) and keeps
// its defaults and precedence otherwise.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "metadata/metadata_store.h"
#include "search/knn_query.h"

namespace clipret::back {

// Throws Error(kInvalidInput) naming the field for malformed JSON, a missing required field
// (modality, num_images) or a value of the wrong type, and for undecodable base64 in `image`.
search::KnnQuery parse_knn_request(const std::string& body);

struct MetadataRequest {
  std::vector<int64_t> ids;
  std::optional<std::string> indice_name;
};
MetadataRequest parse_metadata_request(const std::string& body);

// [{<metadata columns>, "image"?, "id", "similarity", "embedding"?}, ...]
std::string knn_results_json(const std::vector<search::KnnResult>& results);
// {"error": message}
std::string error_json(const std::string& message);

}  // namespace clipret::back
