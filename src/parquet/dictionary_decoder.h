// parquet/dictionary_decoder.h: RLE_DICTIONARY / PLAIN_DICTIONARY data pages: indices into the
// column chunk's dictionary page, expanded to values.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "parquet/parquet_types.h"

namespace clipret::parquet {

struct ColumnData;

// Decodes `count` indices (a bit-width byte, then the RLE/bit-packed hybrid) from
// [data, data + size) and appends dictionary[index] for each to `out`. `dictionary` holds
// `dictionary_size` values in the storage for `storage` (INT96 is stored as INT64). `scratch`
// is reused between pages. Strings expanded past `max_bytes` in total are refused (a guard against
// tiny pages that expand without bound). Throws Error(kCorrupt) naming `context` on bad data or an
// index outside the dictionary.
void decode_dictionary_page_values(const uint8_t* data, size_t size, size_t count,
                                   const ColumnData& dictionary, size_t dictionary_size,
                                   PhysicalType storage, std::vector<uint32_t>* scratch,
                                   uint64_t max_bytes, ColumnData* out, const std::string& context);

}  // namespace clipret::parquet
