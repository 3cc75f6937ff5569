// back/metadata_json.h: the /metadata answer written straight from a store's cells.
//
// /metadata is asked for up to millions of ids at once (the front's "load more", notebooks);
// building a JSON tree per row costs more than reading the rows, so this writer streams the
// store's lent cells (MetadataStore::for_each_row) into the response text, a slice of ids at a
// time, so a 100 MB answer never sits in memory whole.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace clipret::metadata {
class MetadataStore;
}

namespace clipret::back {

// Writes [{"id": id, "metadata": {col: value, ..., "image"?: base64}}, ...] in request order to
// `sink`, in pieces of about `slice_ids` rows; an id outside the table, or any id when `store` is
// null (an index without metadata), gets "metadata": {}. `image` is added, as in /knn-service,
// when the row's image_path names a local file. Returns false when `sink` returned false (the
// client went away). The one writer of /metadata answers, small or streamed.
bool write_metadata_answer(std::span<const int64_t> ids, const metadata::MetadataStore* store,
                           const std::function<bool(std::string_view piece)>& sink,
                           size_t slice_ids = 16384);

}  // namespace clipret::back
