// parquet/delta_byte_array_decoder.h: DELTA_LENGTH_BYTE_ARRAY (lengths, then the bytes) and
// DELTA_BYTE_ARRAY (front coding: shared-prefix lengths, then suffixes).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace clipret::parquet {

struct ColumnData;

// Append `count` values to `out.offsets`/`out.bytes`. A positive `fixed_length` requires every
// value to have that length (FIXED_LEN_BYTE_ARRAY). Throw Error(kCorrupt) naming `context`.
void decode_delta_length_byte_array(const uint8_t* data, size_t size, size_t count,
                                    int32_t fixed_length, ColumnData* out,
                                    const std::string& context);
void decode_delta_byte_array(const uint8_t* data, size_t size, size_t count, int32_t fixed_length,
                             uint64_t max_bytes, ColumnData* out, const std::string& context);

}  // namespace clipret::parquet
