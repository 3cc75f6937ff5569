#include "parquet/page_header.h"

#include "parquet/thrift_compact_reader.h"
#include "parquet/thrift_compact_writer.h"

namespace clipret::parquet {

namespace {

// Fields 1 (num_values) and 2 (encoding) are common to all three page header kinds.
void read_data_header(ThriftCompactReader& r, PageHeader* h) {
  r.begin_struct();
  int16_t id;
  ThriftType t;
  while (r.read_field(&id, &t)) {
    switch (id) {
      case 1:
        h->num_values = r.read_i32_field(t, "DataPageHeader.num_values");
        break;
      case 2:
        h->encoding = r.read_i32_field(t, "DataPageHeader.encoding");
        break;
      case 3:
        h->definition_level_encoding =
            r.read_i32_field(t, "DataPageHeader.definition_level_encoding");
        break;
      case 4:
        h->repetition_level_encoding =
            r.read_i32_field(t, "DataPageHeader.repetition_level_encoding");
        break;
      default:
        r.skip(t);
    }
  }
  r.end_struct();
}

void read_dictionary_header(ThriftCompactReader& r, PageHeader* h) {
  r.begin_struct();
  int16_t id;
  ThriftType t;
  while (r.read_field(&id, &t)) {
    if (id == 1) {
      h->num_values = r.read_i32_field(t, "DictionaryPageHeader.num_values");
    } else if (id == 2) {
      h->encoding = r.read_i32_field(t, "DictionaryPageHeader.encoding");
    } else {
      r.skip(t);
    }
  }
  r.end_struct();
}

void read_data_header_v2(ThriftCompactReader& r, PageHeader* h) {
  r.begin_struct();
  int16_t id;
  ThriftType t;
  while (r.read_field(&id, &t)) {
    switch (id) {
      case 1:
        h->num_values = r.read_i32_field(t, "DataPageHeaderV2.num_values");
        break;
      case 2:
        h->num_nulls = r.read_i32_field(t, "DataPageHeaderV2.num_nulls");
        break;
      case 3:
        h->num_rows = r.read_i32_field(t, "DataPageHeaderV2.num_rows");
        break;
      case 4:
        h->encoding = r.read_i32_field(t, "DataPageHeaderV2.encoding");
        break;
      case 5:
        h->definition_levels_byte_length =
            r.read_i32_field(t, "DataPageHeaderV2.definition_levels_byte_length");
        break;
      case 6:
        h->repetition_levels_byte_length =
            r.read_i32_field(t, "DataPageHeaderV2.repetition_levels_byte_length");
        break;
      case 7:
        if (t != ThriftType::kTrue && t != ThriftType::kFalse) r.fail("is_compressed");
        h->is_compressed = ThriftCompactReader::field_bool(t);
        break;
      default:
        r.skip(t);
    }
  }
  r.end_struct();
}

}  // namespace

PageHeader parse_page_header(ThriftCompactReader& r) {
  PageHeader h;
  r.begin_struct();
  int16_t id;
  ThriftType t;
  while (r.read_field(&id, &t)) {
    switch (id) {
      case 1:
        h.type = r.read_i32_field(t, "PageHeader.type");
        break;
      case 2:
        h.uncompressed_page_size = r.read_i32_field(t, "PageHeader.uncompressed_page_size");
        break;
      case 3:
        h.compressed_page_size = r.read_i32_field(t, "PageHeader.compressed_page_size");
        break;
      case 5:
        if (t != ThriftType::kStruct) r.fail("PageHeader.data_page_header");
        read_data_header(r, &h);
        h.has_data_header = true;
        break;
      case 7:
        if (t != ThriftType::kStruct) r.fail("PageHeader.dictionary_page_header");
        read_dictionary_header(r, &h);
        h.has_dictionary_header = true;
        break;
      case 8:
        if (t != ThriftType::kStruct) r.fail("PageHeader.data_page_header_v2");
        read_data_header_v2(r, &h);
        h.has_data_header_v2 = true;
        break;
      default:
        r.skip(t);
    }
  }
  r.end_struct();
  return h;
}

void serialize_page_header(const PageHeader& h, std::string* out) {
  ThriftCompactWriter w(out);
  w.begin_struct();
  w.field_i32(1, h.type);
  w.field_i32(2, h.uncompressed_page_size);
  w.field_i32(3, h.compressed_page_size);
  if (h.has_data_header) {
    w.field_struct(5);
    w.field_i32(1, h.num_values);
    w.field_i32(2, h.encoding);
    w.field_i32(3, h.definition_level_encoding);
    w.field_i32(4, h.repetition_level_encoding);
    w.end_struct();
  }
  if (h.has_dictionary_header) {
    w.field_struct(7);
    w.field_i32(1, h.num_values);
    w.field_i32(2, h.encoding);
    w.end_struct();
  }
  if (h.has_data_header_v2) {
    w.field_struct(8);
    w.field_i32(1, h.num_values);
    w.field_i32(2, h.num_nulls);
    w.field_i32(3, h.num_rows);
    w.field_i32(4, h.encoding);
    w.field_i32(5, h.definition_levels_byte_length);
    w.field_i32(6, h.repetition_levels_byte_length);
    w.field_bool(7, h.is_compressed);
    w.end_struct();
  }
  w.end_struct();
}

}  // namespace clipret::parquet
