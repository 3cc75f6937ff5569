#include "back/metadata_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <variant>

#include "core/json_text.h"
#include "metadata/metadata_store.h"
#include "search/knn_service.h"

namespace clipret::back {
namespace {

void append_cell(const metadata::MetadataCell& cell, std::string& out) {
  if (const auto* s = std::get_if<std::string_view>(&cell)) {
    core::append_json_string(*s, out);
  } else if (const auto* i = std::get_if<int64_t>(&cell)) {
    out += std::to_string(*i);
  } else if (const auto* d = std::get_if<double>(&cell)) {
    if (std::isfinite(*d)) {
      core::append_python_float(*d, out);
    } else {
      out += "null";  // JSON has no NaN
    }
  } else if (const auto* b = std::get_if<bool>(&cell)) {
    out += *b ? "true" : "false";
  } else {
    out += "null";
  }
}

// "image": base64 of the file when the row's image_path names a local file (spec §3.6 step 6).
void append_local_image(const metadata::MetadataCell& image_path, std::string& out) {
  const auto* path = std::get_if<std::string_view>(&image_path);
  if (path == nullptr) return;
  if (const std::optional<std::string> image = search::local_image_base64(*path)) {
    out += ",\"image\":";
    core::append_json_string(*image, out);
  }
}

}  // namespace

namespace {

void append_id(int64_t id, std::string& out) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), id);
  out.append(buffer, result.ptr);
}

}  // namespace

bool write_metadata_answer(std::span<const int64_t> ids, const metadata::MetadataStore* store,
                           const std::function<bool(std::string_view piece)>& sink,
                           size_t slice_ids) {
  static const std::vector<std::string> kNoColumns;
  const std::vector<std::string>& columns = store != nullptr ? store->columns() : kNoColumns;
  std::vector<std::string> keys;  // ",\"name\":" prefixes, escaped once
  int image_path_column = -1;
  for (size_t c = 0; c < columns.size(); ++c) {
    std::string key = c == 0 ? "" : ",";
    core::append_json_string(columns[c], key);
    keys.push_back(key + ":");
    if (columns[c] == "image_path") image_path_column = static_cast<int>(c);
  }
  slice_ids = std::max<size_t>(1, slice_ids);
  std::string out = "[";
  size_t next = 0;  // next request position to write
  const auto open_row = [&](size_t index) {
    if (index > 0) out += ',';
    out += "{\"id\":";
    append_id(ids[index], out);
    out += ",\"metadata\":{";
  };
  const auto write_missing_until = [&](size_t end) {
    for (; next < end; ++next) {
      open_row(next);
      out += "}}";
    }
  };
  for (size_t begin = 0; begin < ids.size(); begin += slice_ids) {
    const size_t end = std::min(ids.size(), begin + slice_ids);
    if (store != nullptr) {
      store->for_each_row(ids.subspan(begin, end - begin),
                          [&](size_t offset, std::span<const metadata::MetadataCell> cells) {
                            const size_t index = begin + offset;
                            write_missing_until(index);
                            open_row(index);
                            for (size_t c = 0; c < cells.size() && c < keys.size(); ++c) {
                              out += keys[c];
                              append_cell(cells[c], out);
                            }
                            if (image_path_column >= 0) {
                              append_local_image(cells[static_cast<size_t>(image_path_column)],
                                                 out);
                            }
                            out += "}}";
                            next = index + 1;
                          });
    }
    write_missing_until(end);
    if (end == ids.size()) out += ']';
    if (!sink(out)) return false;
    out.clear();
  }
  if (ids.empty()) {
    out += ']';
    return sink(out);
  }
  return true;
}

}  // namespace clipret::back
