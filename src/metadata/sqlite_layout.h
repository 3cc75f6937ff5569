// metadata/sqlite_layout.h: the file layout of the on-disk store, and the check that a built file
// still matches its sources.
//
// `metadata.sqlite` (or `metadata_reordered.sqlite`) holds
//   metadata(<column> ..., rowid = the row's id)   the stored columns, named as in the Parquet
//   clipret_info(key, value)                        format_version, num_rows
//   clipret_columns(position, name, kind, stored)   every Parquet column, its kind, whether stored
//   clipret_sources(position, name, size, mtime_ns) the files it was built from
// A file is reused while its format version, sources (names, sizes and modification times) and
// stored columns still match; otherwise it is rebuilt.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "metadata/metadata_source.h"

namespace clipret::metadata {

class IdMapping;
class SqliteDatabase;

inline constexpr int kSqliteFormatVersion = 1;

struct SqliteBuildRequest {
  std::string db_path;
  // Columns to store (a subset of the source's columns).
  std::vector<SourceColumn> stored_columns;
  // The files the result depends on, as recorded for the staleness check.
  std::vector<SourceFile> sources;
  // When set, row `id` is stored at rowid reorder->map(id) (a permutation of [0, num_rows)).
  const IdMapping* reorder = nullptr;
};

// Builds request.db_path from `source` under a temporary name, renamed into place when complete:
// a crash leaves no file that looks built. Memory stays bounded by one Parquet row group and
// SQLite's caches (reordering sorts through SQLite's external sorter). Throws the source's
// errors, Error(kIo) for SQLite failures, Error(kInvalidInput) when `reorder` does not cover the
// rows.
void build_sqlite_store(const MetadataSource& source, const SqliteBuildRequest& request);

// What a built file records about itself.
struct SqliteLayout {
  int format_version = 0;
  int64_t num_rows = 0;
  std::vector<SourceColumn> columns;         // every Parquet column
  std::vector<SourceColumn> stored_columns;  // those in the metadata table, in its order
  std::vector<SourceFile> sources;
};

// Reads the layout tables. Throws Error(kCorrupt) naming the file when they are missing or bad.
SqliteLayout read_sqlite_layout(SqliteDatabase& db);

// Why the file at `db_path` cannot be reused for `sources` and `columns_to_return` (empty: the
// default), or "" when it can. Never throws for a bad or missing file: that is a reason.
std::string sqlite_store_staleness(const std::string& db_path,
                                   const std::vector<SourceFile>& sources,
                                   const std::vector<std::string>& columns_to_return);

}  // namespace clipret::metadata
