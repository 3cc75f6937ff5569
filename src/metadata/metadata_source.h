// metadata/metadata_source.h: the Parquet files an index folder's metadata comes from.
//
// `<indice_folder>/metadata/*.parquet` (not recursive), sorted by path as the original does; a row
// id is the row's number over the files in that order. Both stores read their rows through here.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "metadata/value_kind.h"

namespace clipret::parquet {
class Column;
}

namespace clipret::metadata {

// The original's default for columns_to_return (spec §3.1).
const std::vector<std::string>& default_columns_to_return();

struct SourceFile {
  std::string path;
  std::string name;      // file name, as the SQLite store records it
  uint64_t size = 0;     // bytes
  int64_t mtime_ns = 0;  // modification time, nanoseconds since the epoch
  int64_t num_rows = 0;  // from the footer; 0 until scanned
};

struct SourceColumn {
  std::string name;
  ValueKind kind = ValueKind::kNull;
};

// `path`'s name, size and modification time. Throws Error(kNotFound) or Error(kIo).
SourceFile stat_source_file(const std::string& path);

// Lists the Parquet files with their sizes and times, without opening them. Throws
// Error(kNotFound) naming the folder when it is missing or holds no .parquet file, Error(kIo)
// when it cannot be listed.
std::vector<SourceFile> list_metadata_files(const std::string& indice_folder);

// One row group's worth of rows of the requested columns.
struct SourceBatch {
  int64_t first_row = 0;  // global id of the batch's first row
  size_t num_rows = 0;
  // One per requested column, in request order; nullptr where this file lacks the column (its
  // rows are null).
  std::vector<const parquet::Column*> columns;
};

class MetadataSource {
 public:
  // Lists the files and reads every footer. Throws list_metadata_files' errors, the Parquet
  // reader's (each naming the file), and Error(kInvalidInput) when two files give one column
  // incompatible types.
  static MetadataSource scan(const std::string& indice_folder);

  const std::vector<SourceFile>& files() const { return files_; }
  // Every flat column of any file, in order of first appearance, with its merged kind.
  const std::vector<SourceColumn>& columns() const { return columns_; }
  int64_t num_rows() const { return num_rows_; }

  // columns_to_return ∩ columns(), in columns() order; an empty request means the default.
  std::vector<SourceColumn> served_columns(const std::vector<std::string>& columns_to_return) const;

  // Calls `consume` for every row group of every file in id order, with `columns` (a subset of
  // columns()) read. Memory holds one row group at a time.
  void read(const std::vector<SourceColumn>& columns,
            const std::function<void(const SourceBatch&)>& consume) const;

 private:
  std::vector<SourceFile> files_;
  std::vector<SourceColumn> columns_;
  int64_t num_rows_ = 0;
};

// The served subset of `available` for `columns_to_return` (empty: the default), in `available`
// order. Shared by the stores that record their columns themselves.
std::vector<SourceColumn> select_columns(const std::vector<SourceColumn>& available,
                                         const std::vector<std::string>& columns_to_return);

}  // namespace clipret::metadata
