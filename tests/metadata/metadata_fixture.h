// tests/metadata/metadata_fixture.h: an index folder's metadata/ written from known values, and
// those values as the rows a store must return.
#pragma once

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "metadata/metadata_store.h"
#include "parquet/parquet_writer.h"

namespace clipret::metadata::testing {

// Every column of every file, in order of first appearance (file 1 adds "extra").
inline std::vector<std::string> all_fixture_columns() {
  return {"image_path", "caption", "url",   "NSFW", "width", "height",
          "similarity", "score",   "is_ok", "raw",  "extra"};
}

// Row `id`'s value of `column`, as a store serves it (NaN and missing columns as null).
inline MetadataValue fixture_value(int64_t id, const std::string& column, int file) {
  static const char* const kCaptions[] = {"a cat", "", "café ☕ 猫 🐈", "quote \" and \\ back",
                                          "line\nbreak"};
  if (column == "image_path") return "images/" + std::to_string(id) + ".jpg";
  if (column == "caption") {
    if (id % 6 == 5) return {};
    return std::string(kCaptions[id % 5]);
  }
  if (column == "url")
    return id % 9 == 4 ? MetadataValue{} : "https://example.com/" + std::to_string(id * 7);
  if (column == "NSFW") {
    if (id % 5 == 3) return {};
    return std::string(id % 2 == 0 ? "UNLIKELY" : "NSFW");
  }
  if (column == "width")
    return id % 7 == 2 ? MetadataValue{} : MetadataValue{int64_t{id * 1000003}};
  if (column == "height") return int64_t{-static_cast<int32_t>(id) * 3};
  if (column == "similarity") {
    if (id % 11 == 1 || id % 13 == 0) return {};  // NaN or null
    return 0.25 + static_cast<double>(id) / 3.0;
  }
  if (column == "score") return static_cast<double>(static_cast<float>(id) * 0.1f);
  if (column == "is_ok") {
    if (id % 4 == 3) return {};
    return id % 3 == 0;
  }
  if (column == "raw") return std::string("\0\xff", 2) + std::to_string(id);
  if (column == "extra")
    return file == 1 ? MetadataValue{"extra " + std::to_string(id)} : MetadataValue{};
  return {};
}

// Writes `rows_per_file[f]` rows into <folder>/metadata/metadata_<f>.parquet, row groups of
// `row_group_rows`. Returns the total.
inline int64_t write_fixture_metadata(const std::filesystem::path& folder,
                                      const std::vector<int64_t>& rows_per_file,
                                      size_t row_group_rows = 5) {
  using namespace clipret::parquet;  // NOLINT: test helper
  std::filesystem::create_directories(folder / "metadata");
  int64_t id = 0;
  for (size_t f = 0; f < rows_per_file.size(); ++f) {
    Schema schema = {{"image_path", string_type(), false}, {"caption", string_type(), true},
                     {"url", string_type(), true},         {"NSFW", string_type(), true},
                     {"width", int64_type(), true},        {"height", int32_type(), false},
                     {"similarity", double_type(), true},  {"score", float_type(), false},
                     {"is_ok", bool_type(), true},         {"raw", binary_type(), false}};
    if (f == 1) schema.push_back({"extra", string_type(), true});
    Table table(schema);
    for (int64_t r = 0; r < rows_per_file[f]; ++r, ++id) {
      for (size_t c = 0; c < schema.size(); ++c) {
        Column& column = table.column(c);
        const std::string& name = schema[c].name;
        const MetadataValue value = fixture_value(id, name, static_cast<int>(f));
        if (name == "similarity" && id % 11 == 1) {
          column.append_double(std::numeric_limits<double>::quiet_NaN());
        } else if (std::holds_alternative<std::monostate>(value)) {
          column.append_null();
        } else if (name == "height") {
          column.append_int32(static_cast<int32_t>(std::get<int64_t>(value)));
        } else if (name == "score") {
          column.append_float(static_cast<float>(id) * 0.1f);
        } else if (const auto* s = std::get_if<std::string>(&value)) {
          column.append_bytes(*s);
        } else if (const auto* i = std::get_if<int64_t>(&value)) {
          column.append_int64(*i);
        } else if (const auto* d = std::get_if<double>(&value)) {
          column.append_double(*d);
        } else if (const auto* b = std::get_if<bool>(&value)) {
          column.append_bool(*b);
        }
      }
    }
    WriterOptions options;
    options.row_group_rows = row_group_rows;
    char name[64];
    std::snprintf(name, sizeof(name), "metadata_%zu.parquet", f);
    write_parquet_file((folder / "metadata" / name).string(), table, options);
  }
  return id;
}

// A readable form of a row for failure messages.
inline std::string describe(const std::optional<MetadataRow>& row) {
  if (!row) return "nullopt";
  std::string out = "{";
  for (const auto& [name, value] : row->fields) {
    out += name + "=";
    if (std::holds_alternative<std::monostate>(value)) out += "null";
    if (const auto* b = std::get_if<bool>(&value)) out += *b ? "true" : "false";
    if (const auto* i = std::get_if<int64_t>(&value)) out += std::to_string(*i);
    if (const auto* d = std::get_if<double>(&value)) out += std::to_string(*d);
    if (const auto* s = std::get_if<std::string>(&value)) out += "'" + *s + "'";
    out += "; ";
  }
  return out + "}";
}

// The row a store returns for `id` with `columns` (already columns_to_return ∩ present, in
// store order), given the files' sizes.
inline MetadataRow fixture_row(int64_t id, const std::vector<std::string>& columns,
                               const std::vector<int64_t>& rows_per_file) {
  int file = 0;
  for (int64_t start = 0; file < static_cast<int>(rows_per_file.size()); ++file) {
    if (id < start + rows_per_file[static_cast<size_t>(file)]) break;
    start += rows_per_file[static_cast<size_t>(file)];
  }
  MetadataRow row;
  for (const std::string& column : columns) {
    row.fields.emplace_back(column, fixture_value(id, column, file));
  }
  return row;
}

}  // namespace clipret::metadata::testing
