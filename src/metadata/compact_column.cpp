#include "metadata/compact_column.h"

#include "parquet/column.h"
#include "parquet/parquet_types.h"

namespace clipret::metadata {

void CompactColumn::push_null_flag(bool null) {
  const size_t row = static_cast<size_t>(size_);
  if ((row & 63) == 0) null_bits_.push_back(0);
  if (null) null_bits_.back() |= uint64_t{1} << (row & 63);
  ++size_;
}

void CompactColumn::append(const parquet::Column* column, size_t num_rows) {
  const bool all_null =
      column == nullptr || column->type().logical.kind == parquet::LogicalKind::kNull;
  if (kind_ == ValueKind::kString) {
    // Copy straight from the Parquet column: no temporary string per cell.
    for (size_t r = 0; r < num_rows; ++r) {
      const bool null = all_null || column->is_null(r);
      if (!null) arena_.append(column->bytes_at(r));
      string_ends_.push_back(arena_.size());
      push_null_flag(null);
    }
    return;
  }
  for (size_t r = 0; r < num_rows; ++r) {
    const MetadataValue cell = all_null ? MetadataValue{} : value_at(*column, r, kind_);
    const bool null = std::holds_alternative<std::monostate>(cell);
    switch (kind_) {
      case ValueKind::kBool:
        bools_.push_back(null ? 0 : std::get<bool>(cell));
        break;
      case ValueKind::kInt:
        ints_.push_back(null ? 0 : std::get<int64_t>(cell));
        break;
      case ValueKind::kDouble:
        doubles_.push_back(null ? 0.0 : std::get<double>(cell));
        break;
      case ValueKind::kNull:
      case ValueKind::kString:
        break;
    }
    push_null_flag(null);
  }
}

void CompactColumn::shrink_to_fit() {
  null_bits_.shrink_to_fit();
  bools_.shrink_to_fit();
  ints_.shrink_to_fit();
  doubles_.shrink_to_fit();
  arena_.shrink_to_fit();
  string_ends_.shrink_to_fit();
}

MetadataCell CompactColumn::cell(int64_t row) const {
  if (kind_ == ValueKind::kNull || is_null(row)) return {};
  const size_t r = static_cast<size_t>(row);
  switch (kind_) {
    case ValueKind::kNull:
      return {};
    case ValueKind::kBool:
      return bools_[r] != 0;
    case ValueKind::kInt:
      return ints_[r];
    case ValueKind::kDouble:
      return doubles_[r];
    case ValueKind::kString: {
      const uint64_t begin = r == 0 ? 0 : string_ends_[r - 1];
      return std::string_view(arena_).substr(begin, string_ends_[r] - begin);
    }
  }
  return {};
}

size_t CompactColumn::memory_bytes() const {
  return null_bits_.capacity() * sizeof(uint64_t) + bools_.capacity() +
         ints_.capacity() * sizeof(int64_t) + doubles_.capacity() * sizeof(double) +
         arena_.capacity() + string_ends_.capacity() * sizeof(uint64_t);
}

}  // namespace clipret::metadata
