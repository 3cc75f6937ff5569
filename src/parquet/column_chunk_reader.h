// parquet/column_chunk_reader.h: decodes one column chunk (the pages of one column in one row
// group) into a Column.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "parquet/column.h"

namespace clipret::core {
class RandomAccessFile;
}

namespace clipret::parquet {

struct ColumnChunk;
struct LeafColumn;

// Bounds on what one column chunk may expand to; a file asking for more is refused as corrupt.
struct ChunkLimits {
  uint64_t max_page_bytes = uint64_t{1} << 30;    // uncompressed size of one page
  uint64_t max_rows = uint64_t{1} << 31;          // rows of one row group
  uint64_t max_string_bytes = uint64_t{1} << 33;  // decoded string bytes of one column chunk
};

// Buffers reused between chunks to avoid reallocations.
struct ChunkScratch {
  std::vector<uint8_t> chunk;
  std::vector<uint8_t> page;
  std::vector<uint32_t> levels;
  std::vector<uint32_t> indices;
};

// Appends the `num_rows` rows of `chunk` to `out`, whose schema is `column.schema`.
// `data_end` is where the footer starts (chunks must lie before it). `context` names the file,
// row group and column in errors. Throws Error(kCorrupt) or Error(kUnsupported).
void read_column_chunk(const core::RandomAccessFile& file, uint64_t data_end,
                       const ColumnChunk& chunk, const LeafColumn& column, uint64_t num_rows,
                       const ChunkLimits& limits, const std::string& context, ChunkScratch* scratch,
                       Column* out);

}  // namespace clipret::parquet
