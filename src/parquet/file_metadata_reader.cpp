// Parsing of FileMetaData and the structs inside it (parquet.thrift field ids).
#include "parquet/file_metadata.h"

#include "parquet/thrift_compact_reader.h"

namespace clipret::parquet {

namespace {

using Reader = ThriftCompactReader;

bool is_bool(ThriftType t) {
  return t == ThriftType::kTrue || t == ThriftType::kFalse;
}

// Calls `element(r)` for each element of a list field whose elements have type `expected`.
template <typename F>
void read_list(Reader& r, ThriftType t, ThriftType expected, const char* field, F element) {
  r.expect_type(t, ThriftType::kList, field);
  ThriftType element_type;
  uint32_t n;
  r.read_list_header(&element_type, &n);
  if (n > 0 && element_type != expected) r.fail(field);
  for (uint32_t i = 0; i < n; ++i) element(r);
}

// TimeUnit union: 1 MILLIS, 2 MICROS, 3 NANOS.
TimeUnit read_time_unit(Reader& r) {
  TimeUnit unit = TimeUnit::kMicros;
  r.begin_struct();
  int16_t id;
  ThriftType t;
  while (r.read_field(&id, &t)) {
    if (id >= 1 && id <= 3 && t == ThriftType::kStruct) {
      unit = id == 1 ? TimeUnit::kMillis : id == 2 ? TimeUnit::kMicros : TimeUnit::kNanos;
    }
    r.skip(t);
  }
  r.end_struct();
  return unit;
}

// TimeType / TimestampType: 1 isAdjustedToUTC, 2 unit.
void read_time_type(Reader& r, LogicalType* logical) {
  r.begin_struct();
  int16_t id;
  ThriftType t;
  while (r.read_field(&id, &t)) {
    if (id == 1 && is_bool(t)) {
      logical->adjusted_to_utc = Reader::field_bool(t);
    } else if (id == 2 && t == ThriftType::kStruct) {
      logical->unit = read_time_unit(r);
    } else {
      r.skip(t);
    }
  }
  r.end_struct();
}

void read_logical_type(Reader& r, SchemaElement* element) {
  LogicalType logical;
  bool known = false;
  r.begin_struct();
  int16_t id;
  ThriftType t;
  while (r.read_field(&id, &t)) {
    if (t != ThriftType::kStruct) {
      r.skip(t);
      continue;
    }
    known = true;
    switch (id) {
      case 1:
        logical.kind = LogicalKind::kString;
        break;
      case 2:
      case 3:
        element->logical_type_is_nested = true;
        break;
      case 4:
        logical.kind = LogicalKind::kEnum;
        break;
      case 5: {  // DecimalType: 1 scale, 2 precision
        logical.kind = LogicalKind::kDecimal;
        r.begin_struct();
        int16_t sub_id;
        ThriftType sub_t;
        while (r.read_field(&sub_id, &sub_t)) {
          if (sub_id == 1) {
            logical.scale = r.read_i32_field(sub_t, "DecimalType.scale");
          } else if (sub_id == 2) {
            logical.precision = r.read_i32_field(sub_t, "DecimalType.precision");
          } else {
            r.skip(sub_t);
          }
        }
        r.end_struct();
        continue;
      }
      case 6:
        logical.kind = LogicalKind::kDate;
        break;
      case 7:
      case 8:
        logical.kind = id == 7 ? LogicalKind::kTime : LogicalKind::kTimestamp;
        read_time_type(r, &logical);
        continue;
      case 10: {  // IntType: 1 bitWidth (i8), 2 isSigned
        logical.kind = LogicalKind::kInteger;
        r.begin_struct();
        int16_t sub_id;
        ThriftType sub_t;
        while (r.read_field(&sub_id, &sub_t)) {
          if (sub_id == 1 && sub_t == ThriftType::kByte) {
            logical.bit_width = r.read_byte();
          } else if (sub_id == 2 && is_bool(sub_t)) {
            logical.is_signed = Reader::field_bool(sub_t);
          } else {
            r.skip(sub_t);
          }
        }
        r.end_struct();
        continue;
      }
      case 11:
        logical.kind = LogicalKind::kNull;
        break;
      case 12:
        logical.kind = LogicalKind::kJson;
        break;
      case 13:
        logical.kind = LogicalKind::kBson;
        break;
      case 14:
        logical.kind = LogicalKind::kUuid;
        break;
      case 15:
        logical.kind = LogicalKind::kFloat16;
        break;
      default:
        known = false;
        element->logical_type_unknown = true;
        break;
    }
    r.skip(t);
  }
  r.end_struct();
  if (known && !element->logical_type_is_nested) element->logical_type = logical;
}

SchemaElement read_schema_element(Reader& r) {
  SchemaElement e;
  r.begin_struct();
  int16_t id;
  ThriftType t;
  while (r.read_field(&id, &t)) {
    switch (id) {
      case 1:
        e.type = r.read_i32_field(t, "SchemaElement.type");
        break;
      case 2:
        e.type_length = r.read_i32_field(t, "SchemaElement.type_length");
        break;
      case 3:
        e.repetition = r.read_i32_field(t, "SchemaElement.repetition_type");
        break;
      case 4:
        e.name = r.read_string_field(t, "SchemaElement.name");
        break;
      case 5:
        e.num_children = r.read_i32_field(t, "SchemaElement.num_children");
        break;
      case 6:
        e.converted_type = r.read_i32_field(t, "SchemaElement.converted_type");
        break;
      case 7:
        e.scale = r.read_i32_field(t, "SchemaElement.scale");
        break;
      case 8:
        e.precision = r.read_i32_field(t, "SchemaElement.precision");
        break;
      case 10:
        r.expect_type(t, ThriftType::kStruct, "SchemaElement.logicalType");
        read_logical_type(r, &e);
        break;
      default:
        r.skip(t);
    }
  }
  r.end_struct();
  return e;
}

Statistics read_statistics(Reader& r) {
  Statistics s;
  std::optional<std::string> legacy_min, legacy_max;
  r.begin_struct();
  int16_t id;
  ThriftType t;
  while (r.read_field(&id, &t)) {
    switch (id) {
      case 1:
        legacy_max = r.read_string_field(t, "Statistics.max");
        break;
      case 2:
        legacy_min = r.read_string_field(t, "Statistics.min");
        break;
      case 3:
        s.null_count = r.read_i64_field(t, "Statistics.null_count");
        break;
      case 4:
        s.distinct_count = r.read_i64_field(t, "Statistics.distinct_count");
        break;
      case 5:
        s.max_value = r.read_string_field(t, "Statistics.max_value");
        break;
      case 6:
        s.min_value = r.read_string_field(t, "Statistics.min_value");
        break;
      default:
        r.skip(t);
    }
  }
  r.end_struct();
  // The legacy fields used signed byte order for strings; only show them when nothing else is.
  if (!s.min_value && !s.max_value) {
    s.min_value = legacy_min;
    s.max_value = legacy_max;
  }
  return s;
}

ColumnMetaData read_column_meta_data(Reader& r) {
  ColumnMetaData m;
  r.begin_struct();
  int16_t id;
  ThriftType t;
  while (r.read_field(&id, &t)) {
    switch (id) {
      case 1:
        m.type = r.read_i32_field(t, "ColumnMetaData.type");
        break;
      case 2:
        read_list(r, t, ThriftType::kI32, "ColumnMetaData.encodings",
                  [&](Reader& rr) { m.encodings.push_back(rr.read_i32()); });
        break;
      case 3:
        read_list(r, t, ThriftType::kBinary, "ColumnMetaData.path_in_schema",
                  [&](Reader& rr) { m.path_in_schema.push_back(rr.read_string()); });
        break;
      case 4:
        m.codec = r.read_i32_field(t, "ColumnMetaData.codec");
        break;
      case 5:
        m.num_values = r.read_i64_field(t, "ColumnMetaData.num_values");
        break;
      case 6:
        m.total_uncompressed_size = r.read_i64_field(t, "ColumnMetaData.total_uncompressed_size");
        break;
      case 7:
        m.total_compressed_size = r.read_i64_field(t, "ColumnMetaData.total_compressed_size");
        break;
      case 9:
        m.data_page_offset = r.read_i64_field(t, "ColumnMetaData.data_page_offset");
        break;
      case 11:
        m.dictionary_page_offset = r.read_i64_field(t, "ColumnMetaData.dictionary_page_offset");
        break;
      case 12:
        r.expect_type(t, ThriftType::kStruct, "ColumnMetaData.statistics");
        m.statistics = read_statistics(r);
        break;
      default:
        r.skip(t);
    }
  }
  r.end_struct();
  return m;
}

ColumnChunk read_column_chunk(Reader& r) {
  ColumnChunk c;
  r.begin_struct();
  int16_t id;
  ThriftType t;
  while (r.read_field(&id, &t)) {
    switch (id) {
      case 1:
        c.file_path = r.read_string_field(t, "ColumnChunk.file_path");
        break;
      case 2:
        c.file_offset = r.read_i64_field(t, "ColumnChunk.file_offset");
        break;
      case 3:
        r.expect_type(t, ThriftType::kStruct, "ColumnChunk.meta_data");
        c.meta_data = read_column_meta_data(r);
        break;
      default:
        r.skip(t);
    }
  }
  r.end_struct();
  return c;
}

RowGroup read_row_group(Reader& r) {
  RowGroup g;
  r.begin_struct();
  int16_t id;
  ThriftType t;
  while (r.read_field(&id, &t)) {
    switch (id) {
      case 1:
        read_list(r, t, ThriftType::kStruct, "RowGroup.columns",
                  [&](Reader& rr) { g.columns.push_back(read_column_chunk(rr)); });
        break;
      case 2:
        g.total_byte_size = r.read_i64_field(t, "RowGroup.total_byte_size");
        break;
      case 3:
        g.num_rows = r.read_i64_field(t, "RowGroup.num_rows");
        break;
      default:
        r.skip(t);
    }
  }
  r.end_struct();
  return g;
}

KeyValue read_key_value(Reader& r) {
  KeyValue kv;
  r.begin_struct();
  int16_t id;
  ThriftType t;
  while (r.read_field(&id, &t)) {
    if (id == 1) {
      kv.key = r.read_string_field(t, "KeyValue.key");
    } else if (id == 2) {
      kv.value = r.read_string_field(t, "KeyValue.value");
    } else {
      r.skip(t);
    }
  }
  r.end_struct();
  return kv;
}

}  // namespace

FileMetaData parse_file_metadata(const uint8_t* data, size_t size, const std::string& context) {
  Reader r(data, size, context + ": footer");
  FileMetaData m;
  r.begin_struct();
  int16_t id;
  ThriftType t;
  while (r.read_field(&id, &t)) {
    switch (id) {
      case 1:
        m.version = r.read_i32_field(t, "FileMetaData.version");
        break;
      case 2:
        read_list(r, t, ThriftType::kStruct, "FileMetaData.schema",
                  [&](Reader& rr) { m.schema.push_back(read_schema_element(rr)); });
        break;
      case 3:
        m.num_rows = r.read_i64_field(t, "FileMetaData.num_rows");
        break;
      case 4:
        read_list(r, t, ThriftType::kStruct, "FileMetaData.row_groups",
                  [&](Reader& rr) { m.row_groups.push_back(read_row_group(rr)); });
        break;
      case 5:
        read_list(r, t, ThriftType::kStruct, "FileMetaData.key_value_metadata",
                  [&](Reader& rr) { m.key_value_metadata.push_back(read_key_value(rr)); });
        break;
      case 6:
        m.created_by = r.read_string_field(t, "FileMetaData.created_by");
        break;
      case 8:
        m.encrypted = true;
        r.skip(t);
        break;
      default:
        r.skip(t);
    }
  }
  r.end_struct();
  return m;
}

}  // namespace clipret::parquet
