#include "metadata/sqlite_layout.h"

#include <algorithm>
#include <filesystem>

#include "core/error.h"
#include "metadata/sqlite_database.h"

namespace clipret::metadata {

SqliteLayout read_sqlite_layout(SqliteDatabase& db) {
  SqliteLayout layout;
  try {
    SqliteStatement info = db.prepare("SELECT key, value FROM clipret_info");
    while (info.step()) {
      const std::string key(info.column_bytes(0));
      const std::string value(info.column_bytes(1));
      if (key == "format_version") layout.format_version = std::stoi(value);
      if (key == "num_rows") layout.num_rows = std::stoll(value);
    }
    SqliteStatement columns =
        db.prepare("SELECT name, kind, stored FROM clipret_columns ORDER BY position");
    while (columns.step()) {
      SourceColumn column{std::string(columns.column_bytes(0)),
                          parse_value_kind(std::string(columns.column_bytes(1)), db.path())};
      if (columns.column_int64(2) != 0) layout.stored_columns.push_back(column);
      layout.columns.push_back(std::move(column));
    }
    SqliteStatement sources =
        db.prepare("SELECT name, size, mtime_ns FROM clipret_sources ORDER BY position");
    while (sources.step()) {
      SourceFile file;
      file.name = std::string(sources.column_bytes(0));
      file.size = static_cast<uint64_t>(sources.column_int64(1));
      file.mtime_ns = sources.column_int64(2);
      layout.sources.push_back(std::move(file));
    }
  } catch (const Error& error) {
    CLIPRET_THROW(Corrupt, "%s: not a complete metadata store (%s)", db.path().c_str(),
                  error.what());
  } catch (const std::logic_error& error) {  // std::stoi on a bad value
    CLIPRET_THROW(Corrupt, "%s: bad clipret_info value (%s)", db.path().c_str(), error.what());
  }
  return layout;
}

std::string sqlite_store_staleness(const std::string& db_path,
                                   const std::vector<SourceFile>& sources,
                                   const std::vector<std::string>& columns_to_return) {
  std::error_code ignored;
  if (!std::filesystem::exists(db_path, ignored)) return "not built yet";
  SqliteLayout layout;
  try {
    SqliteDatabase db = SqliteDatabase::open_read_only(db_path);
    layout = read_sqlite_layout(db);
  } catch (const Error& error) {
    return error.what();
  }
  if (layout.format_version != kSqliteFormatVersion) return "built by another version";
  if (layout.sources.size() != sources.size()) return "the source files changed";
  for (size_t i = 0; i < sources.size(); ++i) {
    const SourceFile& was = layout.sources[i];
    const SourceFile& now = sources[i];
    if (was.name != now.name || was.size != now.size || was.mtime_ns != now.mtime_ns) {
      return "source file " + now.name + " changed";
    }
  }
  for (const SourceColumn& wanted : select_columns(layout.columns, columns_to_return)) {
    const bool stored = std::any_of(layout.stored_columns.begin(), layout.stored_columns.end(),
                                    [&](const SourceColumn& c) { return c.name == wanted.name; });
    if (!stored) return "column " + wanted.name + " is not stored";
  }
  return "";
}

}  // namespace clipret::metadata
