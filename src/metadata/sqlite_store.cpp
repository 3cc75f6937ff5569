#include "metadata/sqlite_store.h"

#include <algorithm>
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

}  // namespace

struct SqliteStore::Connection {
  SqliteDatabase db;
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
  SqliteDatabase db = SqliteDatabase::open_read_only(path_);
  db.exec("PRAGMA cache_size=-" + std::to_string(options_.cache_kib));
  std::string select = "SELECT rowid";
  for (const SourceColumn& column : served_) select += ", " + quote_identifier(column.name);
  select += " FROM metadata WHERE rowid ";
  std::string in_list;
  for (size_t i = 0; i < kInBatch; ++i) in_list += i == 0 ? "?" : ", ?";
  SqliteStatement by_range = db.prepare(select + "BETWEEN ?1 AND ?2");
  SqliteStatement by_batch = db.prepare(select + "IN (" + in_list + ")");
  return std::unique_ptr<Connection>(
      new Connection{std::move(db), std::move(by_range), std::move(by_batch)});
}

namespace {

MetadataRow read_row(const SqliteStatement& statement, const std::vector<SourceColumn>& columns,
                     const std::vector<std::string>& names) {
  MetadataRow row;
  row.fields.reserve(columns.size());
  for (size_t c = 0; c < columns.size(); ++c) {
    const int index = static_cast<int>(c) + 1;  // column 0 is the rowid
    MetadataValue value;
    switch (statement.column_type(index)) {
      case SqliteStatement::Type::kNull:
        break;
      case SqliteStatement::Type::kInteger:
        if (columns[c].kind == ValueKind::kBool) {
          value = statement.column_int64(index) != 0;
        } else if (columns[c].kind == ValueKind::kDouble) {
          value = static_cast<double>(statement.column_int64(index));
        } else {
          value = statement.column_int64(index);
        }
        break;
      case SqliteStatement::Type::kFloat:
        value = statement.column_double(index);
        break;
      case SqliteStatement::Type::kText:
      case SqliteStatement::Type::kBlob:
        value = std::string(statement.column_bytes(index));
        break;
    }
    row.fields.emplace_back(names[c], std::move(value));
  }
  return row;
}

}  // namespace

std::vector<std::optional<MetadataRow>> SqliteStore::get(std::span<const int64_t> ids) const {
  std::vector<std::optional<MetadataRow>> rows(ids.size());
  // (id, request position) of the valid ids, sorted by id.
  std::vector<std::pair<int64_t, size_t>> wanted;
  wanted.reserve(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] >= 0 && ids[i] < num_rows_) wanted.emplace_back(ids[i], i);
  }
  if (wanted.empty()) return rows;
  if (served_.empty()) {
    for (const auto& [id, position] : wanted) rows[position].emplace();
    return rows;
  }
  std::sort(wanted.begin(), wanted.end());
  // unique[k] is an id, first[k] its first entry in `wanted`.
  std::vector<int64_t> unique;
  std::vector<size_t> first;
  for (size_t i = 0; i < wanted.size(); ++i) {
    if (i == 0 || wanted[i].first != wanted[i - 1].first) {
      unique.push_back(wanted[i].first);
      first.push_back(i);
    }
  }
  const auto store_row = [&](const SqliteStatement& statement, size_t k) {
    rows[wanted[first[k]].second] = read_row(statement, served_, names_);
  };

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

  // Repeated ids get copies of the row read once.
  for (size_t k = 0; k < unique.size(); ++k) {
    const size_t last = k + 1 < unique.size() ? first[k + 1] : wanted.size();
    for (size_t i = first[k] + 1; i < last; ++i) {
      rows[wanted[i].second] = rows[wanted[first[k]].second];
    }
  }
  return rows;
}

}  // namespace clipret::metadata
