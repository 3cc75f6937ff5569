// metadata/sqlite_store.h: the on-disk store (`enable_hdf5`): rows read from a SQLite file built
// once from the Parquet files (sqlite_layout.h), so resident memory stays near zero whatever the
// metadata's size.
//
// Each request borrows a read-only connection from a pool (one per concurrent caller, created on
// demand, each with a small page cache); the OS page cache does the rest. A request's ids are
// sorted, and ids that lie close together are read with one range scan, so metadata reordered by
// the IVF lists (whose search results are contiguous runs) loads with few page reads. The rows
// fetched are held compactly (one byte arena per request) and handed out in request order.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "metadata/metadata_source.h"
#include "metadata/metadata_store.h"

namespace clipret::metadata {

struct SqliteStoreOptions {
  // SQLite page cache of each pooled connection, in KiB: more saves re-reading hot pages through
  // the OS, and costs that much resident memory per concurrent caller.
  int cache_kib = 1024;
};

class SqliteStore final : public MetadataStore {
 public:
  // Opens a built file and serves columns_to_return (empty: the default) ∩ its stored columns.
  // Throws Error(kIo) or Error(kCorrupt) naming the file.
  static std::unique_ptr<SqliteStore> open(const std::string& db_path,
                                           const std::vector<std::string>& columns_to_return,
                                           const SqliteStoreOptions& options = {});
  ~SqliteStore() override;

  int64_t num_rows() const override { return num_rows_; }
  const std::vector<std::string>& columns() const override { return names_; }
  void for_each_row(std::span<const int64_t> ids,
                    const MetadataRowCallback& callback) const override;

 private:
  struct Connection;
  class Lease;
  SqliteStore() = default;
  std::unique_ptr<Connection> connect() const;
  // for_each_row over one bounded chunk of the request.
  void for_each_row_chunk(std::span<const int64_t> ids, size_t first_index,
                          const MetadataRowCallback& callback) const;

  std::string path_;
  SqliteStoreOptions options_;
  int64_t num_rows_ = 0;
  size_t bytes_per_row_ = 0;  // the file's size per row: a request's arena is reserved from it
  std::vector<SourceColumn> served_;
  std::vector<std::string> names_;
  mutable std::mutex pool_mutex_;
  mutable std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace clipret::metadata
