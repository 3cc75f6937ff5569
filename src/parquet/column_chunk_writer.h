// parquet/column_chunk_writer.h: encodes rows of one column as a column chunk: an optional
// dictionary page, then data pages (v1) of PLAIN or RLE_DICTIONARY values with RLE definition
// levels, each compressed.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "parquet/parquet_types.h"

namespace clipret::parquet {

class Column;
struct ColumnMetaData;

struct ChunkWriteOptions {
  Compression compression = Compression::kSnappy;
  int compression_level = 0;                      // 0 = the codec's default
  size_t page_bytes = size_t{1} << 20;            // target uncompressed size of a data page
  bool dictionary = true;                         // try dictionary encoding
  size_t max_dictionary_bytes = size_t{1} << 20;  // give up on a larger dictionary
};

// Appends the chunk for rows [begin, end) of `column` to `out`; `file_offset` is where `out`'s
// first appended byte will lie in the file. Fills `meta` (offsets absolute).
void write_column_chunk(const Column& column, size_t begin, size_t end,
                        const ChunkWriteOptions& options, int64_t file_offset, std::string* out,
                        ColumnMetaData* meta);

}  // namespace clipret::parquet
