// parquet/delta_binary_packed_decoder.h: DELTA_BINARY_PACKED integers, used directly for
// INT32/INT64 columns and for the lengths inside the DELTA_*_BYTE_ARRAY encodings.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "parquet/parquet_types.h"

namespace clipret::parquet {

struct ColumnData;

// Decodes one DELTA_BINARY_PACKED stream starting at data[*pos] and appends its values to `out`.
// A stream holding more than `max_count` values is refused. Advances *pos past the stream.
// Arithmetic wraps, as the format intends. Throws Error(kCorrupt) naming `context`.
void decode_delta_binary_packed(const uint8_t* data, size_t size, size_t* pos, size_t max_count,
                                std::vector<int64_t>* out, const std::string& context);

// Appends `count` INT32 or INT64 values (per `physical`) of a DELTA_BINARY_PACKED page to `out`.
void decode_delta_binary_packed_values(const uint8_t* data, size_t size, size_t count,
                                       PhysicalType physical, ColumnData* out,
                                       const std::string& context);

}  // namespace clipret::parquet
