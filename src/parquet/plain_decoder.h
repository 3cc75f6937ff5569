// parquet/plain_decoder.h: PLAIN values (data pages and dictionary pages).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "parquet/parquet_types.h"

namespace clipret::parquet {

struct ColumnData;

// Appends `count` PLAIN values of `physical` type (`type_length` bytes each for
// FIXED_LEN_BYTE_ARRAY) from [data, data + size) to the matching storage of `out`. INT96 values
// become nanoseconds since the epoch in `int64s`. Returns the bytes consumed. Throws
// Error(kCorrupt) naming `context` when the data is too short.
size_t decode_plain(const uint8_t* data, size_t size, size_t count, PhysicalType physical,
                    int32_t type_length, ColumnData* out, const std::string& context);

// Converts one INT96 timestamp (nanoseconds of day, then Julian day) to nanoseconds since
// 1970-01-01.
int64_t int96_to_nanos(const uint8_t* bytes12);

}  // namespace clipret::parquet
