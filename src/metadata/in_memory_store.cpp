#include "metadata/in_memory_store.h"

#include "core/log.h"
#include "metadata/metadata_source.h"

namespace clipret::metadata {

std::unique_ptr<InMemoryStore> InMemoryStore::load(
    const MetadataSource& source, const std::vector<std::string>& columns_to_return) {
  std::unique_ptr<InMemoryStore> store(new InMemoryStore());
  const std::vector<SourceColumn> served = source.served_columns(columns_to_return);
  for (const SourceColumn& column : served) {
    store->names_.push_back(column.name);
    store->columns_.emplace_back(column.kind);
  }
  source.read(served, [&](const SourceBatch& batch) {
    for (size_t c = 0; c < served.size(); ++c) {
      store->columns_[c].append(batch.columns[c], batch.num_rows);
    }
  });
  for (CompactColumn& column : store->columns_) column.shrink_to_fit();
  store->num_rows_ = source.num_rows();
  CLIPRET_LOG_INFO("metadata: %lld rows of %zu columns in memory (%.1f MiB)",
                   static_cast<long long>(store->num_rows_), store->columns_.size(),
                   static_cast<double>(store->memory_bytes()) / (1 << 20));
  return store;
}

void InMemoryStore::for_each_row(std::span<const int64_t> ids,
                                 const MetadataRowCallback& callback) const {
  std::vector<MetadataCell> cells(columns_.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    const int64_t id = ids[i];
    if (id < 0 || id >= num_rows_) continue;
    for (size_t c = 0; c < columns_.size(); ++c) cells[c] = columns_[c].cell(id);
    callback(i, cells);
  }
}

size_t InMemoryStore::memory_bytes() const {
  size_t bytes = 0;
  for (const CompactColumn& column : columns_) bytes += column.memory_bytes();
  return bytes;
}

}  // namespace clipret::metadata
