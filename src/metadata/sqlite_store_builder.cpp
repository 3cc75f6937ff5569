// Builds the on-disk store (sqlite_layout.h). Rows go in id order; with a reorder mapping they go
// first into a staging table beside the file and are copied over sorted by their new id, so the
// metadata table is written append-only (SQLite's external sorter keeps memory bounded) instead
// of inserting at random rowids, which splits pages and thrashes a small cache.

#include <chrono>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/log.h"
#include "core/progress_bar.h"
#include "core/stopwatch.h"
#include "metadata/metadata_store.h"
#include "metadata/sqlite_database.h"
#include "metadata/sqlite_layout.h"
#include "parquet/column.h"
#include "parquet/parquet_types.h"

namespace clipret::metadata {

namespace {

// Page cache while building: large enough that b-tree appends rarely re-read pages.
constexpr const char* kBuildCacheKib = "-65536";
// Builds this large show a progress bar (smaller ones take a second or two).
constexpr int64_t kProgressMinRows = 1'000'000;

// Removes the files of an unfinished build when leaving early.
class TemporaryFiles {
 public:
  void add(std::string path) { paths_.push_back(std::move(path)); }
  void release() { paths_.clear(); }
  ~TemporaryFiles() {
    for (const std::string& path : paths_) std::remove(path.c_str());
  }

 private:
  std::vector<std::string> paths_;
};

const char* declared_type(ValueKind kind) {
  switch (kind) {
    case ValueKind::kBool:
    case ValueKind::kInt:
      return " INTEGER";
    case ValueKind::kDouble:
      return " REAL";
    case ValueKind::kString:
      return " TEXT";
    case ValueKind::kNull:
      return "";
  }
  return "";
}

std::string column_definitions(const std::vector<SourceColumn>& columns) {
  if (columns.empty()) return "clipret_no_column";  // a table needs one column; never filled
  std::string sql;
  for (const SourceColumn& column : columns) {
    if (!sql.empty()) sql += ", ";
    sql += quote_identifier(column.name) + declared_type(column.kind);
  }
  return sql;
}

std::string column_list(const std::vector<SourceColumn>& columns) {
  std::string sql;
  for (const SourceColumn& column : columns) sql += ", " + quote_identifier(column.name);
  return sql;
}

std::string placeholders(size_t n) {
  std::string sql = "?";
  for (size_t i = 0; i < n; ++i) sql += ", ?";
  return sql;
}

// Binds row `row` of `column` (nullptr: null) as parameter `index`.
void bind_cell(SqliteStatement& statement, int index, const parquet::Column* column, size_t row,
               ValueKind kind) {
  if (column == nullptr || column->is_null(row) ||
      column->type().logical.kind == parquet::LogicalKind::kNull) {
    statement.bind_null(index);
    return;
  }
  if (kind == ValueKind::kString) {  // the bytes straight from the column, no copy
    statement.bind_text(index, column->bytes_at(row));
    return;
  }
  const MetadataValue value = value_at(*column, row, kind);
  if (const auto* b = std::get_if<bool>(&value)) {
    statement.bind_int64(index, *b ? 1 : 0);
  } else if (const auto* i = std::get_if<int64_t>(&value)) {
    statement.bind_int64(index, *i);
  } else if (const auto* d = std::get_if<double>(&value)) {
    statement.bind_double(index, *d);
  } else {
    statement.bind_null(index);
  }
}

void write_layout_tables(SqliteDatabase& db, const MetadataSource& source,
                         const SqliteBuildRequest& request) {
  db.exec(
      "CREATE TABLE clipret_info(key TEXT PRIMARY KEY, value TEXT);"
      "CREATE TABLE clipret_columns(position INTEGER, name TEXT, kind TEXT, stored INTEGER);"
      "CREATE TABLE clipret_sources(position INTEGER, name TEXT, size INTEGER, mtime_ns "
      "INTEGER);");
  SqliteStatement info = db.prepare("INSERT INTO clipret_info VALUES(?, ?)");
  for (const auto& [key, value] :
       {std::pair<std::string, std::string>("format_version", std::to_string(kSqliteFormatVersion)),
        std::pair<std::string, std::string>("num_rows", std::to_string(source.num_rows()))}) {
    info.bind_text(1, key);
    info.bind_text(2, value);
    info.step();
    info.reset();
  }
  SqliteStatement columns = db.prepare("INSERT INTO clipret_columns VALUES(?, ?, ?, ?)");
  for (size_t i = 0; i < source.columns().size(); ++i) {
    const SourceColumn& column = source.columns()[i];
    bool stored = false;
    for (const SourceColumn& s : request.stored_columns) stored = stored || s.name == column.name;
    columns.bind_int64(1, static_cast<int64_t>(i));
    columns.bind_text(2, column.name);
    columns.bind_text(3, value_kind_name(column.kind));
    columns.bind_int64(4, stored ? 1 : 0);
    columns.step();
    columns.reset();
  }
  SqliteStatement sources = db.prepare("INSERT INTO clipret_sources VALUES(?, ?, ?, ?)");
  for (size_t i = 0; i < request.sources.size(); ++i) {
    const SourceFile& file = request.sources[i];
    sources.bind_int64(1, static_cast<int64_t>(i));
    sources.bind_text(2, file.name);
    sources.bind_int64(3, static_cast<int64_t>(file.size));
    sources.bind_int64(4, file.mtime_ns);
    sources.step();
    sources.reset();
  }
}

// Inserts every source row into `table` as (rowid or new_id, columns...).
void insert_rows(SqliteDatabase& db, const MetadataSource& source,
                 const SqliteBuildRequest& request, const std::string& insert_sql) {
  const std::vector<SourceColumn>& columns = request.stored_columns;
  SqliteStatement insert = db.prepare(insert_sql);
  core::ProgressBar progress({.label = "building " + request.db_path,
                              .unit = "rows",
                              .total = static_cast<uint64_t>(source.num_rows()),
                              .enabled = source.num_rows() >= kProgressMinRows});
  source.read(columns, [&](const SourceBatch& batch) {
    for (size_t r = 0; r < batch.num_rows; ++r) {
      const int64_t id = batch.first_row + static_cast<int64_t>(r);
      int64_t key = id;
      if (request.reorder != nullptr) {
        key = request.reorder->map(id);
        CLIPRET_CHECK(key >= 0 && key < source.num_rows(), InvalidInput,
                      "%s: the IVF mapping gives row %lld the id %lld, outside [0, %lld)",
                      request.db_path.c_str(), static_cast<long long>(id),
                      static_cast<long long>(key), static_cast<long long>(source.num_rows()));
      }
      insert.bind_int64(1, key);
      for (size_t c = 0; c < columns.size(); ++c) {
        bind_cell(insert, static_cast<int>(c) + 2, batch.columns[c], r, columns[c].kind);
      }
      insert.step();
      insert.reset();
    }
    progress.add(batch.num_rows);
  });
  progress.finish();
}

}  // namespace

void build_sqlite_store(const MetadataSource& source, const SqliteBuildRequest& request) {
  const auto start = std::chrono::steady_clock::now();
  if (request.reorder != nullptr) {
    CLIPRET_CHECK(request.reorder->size() == source.num_rows(), InvalidInput,
                  "%s: the image index holds %lld vectors but the metadata has %lld rows",
                  request.db_path.c_str(), static_cast<long long>(request.reorder->size()),
                  static_cast<long long>(source.num_rows()));
  }
  const std::string temp_path = core::temporary_path_for(request.db_path);
  const std::string staging_path = temp_path + "-staging";
  TemporaryFiles temporaries;
  temporaries.add(temp_path);
  temporaries.add(staging_path);
  // Stale files of a dead process with the same pid would be opened, not replaced.
  std::remove(temp_path.c_str());
  std::remove(staging_path.c_str());
  {
    SqliteDatabase db = SqliteDatabase::create(temp_path);
    // A temporary file: no journal and no syncs until it is complete and renamed.
    db.exec(std::string("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; "
                        "PRAGMA locking_mode=EXCLUSIVE; PRAGMA cache_size=") +
            kBuildCacheKib + ";");
    db.exec("BEGIN");
    write_layout_tables(db, source, request);
    db.exec("CREATE TABLE metadata(" + column_definitions(request.stored_columns) + ")");
    const std::string names = column_list(request.stored_columns);
    const std::string values = placeholders(request.stored_columns.size());
    if (request.stored_columns.empty()) {
      // Nothing to store: the row count in clipret_info answers for every id.
    } else if (request.reorder == nullptr) {
      insert_rows(db, source, request,
                  "INSERT INTO metadata(rowid" + names + ") VALUES(" + values + ")");
    } else {
      db.exec("COMMIT");
      db.exec("ATTACH DATABASE " + quote_identifier(staging_path) + " AS staging");
      db.exec("PRAGMA staging.journal_mode=OFF; PRAGMA staging.synchronous=OFF;");
      db.exec("BEGIN");
      db.exec("CREATE TABLE staging.rows(new_id INTEGER" + column_list(request.stored_columns) +
              ")");
      insert_rows(db, source, request,
                  "INSERT INTO staging.rows(new_id" + names + ") VALUES(" + values + ")");
      db.exec("INSERT INTO main.metadata(rowid" + names + ") SELECT new_id" + names +
              " FROM staging.rows ORDER BY new_id");
      db.exec("COMMIT");
      db.exec("DETACH DATABASE staging");
      std::remove(staging_path.c_str());
      db.exec("BEGIN");
    }
    db.exec("COMMIT");
  }
  core::rename_into_place(temp_path, request.db_path);
  temporaries.release();
  const double seconds = core::seconds_since(start);
  CLIPRET_LOG_INFO("metadata: built %s (%lld rows) in %.1f s", request.db_path.c_str(),
                   static_cast<long long>(source.num_rows()), seconds);
}

}  // namespace clipret::metadata
