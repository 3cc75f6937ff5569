#include "back/metadata_json.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
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

// "image": base64 of the file when the row's image_path names a local file (spec §3.6 step 6).
void append_local_image(const metadata::MetadataCell& image_path, std::string& out) {
  const auto* path = std::get_if<std::string_view>(&image_path);
  if (path == nullptr || path->empty()) return;
  metadata::MetadataRow row{{{"image_path", std::string(*path)}}};
  search::attach_local_image(row);
  if (row.fields.size() > 1) {
    out += ",\"image\":";
    append_json_string(std::get<std::string>(row.fields[1].second), out);
  }
}

// Bytes that need a look: control characters, '"', '\\' and non-ASCII. Eight bytes at a time
// (SWAR): most metadata is plain ASCII and is then copied in one piece.
bool needs_care(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  const auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  const uint64_t below_space = (w - 0x2020202020202020ULL) & ~w & kHigh;
  return ((w & kHigh) | below_space | has_zero(w ^ 0x2222222222222222ULL) |
          has_zero(w ^ 0x5C5C5C5C5C5C5C5CULL)) != 0;
}

size_t first_plain_run(std::string_view text) {
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    if (needs_care(w)) break;
  }
  for (; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
  }
  return i;
}

}  // namespace

void append_json_string(std::string_view text, std::string& out) {
  const size_t plain = first_plain_run(text);
  if (plain == text.size()) {
    out += '"';
    out += text;
    out += '"';
    return;
  }
  bool ascii = true;
  for (size_t i = plain; i < text.size(); ++i) ascii &= static_cast<unsigned char>(text[i]) < 0x80;
  if (!ascii && !core::is_valid_utf8(text)) {
    out += nlohmann::json(std::string(text))
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return;
  }
  out += '"';
  size_t plain_start = 0;
  for (size_t i = plain; i < text.size(); ++i) {
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

namespace {

void append_id(int64_t id, std::string& out) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof(buffer), id);
  out.append(buffer, result.ptr);
}

}  // namespace

bool write_metadata_answer(std::span<const int64_t> ids, const metadata::MetadataStore& store,
                           const std::function<bool(std::string_view piece)>& sink,
                           size_t slice_ids) {
  const std::vector<std::string>& columns = store.columns();
  std::vector<std::string> keys;  // ",\"name\":" prefixes, escaped once
  int image_path_column = -1;
  for (size_t c = 0; c < columns.size(); ++c) {
    std::string key = c == 0 ? "" : ",";
    append_json_string(columns[c], key);
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
    store.for_each_row(ids.subspan(begin, end - begin),
                       [&](size_t offset, std::span<const metadata::MetadataCell> cells) {
                         const size_t index = begin + offset;
                         write_missing_until(index);
                         open_row(index);
                         for (size_t c = 0; c < cells.size() && c < keys.size(); ++c) {
                           out += keys[c];
                           append_cell(cells[c], out);
                         }
                         if (image_path_column >= 0) {
                           append_local_image(cells[static_cast<size_t>(image_path_column)], out);
                         }
                         out += "}}";
                         next = index + 1;
                       });
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

std::string metadata_answer_json(std::span<const int64_t> ids,
                                 const metadata::MetadataStore& store) {
  std::string answer;
  write_metadata_answer(ids, store, [&](std::string_view piece) {
    answer += piece;
    return true;
  });
  return answer;
}

}  // namespace clipret::back
