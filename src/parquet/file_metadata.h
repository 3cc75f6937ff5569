// parquet/file_metadata.h: the footer of a Parquet file (FileMetaData of parquet.thrift), the
// fields this codec uses, plus parse and serialise.
//
// Enum-valued fields keep their raw Thrift integers so that a value this codec does not know is
// reported where it matters, not rejected while parsing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parquet/parquet_types.h"

namespace clipret::parquet {

struct Statistics {
  std::optional<std::string> min_value;  // encoded like PLAIN values (no length prefix)
  std::optional<std::string> max_value;
  std::optional<int64_t> null_count;
  std::optional<int64_t> distinct_count;
};

constexpr int32_t kRepetitionRequired = 0;
constexpr int32_t kRepetitionOptional = 1;
constexpr int32_t kRepetitionRepeated = 2;

struct SchemaElement {
  int32_t type = -1;  // PhysicalType, -1 for groups
  int32_t type_length = 0;
  int32_t repetition = -1;  // kRepetition*, -1 when absent (the root)
  std::string name;
  int32_t num_children = 0;
  int32_t converted_type = -1;  // ConvertedType, -1 when absent
  int32_t scale = 0;
  int32_t precision = 0;
  std::optional<LogicalType> logical_type;  // when set and understood
  bool logical_type_is_nested = false;      // LIST or MAP logical type
  bool logical_type_unknown = false;        // set, but of a kind this codec does not know
};

struct ColumnMetaData {
  int32_t type = 0;
  std::vector<int32_t> encodings;
  std::vector<std::string> path_in_schema;
  int32_t codec = 0;
  int64_t num_values = 0;
  int64_t total_uncompressed_size = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  Statistics statistics;
};

struct ColumnChunk {
  std::string file_path;  // non-empty when the data lives in another file (unsupported)
  int64_t file_offset = 0;
  std::optional<ColumnMetaData> meta_data;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t total_byte_size = 0;
  int64_t num_rows = 0;
};

struct KeyValue {
  std::string key;
  std::string value;
};

struct FileMetaData {
  int32_t version = 1;
  std::vector<SchemaElement> schema;  // depth-first, the root first
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::vector<KeyValue> key_value_metadata;
  std::string created_by;
  bool encrypted = false;  // an encryption_algorithm field was present
};

// Parses a serialised FileMetaData. `context` names the file in errors. Throws Error(kCorrupt).
FileMetaData parse_file_metadata(const uint8_t* data, size_t size, const std::string& context);

// Serialises `metadata` (with a TYPE_ORDER column order per leaf) in the compact protocol.
std::string serialize_file_metadata(const FileMetaData& metadata);

}  // namespace clipret::parquet
