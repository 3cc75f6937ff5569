// Serialisation of FileMetaData (parquet.thrift field ids), the writer's footer.
#include "parquet/file_metadata.h"

#include "parquet/thrift_compact_writer.h"

namespace clipret::parquet {

namespace {

using Writer = ThriftCompactWriter;

void write_empty_struct_field(Writer& w, int16_t id) {
  w.field_struct(id);
  w.end_struct();
}

void write_time_type(Writer& w, const LogicalType& logical) {
  w.field_bool(1, logical.adjusted_to_utc);
  w.field_struct(2);
  write_empty_struct_field(w, logical.unit == TimeUnit::kMillis   ? 1
                              : logical.unit == TimeUnit::kMicros ? 2
                                                                  : 3);
  w.end_struct();
}

void write_logical_type(Writer& w, const LogicalType& logical) {
  w.field_struct(10);
  switch (logical.kind) {
    case LogicalKind::kNone:
      break;
    case LogicalKind::kString:
      write_empty_struct_field(w, 1);
      break;
    case LogicalKind::kEnum:
      write_empty_struct_field(w, 4);
      break;
    case LogicalKind::kDecimal:
      w.field_struct(5);
      w.field_i32(1, logical.scale);
      w.field_i32(2, logical.precision);
      w.end_struct();
      break;
    case LogicalKind::kDate:
      write_empty_struct_field(w, 6);
      break;
    case LogicalKind::kTime:
    case LogicalKind::kTimestamp:
      w.field_struct(logical.kind == LogicalKind::kTime ? 7 : 8);
      write_time_type(w, logical);
      w.end_struct();
      break;
    case LogicalKind::kInteger:
      w.field_struct(10);
      w.field_byte(1, logical.bit_width);
      w.field_bool(2, logical.is_signed);
      w.end_struct();
      break;
    case LogicalKind::kNull:
      write_empty_struct_field(w, 11);
      break;
    case LogicalKind::kJson:
      write_empty_struct_field(w, 12);
      break;
    case LogicalKind::kBson:
      write_empty_struct_field(w, 13);
      break;
    case LogicalKind::kUuid:
      write_empty_struct_field(w, 14);
      break;
    case LogicalKind::kFloat16:
      write_empty_struct_field(w, 15);
      break;
  }
  w.end_struct();
}

void write_schema_element(Writer& w, const SchemaElement& e) {
  w.begin_struct();
  if (e.type >= 0) w.field_i32(1, e.type);
  if (e.type == static_cast<int32_t>(PhysicalType::kFixedLenByteArray)) {
    w.field_i32(2, e.type_length);
  }
  if (e.repetition >= 0) w.field_i32(3, e.repetition);
  w.field_binary(4, e.name);
  if (e.num_children > 0) w.field_i32(5, e.num_children);
  if (e.converted_type >= 0) w.field_i32(6, e.converted_type);
  if (e.logical_type && e.logical_type->kind == LogicalKind::kDecimal) {
    w.field_i32(7, e.logical_type->scale);
    w.field_i32(8, e.logical_type->precision);
  }
  if (e.logical_type && e.logical_type->kind != LogicalKind::kNone) {
    write_logical_type(w, *e.logical_type);
  }
  w.end_struct();
}

void write_statistics(Writer& w, const Statistics& s) {
  w.field_struct(12);
  if (s.null_count) w.field_i64(3, *s.null_count);
  if (s.distinct_count) w.field_i64(4, *s.distinct_count);
  if (s.max_value) w.field_binary(5, *s.max_value);
  if (s.min_value) w.field_binary(6, *s.min_value);
  w.end_struct();
}

void write_column_chunk(Writer& w, const ColumnChunk& c) {
  w.begin_struct();
  w.field_i64(2, c.file_offset);
  const ColumnMetaData& m = *c.meta_data;
  w.field_struct(3);
  w.field_i32(1, m.type);
  w.field_list(2, ThriftType::kI32, static_cast<uint32_t>(m.encodings.size()));
  for (int32_t encoding : m.encodings) w.write_i32(encoding);
  w.field_list(3, ThriftType::kBinary, static_cast<uint32_t>(m.path_in_schema.size()));
  for (const std::string& part : m.path_in_schema) w.write_binary(part);
  w.field_i32(4, m.codec);
  w.field_i64(5, m.num_values);
  w.field_i64(6, m.total_uncompressed_size);
  w.field_i64(7, m.total_compressed_size);
  w.field_i64(9, m.data_page_offset);
  if (m.dictionary_page_offset) w.field_i64(11, *m.dictionary_page_offset);
  write_statistics(w, m.statistics);
  w.end_struct();
  w.end_struct();
}

}  // namespace

std::string serialize_file_metadata(const FileMetaData& metadata) {
  std::string out;
  Writer w(&out);
  w.begin_struct();
  w.field_i32(1, metadata.version);
  w.field_list(2, ThriftType::kStruct, static_cast<uint32_t>(metadata.schema.size()));
  for (const SchemaElement& e : metadata.schema) write_schema_element(w, e);
  w.field_i64(3, metadata.num_rows);
  w.field_list(4, ThriftType::kStruct, static_cast<uint32_t>(metadata.row_groups.size()));
  for (const RowGroup& g : metadata.row_groups) {
    w.begin_struct();
    w.field_list(1, ThriftType::kStruct, static_cast<uint32_t>(g.columns.size()));
    for (const ColumnChunk& c : g.columns) write_column_chunk(w, c);
    w.field_i64(2, g.total_byte_size);
    w.field_i64(3, g.num_rows);
    if (!g.columns.empty()) {
      int64_t compressed = 0;
      for (const ColumnChunk& c : g.columns) compressed += c.meta_data->total_compressed_size;
      w.field_i64(5, g.columns[0].meta_data->dictionary_page_offset.value_or(
                         g.columns[0].meta_data->data_page_offset));
      w.field_i64(6, compressed);
    }
    w.end_struct();
  }
  if (!metadata.key_value_metadata.empty()) {
    w.field_list(5, ThriftType::kStruct, static_cast<uint32_t>(metadata.key_value_metadata.size()));
    for (const KeyValue& kv : metadata.key_value_metadata) {
      w.begin_struct();
      w.field_binary(1, kv.key);
      w.field_binary(2, kv.value);
      w.end_struct();
    }
  }
  if (!metadata.created_by.empty()) w.field_binary(6, metadata.created_by);
  // Column orders: TYPE_ORDER for each leaf, so readers trust min_value/max_value.
  const uint32_t leaves =
      metadata.schema.empty() ? 0 : static_cast<uint32_t>(metadata.schema.size() - 1);
  w.field_list(7, ThriftType::kStruct, leaves);
  for (uint32_t i = 0; i < leaves; ++i) {
    w.begin_struct();
    write_empty_struct_field(w, 1);
    w.end_struct();
  }
  w.end_struct();
  return out;
}

}  // namespace clipret::parquet
