// parquet/plain_encoder.h: PLAIN encoding of a column's non-null values.
#pragma once

#include <cstddef>
#include <string>

namespace clipret::parquet {

class Column;

// Appends the PLAIN encoding of the non-null values among rows [begin, end) of `column` to
// `out`. Booleans are bit-packed, byte arrays prefixed with their 4-byte length.
void encode_plain(const Column& column, size_t begin, size_t end, std::string* out);

// Appends one value (row `row`, not null) in the PLAIN form used by statistics: like
// encode_plain but without the length prefix of byte arrays.
void encode_plain_statistic(const Column& column, size_t row, std::string* out);

}  // namespace clipret::parquet
