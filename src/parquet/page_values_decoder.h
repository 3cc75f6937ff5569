// parquet/page_values_decoder.h: dispatches the values section of a data page to the decoder of
// its encoding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "parquet/parquet_types.h"

namespace clipret::parquet {

struct ColumnData;

// What a page's values decode against: the column's stored type and its dictionary, if any.
struct ValuesContext {
  PhysicalType physical;  // as stored in the file
  int32_t type_length = 0;
  const ColumnData* dictionary = nullptr;  // null until a dictionary page was read
  size_t dictionary_size = 0;
  uint64_t max_string_bytes = 0;
  std::vector<uint32_t>* scratch = nullptr;
};

// Appends `count` values encoded with `encoding` (raw Thrift value) from [data, data + size) to
// `out`. Throws Error(kCorrupt) on bad data, Error(kUnsupported) for an unknown encoding.
void decode_page_values(int32_t encoding, const uint8_t* data, size_t size, size_t count,
                        const ValuesContext& values, ColumnData* out, const std::string& context);

}  // namespace clipret::parquet
