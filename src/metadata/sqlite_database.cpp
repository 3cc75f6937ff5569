#include "metadata/sqlite_database.h"

#include <sqlite3.h>

#include <utility>

#include "core/error.h"

namespace clipret::metadata {

namespace {

// A path as an SQLite URI path: '%', '?' and '#' would otherwise be read as URI syntax.
std::string uri_escape(const std::string& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : path) {
    if (c == '%' || c == '?' || c == '#') {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 15];
    } else {
      out += c;
    }
  }
  return out;
}

sqlite3* open_connection(const std::string& name, const std::string& filename, int flags) {
  sqlite3* db = nullptr;
  const int code = sqlite3_open_v2(filename.c_str(), &db, flags, nullptr);
  if (code != SQLITE_OK) {
    const std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    sqlite3_close(db);
    CLIPRET_THROW(Io, "%s: cannot open SQLite database: %s", name.c_str(), message.c_str());
  }
  sqlite3_extended_result_codes(db, 1);
  return db;
}

}  // namespace

SqliteDatabase SqliteDatabase::create(const std::string& path) {
  return SqliteDatabase(
      open_connection(path, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX),
      path);
}

SqliteDatabase SqliteDatabase::open_read_only(const std::string& path) {
  const std::string uri = "file:" + uri_escape(path) + "?immutable=1";
  return SqliteDatabase(open_connection(path, uri,
                                        SQLITE_OPEN_READONLY | SQLITE_OPEN_URI |
                                            SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE),
                        path);
}

SqliteDatabase::SqliteDatabase(SqliteDatabase&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)) {}

SqliteDatabase& SqliteDatabase::operator=(SqliteDatabase&& other) noexcept {
  if (this != &other) {
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
  }
  return *this;
}

SqliteDatabase::~SqliteDatabase() {
  sqlite3_close_v2(db_);
}

void SqliteDatabase::fail(const char* what) const {
  CLIPRET_THROW(Io, "%s: SQLite %s failed: %s", path_.c_str(), what, sqlite3_errmsg(db_));
}

void SqliteDatabase::exec(const std::string& sql) {
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK) fail(sql.c_str());
}

SqliteStatement SqliteDatabase::prepare(const std::string& sql) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                         &statement, nullptr) != SQLITE_OK) {
    fail(sql.c_str());
  }
  return SqliteStatement(statement, this);
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
    : statement_(std::exchange(other.statement_, nullptr)), db_(other.db_) {}

SqliteStatement& SqliteStatement::operator=(SqliteStatement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(statement_);
    statement_ = std::exchange(other.statement_, nullptr);
    db_ = other.db_;
  }
  return *this;
}

SqliteStatement::~SqliteStatement() {
  sqlite3_finalize(statement_);
}

void SqliteStatement::check_bind(int code) {
  if (code != SQLITE_OK) db_->fail("bind");
}

void SqliteStatement::bind_null(int index) {
  check_bind(sqlite3_bind_null(statement_, index));
}
void SqliteStatement::bind_int64(int index, int64_t value) {
  check_bind(sqlite3_bind_int64(statement_, index, value));
}
void SqliteStatement::bind_double(int index, double value) {
  check_bind(sqlite3_bind_double(statement_, index, value));
}
void SqliteStatement::bind_text(int index, std::string_view value) {
  check_bind(sqlite3_bind_text64(statement_, index, value.data(), value.size(), SQLITE_STATIC,
                                 SQLITE_UTF8));
}

bool SqliteStatement::step() {
  const int code = sqlite3_step(statement_);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  db_->fail("step");
}

void SqliteStatement::reset() {
  sqlite3_reset(statement_);
}

SqliteStatement::Type SqliteStatement::column_type(int column) const {
  switch (sqlite3_column_type(statement_, column)) {
    case SQLITE_INTEGER:
      return Type::kInteger;
    case SQLITE_FLOAT:
      return Type::kFloat;
    case SQLITE_TEXT:
      return Type::kText;
    case SQLITE_BLOB:
      return Type::kBlob;
    default:
      return Type::kNull;
  }
}

int64_t SqliteStatement::column_int64(int column) const {
  return sqlite3_column_int64(statement_, column);
}
double SqliteStatement::column_double(int column) const {
  return sqlite3_column_double(statement_, column);
}
std::string_view SqliteStatement::column_bytes(int column) const {
  // column_blob before column_bytes: the pointer and the length then describe the same bytes.
  const void* data = sqlite3_column_blob(statement_, column);
  const int size = sqlite3_column_bytes(statement_, column);
  if (data == nullptr) return {};
  return std::string_view(static_cast<const char*>(data), static_cast<size_t>(size));
}

std::string quote_identifier(std::string_view name) {
  std::string out = "\"";
  for (const char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace clipret::metadata
