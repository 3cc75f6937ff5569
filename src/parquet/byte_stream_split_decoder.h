// parquet/byte_stream_split_decoder.h: BYTE_STREAM_SPLIT (byte k of every value stored together),
// for FLOAT, DOUBLE, INT32, INT64 and FIXED_LEN_BYTE_ARRAY.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "parquet/parquet_types.h"

namespace clipret::parquet {

struct ColumnData;

// Appends `count` values to the storage of `physical` in `out`. Throws Error(kCorrupt).
void decode_byte_stream_split(const uint8_t* data, size_t size, size_t count, PhysicalType physical,
                              int32_t type_length, ColumnData* out, const std::string& context);

}  // namespace clipret::parquet
