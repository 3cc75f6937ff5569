// parquet/page_header.h: the PageHeader that precedes each page of a column chunk.
#pragma once

#include <cstdint>
#include <string>

namespace clipret::parquet {

class ThriftCompactReader;

enum class PageType : int32_t {
  kDataPage = 0,
  kIndexPage = 1,
  kDictionaryPage = 2,
  kDataPageV2 = 3,
};

struct PageHeader {
  int32_t type = 0;  // PageType, raw
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  bool has_data_header = false;  // v1 data page fields below are set
  bool has_dictionary_header = false;
  bool has_data_header_v2 = false;
  // DataPageHeader, DictionaryPageHeader and DataPageHeaderV2 share these.
  int32_t num_values = 0;
  int32_t encoding = 0;
  // DataPageHeader (v1).
  int32_t definition_level_encoding = 0;
  int32_t repetition_level_encoding = 0;
  // DataPageHeaderV2.
  int32_t num_nulls = 0;
  int32_t num_rows = 0;
  int32_t definition_levels_byte_length = 0;
  int32_t repetition_levels_byte_length = 0;
  bool is_compressed = true;
};

// Reads one PageHeader at the reader's position. Throws Error(kCorrupt).
PageHeader parse_page_header(ThriftCompactReader& reader);

// Appends the compact encoding of `header` to `out`.
void serialize_page_header(const PageHeader& header, std::string* out);

}  // namespace clipret::parquet
