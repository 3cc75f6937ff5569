#include "metadata/sqlite_store.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <filesystem>
#include <utility>

#include "core/error.h"
#include "metadata/sqlite_database.h"
#include "metadata/sqlite_layout.h"

namespace clipret::metadata {

namespace {

// Ids per `rowid IN (...)` lookup: amortises the statement's overhead over many seeks.
constexpr size_t kInBatch = 128;
// Sorted ids at most this far apart are read by one range scan, skipping the rows in between...
constexpr int64_t kMaxRangeGap = 4;
// ...when the run holds at least this many ids (below it, seeks are cheaper).
constexpr size_t kMinRangeIds = 16;
// Ids fetched and buffered at once: bounds a huge request's memory.
constexpr size_t kMaxIdsPerChunk = size_t{1} << 20;
// Upper bound of the arena reserved up front for one chunk.
constexpr size_t kMaxArenaReserve = size_t{1} << 30;

}  // namespace

struct SqliteStore::Connection {
  // On the heap: the statements keep a pointer to it for their error messages.
  std::unique_ptr<SqliteDatabase> db;
  SqliteStatement by_range;  // ?1 <= rowid <= ?2
  SqliteStatement by_batch;  // rowid IN (?1 .. ?kInBatch)
};

// A pooled connection, given back when the request is done.
class SqliteStore::Lease {
 public:
  explicit Lease(const SqliteStore& store) : store_(store) {
    {
      std::lock_guard<std::mutex> lock(store_.pool_mutex_);
      if (!store_.idle_.empty()) {
        connection_ = std::move(store_.idle_.back());
        store_.idle_.pop_back();
      }
    }
    if (!connection_) connection_ = store_.connect();
  }
  ~Lease() {
    // A request that threw may have left a statement mid-run.
    connection_->by_range.reset();
    connection_->by_batch.reset();
    std::lock_guard<std::mutex> lock(store_.pool_mutex_);
    store_.idle_.push_back(std::move(connection_));
  }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  Connection& operator*() { return *connection_; }

 private:
  const SqliteStore& store_;
  std::unique_ptr<Connection> connection_;
};

std::unique_ptr<SqliteStore> SqliteStore::open(const std::string& db_path,
                                               const std::vector<std::string>& columns_to_return,
                                               const SqliteStoreOptions& options) {
  std::unique_ptr<SqliteStore> store(new SqliteStore());
  store->path_ = db_path;
  store->options_ = options;
  SqliteDatabase db = SqliteDatabase::open_read_only(db_path);
  const SqliteLayout layout = read_sqlite_layout(db);
  CLIPRET_CHECK(layout.format_version == kSqliteFormatVersion, Corrupt,
                "%s: format version %d, expected %d", db_path.c_str(), layout.format_version,
                kSqliteFormatVersion);
  store->num_rows_ = layout.num_rows;
  std::error_code ignored;
  const uintmax_t file_bytes = std::filesystem::file_size(db_path, ignored);
  if (layout.num_rows > 0 && file_bytes != static_cast<uintmax_t>(-1)) {
    store->bytes_per_row_ =
        static_cast<size_t>(file_bytes / static_cast<uintmax_t>(layout.num_rows));
  }
  for (const SourceColumn& wanted : select_columns(layout.columns, columns_to_return)) {
    const bool stored = std::any_of(layout.stored_columns.begin(), layout.stored_columns.end(),
                                    [&](const SourceColumn& c) { return c.name == wanted.name; });
    CLIPRET_CHECK(stored, InvalidInput,
                  "%s: column '%s' was not stored when the file was built; remove it to rebuild",
                  db_path.c_str(), wanted.name.c_str());
    store->served_.push_back(wanted);
    store->names_.push_back(wanted.name);
  }
  // The first connection proves the file readable now rather than at the first request.
  store->idle_.push_back(store->connect());
  return store;
}

SqliteStore::~SqliteStore() = default;

std::unique_ptr<SqliteStore::Connection> SqliteStore::connect() const {
  auto db = std::make_unique<SqliteDatabase>(SqliteDatabase::open_read_only(path_));
  db->exec("PRAGMA cache_size=-" + std::to_string(options_.cache_kib));
  std::string select = "SELECT rowid";
  for (const SourceColumn& column : served_) select += ", " + quote_identifier(column.name);
  select += " FROM metadata WHERE rowid ";
  std::string in_list;
  for (size_t i = 0; i < kInBatch; ++i) in_list += i == 0 ? "?" : ", ?";
  SqliteStatement by_range = db->prepare(select + "BETWEEN ?1 AND ?2");
  SqliteStatement by_batch = db->prepare(select + "IN (" + in_list + ")");
  return std::make_unique<Connection>(std::move(db), std::move(by_range), std::move(by_batch));
}

namespace {

// One fetched cell: an integer, a double's bits, or a string's place in the request's arena.
struct FetchedCell {
  enum class Type : uint8_t { kNull, kBool, kInt, kDouble, kString };
  uint64_t value = 0;   // int64, double bits, or arena offset
  uint32_t length = 0;  // string bytes (SQLite values are below 2^31 bytes)
  Type type = Type::kNull;
};

void fetch_row(const SqliteStatement& statement, const std::vector<SourceColumn>& columns,
               FetchedCell* out, std::string& arena) {
  for (size_t c = 0; c < columns.size(); ++c) {
    const int index = static_cast<int>(c) + 1;  // column 0 is the rowid
    FetchedCell& cell = out[c];
    switch (statement.column_type(index)) {
      case SqliteStatement::Type::kNull:
        cell.type = FetchedCell::Type::kNull;
        break;
      case SqliteStatement::Type::kInteger: {
        const int64_t value = statement.column_int64(index);
        if (columns[c].kind == ValueKind::kBool) {
          cell.type = FetchedCell::Type::kBool;
          cell.value = value != 0;
        } else if (columns[c].kind == ValueKind::kDouble) {
          cell.type = FetchedCell::Type::kDouble;
          cell.value = std::bit_cast<uint64_t>(static_cast<double>(value));
        } else {
          cell.type = FetchedCell::Type::kInt;
          cell.value = static_cast<uint64_t>(value);
        }
        break;
      }
      case SqliteStatement::Type::kFloat:
        cell.type = FetchedCell::Type::kDouble;
        cell.value = std::bit_cast<uint64_t>(statement.column_double(index));
        break;
      case SqliteStatement::Type::kText:
      case SqliteStatement::Type::kBlob: {
        const std::string_view bytes = statement.column_bytes(index);
        cell.type = FetchedCell::Type::kString;
        cell.value = arena.size();
        cell.length = static_cast<uint32_t>(bytes.size());
        arena.append(bytes);
        break;
      }
    }
  }
}

MetadataCell lend(const FetchedCell& cell, const std::string& arena) {
  switch (cell.type) {
    case FetchedCell::Type::kNull:
      return {};
    case FetchedCell::Type::kBool:
      return cell.value != 0;
    case FetchedCell::Type::kInt:
      return static_cast<int64_t>(cell.value);
    case FetchedCell::Type::kDouble:
      return std::bit_cast<double>(cell.value);
    case FetchedCell::Type::kString:
      return std::string_view(arena).substr(cell.value, cell.length);
  }
  return {};
}

}  // namespace

void SqliteStore::for_each_row(std::span<const int64_t> ids,
                               const MetadataRowCallback& callback) const {
  for (size_t begin = 0; begin < ids.size(); begin += kMaxIdsPerChunk) {
    const size_t n = std::min(kMaxIdsPerChunk, ids.size() - begin);
    for_each_row_chunk(ids.subspan(begin, n), begin, callback);
  }
}

void SqliteStore::for_each_row_chunk(std::span<const int64_t> ids, size_t first_index,
                                     const MetadataRowCallback& callback) const {
  // (id, position in `ids`) of the valid ids, sorted by id.
  std::vector<std::pair<int64_t, uint32_t>> wanted;
  wanted.reserve(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] >= 0 && ids[i] < num_rows_) wanted.emplace_back(ids[i], static_cast<uint32_t>(i));
  }
  if (served_.empty()) {
    for (const auto& [id, position] : wanted) callback(first_index + position, {});
    return;
  }
  std::sort(wanted.begin(), wanted.end());
  // unique[k]: the distinct ids; slot[position]: the k of ids[position] (kNoSlot if invalid).
  constexpr uint32_t kNoSlot = UINT32_MAX;
  std::vector<int64_t> unique;
  std::vector<uint32_t> slot(ids.size(), kNoSlot);
  for (size_t i = 0; i < wanted.size(); ++i) {
    if (i == 0 || wanted[i].first != wanted[i - 1].first) unique.push_back(wanted[i].first);
    slot[wanted[i].second] = static_cast<uint32_t>(unique.size() - 1);
  }
  wanted = {};

  const size_t width = served_.size();
  std::vector<FetchedCell> cells(unique.size() * width);
  std::vector<uint8_t> found(unique.size(), 0);
  std::string arena;
  // Sized from the file's bytes per row: growing by doubling would copy and page-fault the
  // arena twice over.
  arena.reserve(std::min(unique.size() * bytes_per_row_, kMaxArenaReserve));
  const auto store_row = [&](const SqliteStatement& statement, size_t k) {
    fetch_row(statement, served_, &cells[k * width], arena);
    found[k] = 1;
  };
  {
    Lease lease(*this);
    Connection& connection = *lease;
    std::vector<size_t> batch;  // indices into `unique` waiting for an IN lookup
    const auto flush_batch = [&] {
      if (batch.empty()) return;
      SqliteStatement& statement = connection.by_batch;
      for (size_t p = 0; p < kInBatch; ++p) {
        // Unused slots repeat the last id: IN ignores duplicates.
        statement.bind_int64(static_cast<int>(p) + 1, unique[batch[std::min(p, batch.size() - 1)]]);
      }
      while (statement.step()) {
        const int64_t rowid = statement.column_int64(0);
        const auto it = std::lower_bound(unique.begin(), unique.end(), rowid);
        store_row(statement, static_cast<size_t>(it - unique.begin()));
      }
      statement.reset();
      batch.clear();
    };
    for (size_t k = 0; k < unique.size();) {
      size_t end = k + 1;  // the run [k, end) of ids close together
      while (end < unique.size() && unique[end] - unique[end - 1] <= kMaxRangeGap) ++end;
      if (end - k >= kMinRangeIds) {
        SqliteStatement& statement = connection.by_range;
        statement.bind_int64(1, unique[k]);
        statement.bind_int64(2, unique[end - 1]);
        size_t next = k;
        while (statement.step()) {
          const int64_t rowid = statement.column_int64(0);
          while (next < end && unique[next] < rowid) ++next;
          if (next < end && unique[next] == rowid) store_row(statement, next);
        }
        statement.reset();
      } else {
        for (size_t j = k; j < end; ++j) {
          batch.push_back(j);
          if (batch.size() == kInBatch) flush_batch();
        }
      }
      k = end;
    }
    flush_batch();
  }

  std::vector<MetadataCell> row(width);
  for (size_t i = 0; i < ids.size(); ++i) {
    const uint32_t k = slot[i];
    if (k == kNoSlot || found[k] == 0) continue;
    for (size_t c = 0; c < width; ++c) row[c] = lend(cells[k * width + c], arena);
    callback(first_index + i, row);
  }
}

}  // namespace clipret::metadata
