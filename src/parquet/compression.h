// parquet/compression.h: the page codecs (SNAPPY, GZIP, ZSTD, LZ4_RAW, Hadoop LZ4, none).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "parquet/parquet_types.h"

namespace clipret::parquet {

// Decompresses `src` (n bytes) into exactly `out_size` bytes at `out` (caller owns). Throws
// Error(kCorrupt) naming `context` when the data is invalid or has another size,
// Error(kUnsupported) for LZO and BROTLI.
void decompress(Compression codec, const uint8_t* src, size_t n, uint8_t* out, size_t out_size,
                const std::string& context);

// Appends the compressed form of `src` (n bytes) to `out`. `level` is used by ZSTD and GZIP
// (0 = the codec's default).
void compress(Compression codec, const uint8_t* src, size_t n, std::string* out, int level = 0);

}  // namespace clipret::parquet
