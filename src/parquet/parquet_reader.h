// parquet/parquet_reader.h: reads flat Parquet files one row group at a time.
//
// Memory stays bounded by one row group: read_row_group() holds only the projected column chunks
// of that group. Nested (list/map/struct) columns are skipped with a warning, or refused with
// Error(kUnsupported) when named in `columns`. Every error names the file and what is wrong.
//
//   auto reader = ParquetReader::open("metadata_0.parquet", {.columns = {"url", "caption"}});
//   for (size_t g = 0; g < reader->num_row_groups(); ++g) {
//     Table rows = reader->read_row_group(g);
//     ...
//   }
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "parquet/parquet_types.h"
#include "parquet/table.h"

namespace clipret::core {
class RandomAccessFile;
}

namespace clipret::parquet {

struct FileMetaData;

struct ReaderOptions {
  // Columns to read, in this order; empty reads every flat column in file order.
  std::vector<std::string> columns;
  // Guards against hostile files: a page, row group or column chunk that would expand past these
  // is refused as corrupt. Raise them only for files known to need it.
  uint64_t max_page_bytes = uint64_t{1} << 30;      // uncompressed bytes of one page
  uint64_t max_row_group_rows = uint64_t{1} << 31;  // rows of one row group
  uint64_t max_string_bytes = uint64_t{1} << 33;    // decoded string bytes of one column chunk
};

class ParquetReader {
 public:
  // Opens `path` and reads its footer. Throws Error(kNotFound), Error(kIo), Error(kCorrupt),
  // Error(kUnsupported), or Error(kInvalidInput) for a projected column the file lacks.
  static std::unique_ptr<ParquetReader> open(const std::string& path,
                                             const ReaderOptions& options = {});
  // As above, over any file (memory files for tests and fuzzing).
  static std::unique_ptr<ParquetReader> open(std::unique_ptr<core::RandomAccessFile> file,
                                             const ReaderOptions& options = {});
  ~ParquetReader();
  ParquetReader(const ParquetReader&) = delete;
  ParquetReader& operator=(const ParquetReader&) = delete;

  // The file's name, as errors show it.
  const std::string& name() const;
  // The projected columns, as tables returned here hold them.
  const Schema& schema() const;
  // Top-level nested fields that are skipped.
  const std::vector<std::string>& nested_columns() const;

  int64_t num_rows() const;
  size_t num_row_groups() const;
  int64_t row_group_num_rows(size_t row_group) const;

  // Decodes row group `row_group` (< num_row_groups()).
  Table read_row_group(size_t row_group);
  // Decodes every row group into one table (memory grows with the file).
  Table read_all();

  // The parsed footer, for `parquet schema` and statistics.
  const FileMetaData& metadata() const;

 private:
  struct Impl;
  explicit ParquetReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Reads all of `path` (convenience for small files and tests).
Table read_parquet_file(const std::string& path, const ReaderOptions& options = {});

}  // namespace clipret::parquet
