// back/metadata_json.h: the /metadata answer written straight from a store's cells.
//
// /metadata is asked for up to millions of ids at once (the front's "load more", notebooks);
// building a JSON tree per row costs more than reading the rows, so this writer streams the
// store's lent cells (MetadataStore::for_each_row) into the response text.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace clipret::metadata {
class MetadataStore;
}

namespace clipret::back {

// Appends `text` to `out` as a JSON string literal (quotes included). Invalid UTF-8 bytes become
// U+FFFD, as the other JSON writers here do.
void append_json_string(std::string_view text, std::string& out);

// [{"id": id, "metadata": {col: value, ..., "image"?: base64}}, ...] in request order; an id
// outside the table gets "metadata": {}. `image` is added, as in /knn-service, when the row's
// image_path names a local file.
std::string metadata_answer_json(std::span<const int64_t> ids,
                                 const metadata::MetadataStore& store);

}  // namespace clipret::back
