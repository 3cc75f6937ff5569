// metadata/compact_column.h: one served column held in memory with little overhead per row.
//
// Strings live in one contiguous arena with a 64-bit end offset per row (8 bytes of overhead per
// cell instead of a heap std::string), numbers in flat vectors, nulls in a bit set. A 1M-row
// url/caption/image_path table then costs its bytes plus ~24 MiB, where the original's pandas
// frame costs a Python object per cell.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "metadata/metadata_store.h"
#include "metadata/value_kind.h"

namespace clipret::parquet {
class Column;
}

namespace clipret::metadata {

class CompactColumn {
 public:
  explicit CompactColumn(ValueKind kind) : kind_(kind) {}

  ValueKind kind() const { return kind_; }
  int64_t size() const { return size_; }

  // Appends rows [0, num_rows) of `column`, or `num_rows` nulls when `column` is nullptr.
  void append(const parquet::Column* column, size_t num_rows);
  // Releases the spare capacity left by growing.
  void shrink_to_fit();

  // Row `row` (< size()); a string points into the column. Thread-safe for readers once
  // appending is over.
  MetadataCell cell(int64_t row) const;
  // Heap bytes held.
  size_t memory_bytes() const;

 private:
  bool is_null(int64_t row) const {
    return (null_bits_[static_cast<size_t>(row) >> 6] >> (row & 63)) & 1;
  }
  void push_null_flag(bool null);

  ValueKind kind_;
  int64_t size_ = 0;
  std::vector<uint64_t> null_bits_;  // bit r set: row r is null
  std::vector<uint8_t> bools_;
  std::vector<int64_t> ints_;
  std::vector<double> doubles_;
  std::string arena_;                  // string bytes, row after row
  std::vector<uint64_t> string_ends_;  // end of row r's bytes in arena_; start is the previous end
};

}  // namespace clipret::metadata
