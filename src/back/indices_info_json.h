// back/indices_info_json.h: the answer of /indices-info (new), what each index serves.
#pragma once

#include <string>
#include <vector>

#include "search/knn_query.h"

namespace clipret::back {

// [{"name", "modalities": ["image"?, "text"?], "vectors": {"image"?: n, "text"?: n},
//   "dimension", "clip_model", "metadata_columns", "metadata_rows",
//   "filters": {"use_safety_model", "use_violence_detector", "aesthetic", "use_mclip"}}, ...]
// Each filter flag is true when the request field of that name has an effect on this index.
std::string indices_info_json(const std::vector<search::IndexDescription>& indices);

}  // namespace clipret::back
