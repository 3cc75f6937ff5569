#include "parquet/schema_description.h"

#include <cstring>
#include <ostream>

#include "core/error.h"
#include "parquet/column.h"
#include "parquet/file_metadata.h"
#include "parquet/json_value_format.h"
#include "parquet/parquet_reader.h"

namespace clipret::parquet {

namespace {

constexpr size_t kMaxStatisticChars = 60;

std::string column_type_text(const ColumnSchema& column) {
  std::string text = physical_type_name(column.type.physical);
  if (column.type.physical == PhysicalType::kFixedLenByteArray) {
    text += string_printf("(%d)", column.type.type_length);
  }
  const std::string logical = logical_type_name(column.type.logical);
  if (!logical.empty()) text += " " + logical;
  text += column.optional ? ", optional" : ", required";
  return text;
}

// A statistic (PLAIN bytes without a length prefix) as JSON text, or "?" if it does not decode.
std::string statistic_text(const std::string& raw, const ColumnSchema& schema) {
  Column column(schema);
  ColumnData& d = column.data();
  auto copy = [&](auto* vector, size_t width) {
    if (raw.size() != width) return false;
    vector->resize(1);
    std::memcpy(vector->data(), raw.data(), width);
    return true;
  };
  bool ok = false;
  switch (schema.type.physical) {
    case PhysicalType::kBoolean:
      ok = raw.size() == 1;
      if (ok) d.bools.push_back(static_cast<uint8_t>(raw[0] != 0));
      break;
    case PhysicalType::kInt32:
      ok = copy(&d.int32s, 4);
      break;
    case PhysicalType::kInt64:
      ok = copy(&d.int64s, 8);
      break;
    case PhysicalType::kFloat:
      ok = copy(&d.floats, 4);
      break;
    case PhysicalType::kDouble:
      ok = copy(&d.doubles, 8);
      break;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      d.bytes = raw;
      d.offsets.push_back(raw.size());
      ok = true;
      break;
    case PhysicalType::kInt96:
      break;
  }
  if (!ok) return "?";
  column.commit_rows(1);
  std::string text;
  append_json_value(column, 0, &text);
  if (text.size() > kMaxStatisticChars) text = text.substr(0, kMaxStatisticChars) + "...";
  return text;
}

}  // namespace

void describe_parquet_file(const std::string& path, std::ostream& out) {
  auto reader = ParquetReader::open(path);
  const FileMetaData& meta = reader->metadata();
  out << "file: " << path << "\n";
  if (!meta.created_by.empty()) out << "created by: " << meta.created_by << "\n";
  out << "format version: " << meta.version << "\n";
  out << "rows: " << meta.num_rows << "\n";
  out << "row groups: " << meta.row_groups.size() << "\n";
  out << "columns:\n";
  for (const ColumnSchema& column : reader->schema()) {
    out << "  " << column.name << ": " << column_type_text(column) << "\n";
  }
  for (const std::string& nested : reader->nested_columns()) {
    out << "  " << nested << ": nested (skipped)\n";
  }
  if (!meta.key_value_metadata.empty()) {
    out << "key-value metadata:\n";
    for (const KeyValue& kv : meta.key_value_metadata) {
      out << "  " << kv.key << ": " << kv.value.size() << " bytes\n";
    }
  }
  // Column chunks are indexed by leaf; map each flat column to its chunk through its path.
  for (size_t g = 0; g < meta.row_groups.size(); ++g) {
    const RowGroup& group = meta.row_groups[g];
    out << "row group " << g << ": " << group.num_rows << " rows, " << group.total_byte_size
        << " bytes\n";
    for (const ColumnChunk& chunk : group.columns) {
      if (!chunk.meta_data) continue;
      const ColumnMetaData& m = *chunk.meta_data;
      std::string name;
      for (const std::string& part : m.path_in_schema) name += (name.empty() ? "" : ".") + part;
      out << "  " << name << ": "
          << (m.codec >= 0 && m.codec <= 7 ? compression_name(static_cast<Compression>(m.codec))
                                           : "UNKNOWN");
      std::string encodings;
      for (int32_t e : m.encodings) {
        encodings += (encodings.empty() ? "" : ",");
        encodings += e >= 0 && e <= 9 ? encoding_name(static_cast<Encoding>(e)) : "UNKNOWN";
      }
      out << ", " << encodings << ", " << m.total_compressed_size << " bytes ("
          << m.total_uncompressed_size << " uncompressed)";
      const Statistics& s = m.statistics;
      if (s.null_count) out << ", nulls " << *s.null_count;
      const ColumnSchema* schema = nullptr;
      for (const ColumnSchema& column : reader->schema()) {
        if (m.path_in_schema.size() == 1 && column.name == m.path_in_schema[0]) schema = &column;
      }
      if (schema != nullptr && s.min_value)
        out << ", min " << statistic_text(*s.min_value, *schema);
      if (schema != nullptr && s.max_value)
        out << ", max " << statistic_text(*s.max_value, *schema);
      out << "\n";
    }
  }
}

}  // namespace clipret::parquet
