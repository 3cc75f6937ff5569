// parquet/bit_packing.h: little-endian bit packing (LSB first), as used by the RLE/bit-packed
// hybrid, boolean PLAIN values and DELTA_BINARY_PACKED miniblocks; and ULEB128 varints.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace clipret::parquet {

// Unpacks `count` values of `bit_width` bits (0..32) from `in`, which must hold at least
// ceil(count * bit_width / 8) bytes (caller checks), into `out` (caller owns, size >= count).
void unpack_bits32(const uint8_t* in, size_t in_size, int bit_width, size_t count, uint32_t* out);

// As unpack_bits32 for widths 0..64.
void unpack_bits64(const uint8_t* in, size_t in_size, int bit_width, size_t count, uint64_t* out);

// Appends `count` values of `bit_width` bits (0..64), packed and zero-padded to whole bytes.
void pack_bits(const uint64_t* values, size_t count, int bit_width, std::string* out);
void pack_bits32(const uint32_t* values, size_t count, int bit_width, std::string* out);

// Number of bits needed to represent `max_value` (0 for 0).
int bit_width_of(uint64_t max_value);

// Reads a ULEB128 varint at data[*pos] (at most 10 bytes, bounded by `size`). Returns false when
// it is truncated or too long.
bool read_uleb128(const uint8_t* data, size_t size, size_t* pos, uint64_t* value);
void write_uleb128(uint64_t value, std::string* out);

}  // namespace clipret::parquet
