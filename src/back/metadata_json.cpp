#include "back/metadata_json.h"

#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <variant>

#include "back/metrics.h"
#include "core/utf8_validate.h"
#include "metadata/metadata_store.h"
#include "search/knn_service.h"

namespace clipret::back {
namespace {

constexpr char kHex[] = "0123456789abcdef";

void append_cell(const metadata::MetadataCell& cell, std::string& out) {
  if (const auto* s = std::get_if<std::string_view>(&cell)) {
    append_json_string(*s, out);
  } else if (const auto* i = std::get_if<int64_t>(&cell)) {
    out += std::to_string(*i);
  } else if (const auto* d = std::get_if<double>(&cell)) {
    out += std::isfinite(*d) ? python_float(*d) : "null";  // JSON has no NaN
  } else if (const auto* b = std::get_if<bool>(&cell)) {
    out += *b ? "true" : "false";
  } else {
    out += "null";
  }
}

}  // namespace

void append_json_string(std::string_view text, std::string& out) {
  if (!core::is_valid_utf8(text)) {
    out += nlohmann::json(std::string(text))
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  out += '"';
  size_t plain_start = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + plain_start, i - plain_start);
    plain_start = i + 1;
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        out += "\\u00";
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
  }
  out.append(text.data() + plain_start, text.size() - plain_start);
  out += '"';
}

std::string metadata_answer_json(std::span<const int64_t> ids,
                                 const metadata::MetadataStore& store) {
  const std::vector<std::string>& columns = store.columns();
  std::vector<std::string> keys;  // "\"name\":" prefixes, escaped once
  int image_path_column = -1;
  for (size_t c = 0; c < columns.size(); ++c) {
    std::string key;
    append_json_string(columns[c], key);
    keys.push_back(key + ":");
    if (columns[c] == "image_path") image_path_column = static_cast<int>(c);
  }
  std::string out = "[";
  out.reserve(ids.size() * 64);
  size_t next = 0;  // next request position to write
  const auto write_missing_until = [&](size_t end) {
    for (; next < end; ++next) {
      if (next > 0) out += ',';
      out += "{\"id\":" + std::to_string(ids[next]) + ",\"metadata\":{}}";
    }
  };
  store.for_each_row(ids, [&](size_t index, std::span<const metadata::MetadataCell> cells) {
    write_missing_until(index);
    if (index > 0) out += ',';
    out += "{\"id\":";
    out += std::to_string(ids[index]);
    out += ",\"metadata\":{";
    for (size_t c = 0; c < cells.size() && c < keys.size(); ++c) {
      if (c > 0) out += ',';
      out += keys[c];
      append_cell(cells[c], out);
    }
    if (image_path_column >= 0) {
      const auto* path =
          std::get_if<std::string_view>(&cells[static_cast<size_t>(image_path_column)]);
      if (path != nullptr && !path->empty()) {
        metadata::MetadataRow row{{{"image_path", std::string(*path)}}};
        search::attach_local_image(row);
        if (row.fields.size() > 1) {
          out += ",\"image\":";
          append_json_string(std::get<std::string>(row.fields[1].second), out);
        }
      }
    }
    out += "}}";
    next = index + 1;
  });
  write_missing_until(ids.size());
  out += ']';
  return out;
}

}  // namespace clipret::back
