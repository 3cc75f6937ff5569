// parquet/parquet_writer.h: writes flat Parquet files that pyarrow, pandas, Spark and DuckDB read.
//
// Rows are buffered until a row group is full, then encoded (dictionary where it pays, else
// PLAIN), compressed and written. The file is written under a temporary name next to `path` and
// renamed into place by close(), so readers never see a partial file.
//
//   ParquetWriter writer(path, {{"image_path", string_type(), false},
//                               {"caption", string_type(), true}});
//   Table batch(writer.schema());
//   batch.column(0).append_bytes("a.jpg");
//   batch.column(1).append_null();
//   writer.write(batch);
//   writer.close();
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "parquet/parquet_types.h"
#include "parquet/table.h"

namespace clipret::parquet {

struct WriterOptions {
  // Page codec. SNAPPY is fast and read everywhere; ZSTD is smaller and slower to write.
  Compression compression = Compression::kSnappy;
  // ZSTD or GZIP level; 0 uses the codec's default.
  int compression_level = 0;
  // Rows per row group. Readers stream one group at a time, so larger groups cost reader and
  // writer memory; smaller ones cost compression and metadata.
  size_t row_group_rows = size_t{1} << 20;
  // Target uncompressed size of a data page.
  size_t page_bytes = size_t{1} << 20;
  // Dictionary-encode a column chunk when that is smaller than PLAIN.
  bool dictionary = true;
  // A chunk whose distinct values exceed this many PLAIN bytes is written PLAIN.
  size_t max_dictionary_bytes = size_t{1} << 20;
  // Stored in the footer's key_value_metadata.
  std::vector<std::pair<std::string, std::string>> key_value_metadata;
  std::string created_by = "clip-retrieval-cpp";
  // fsync the file before renaming it into place: survives a power loss, costs a disk flush.
  bool fsync = false;
};

class ParquetWriter {
 public:
  // Creates a temporary file beside `path`. Throws Error(kInvalidInput) for a bad schema (empty,
  // duplicate names, type mismatches) or options, Error(kIo) when the file cannot be created.
  ParquetWriter(const std::string& path, Schema schema, WriterOptions options = {});
  // Without close(), removes the temporary file: nothing appears at `path`.
  ~ParquetWriter();
  ParquetWriter(const ParquetWriter&) = delete;
  ParquetWriter& operator=(const ParquetWriter&) = delete;

  const Schema& schema() const;

  // Appends the rows of `table`, whose schema must equal schema(). Writes each row group as it
  // fills. Throws Error(kInvalidInput) or Error(kIo).
  void write(const Table& table);
  // Writes the buffered rows, then `table`'s rows as row groups of at most row_group_rows, now and
  // without copying them (a last partial group is not held back for later rows).
  void write_row_groups(const Table& table);
  // Writes the buffered rows as a row group now (nothing if none).
  void flush_row_group();
  // Flushes, writes the footer, and renames the file to `path`. Throws Error(kIo).
  void close();

  // Rows written or buffered so far.
  size_t num_rows() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Writes `table` to `path` in one call.
void write_parquet_file(const std::string& path, const Table& table,
                        const WriterOptions& options = {});

}  // namespace clipret::parquet
