// parquet/dictionary_encoder.h: builds a column chunk's dictionary (distinct values) and the
// index of each value, for RLE_DICTIONARY pages.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace clipret::parquet {

class Column;

struct DictionaryEncoding {
  std::string plain_values;       // the dictionary page body: distinct values, PLAIN
  size_t size = 0;                // distinct values
  std::vector<uint32_t> indices;  // one per non-null row, in row order
};

// Dictionary-encodes the non-null values of rows [begin, end). Returns false, leaving `out`
// unspecified, for booleans or when the PLAIN dictionary would exceed `max_bytes`.
bool dictionary_encode(const Column& column, size_t begin, size_t end, size_t max_bytes,
                       DictionaryEncoding* out);

}  // namespace clipret::parquet
