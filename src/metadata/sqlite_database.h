// metadata/sqlite_database.h: small RAII wrappers over a SQLite connection and a prepared
// statement, throwing clipret::Error that names the database file. Internal to metadata/: the
// sqlite3 header stays in the .cpp files.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

struct sqlite3;
struct sqlite3_stmt;

namespace clipret::metadata {

class SqliteStatement;

class SqliteDatabase {
 public:
  // Opens read-write, creating the file. Throws Error(kIo).
  static SqliteDatabase create(const std::string& path);
  // Opens read-only as an immutable file (no locking: the store never changes a built file, it
  // replaces it by rename), one connection per thread (no mutex). Throws Error(kIo).
  static SqliteDatabase open_read_only(const std::string& path);

  SqliteDatabase(SqliteDatabase&& other) noexcept;
  SqliteDatabase& operator=(SqliteDatabase&& other) noexcept;
  SqliteDatabase(const SqliteDatabase&) = delete;
  SqliteDatabase& operator=(const SqliteDatabase&) = delete;
  ~SqliteDatabase();

  const std::string& path() const { return path_; }
  // Runs statements without results. Throws Error(kIo) with SQLite's message.
  void exec(const std::string& sql);
  SqliteStatement prepare(const std::string& sql);
  // Throws Error(kIo) naming the file, `what` and SQLite's last message.
  [[noreturn]] void fail(const char* what) const;

 private:
  SqliteDatabase(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_ = nullptr;
  std::string path_;
};

class SqliteStatement {
 public:
  SqliteStatement(SqliteStatement&& other) noexcept;
  SqliteStatement& operator=(SqliteStatement&& other) noexcept;
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;
  ~SqliteStatement();

  // Parameters count from 1. The string's bytes must outlive the next step().
  void bind_null(int index);
  void bind_int64(int index, int64_t value);
  void bind_double(int index, double value);
  void bind_text(int index, std::string_view value);

  // Runs one step: true when a row is ready, false when done. Throws Error(kIo).
  bool step();
  // Ready for another run; bindings are kept until rebound.
  void reset();

  enum class Type { kNull, kInteger, kFloat, kText, kBlob };
  Type column_type(int column) const;
  int64_t column_int64(int column) const;
  double column_double(int column) const;
  // The bytes of a TEXT or BLOB column (valid until the next step or reset).
  std::string_view column_bytes(int column) const;

 private:
  friend class SqliteDatabase;
  SqliteStatement(sqlite3_stmt* statement, const SqliteDatabase* db)
      : statement_(statement), db_(db) {}
  void check_bind(int code);
  sqlite3_stmt* statement_ = nullptr;
  // For messages: the database must outlive its statements and stay at its address (a moved
  // SqliteDatabase leaves its statements pointing at the old object).
  const SqliteDatabase* db_ = nullptr;
};

// `name` as an SQL identifier: in double quotes, inner quotes doubled.
std::string quote_identifier(std::string_view name);

}  // namespace clipret::metadata
