// metadata/in_memory_store.h: the default store: the served columns of every metadata Parquet file
// held in RAM (spec §3.8 "default"), compactly (see compact_column.h).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "metadata/compact_column.h"
#include "metadata/metadata_store.h"

namespace clipret::metadata {

class MetadataSource;

class InMemoryStore final : public MetadataStore {
 public:
  // Reads the columns_to_return (empty: the default) present in `source`'s files.
  static std::unique_ptr<InMemoryStore> load(const MetadataSource& source,
                                             const std::vector<std::string>& columns_to_return);

  int64_t num_rows() const override { return num_rows_; }
  const std::vector<std::string>& columns() const override { return names_; }
  void for_each_row(std::span<const int64_t> ids,
                    const MetadataRowCallback& callback) const override;

  // Heap bytes held by the columns.
  size_t memory_bytes() const;

 private:
  InMemoryStore() = default;

  int64_t num_rows_ = 0;
  std::vector<std::string> names_;
  std::vector<CompactColumn> columns_;
};

}  // namespace clipret::metadata
