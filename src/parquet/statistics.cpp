#include "parquet/statistics.h"

#include <cmath>
#include <string>

#include "parquet/column.h"
#include "parquet/plain_encoder.h"

namespace clipret::parquet {

namespace {

constexpr size_t kMaxStatisticBytes = 1024;

// Rows of the smallest and largest non-null values under `less`, or false if none.
template <typename Less>
bool min_max_rows(const Column& column, size_t begin, size_t end, Less less, size_t* min_row,
                  size_t* max_row) {
  bool found = false;
  for (size_t row = begin; row < end; ++row) {
    if (column.is_null(row)) continue;
    if (!found) {
      *min_row = *max_row = row;
      found = true;
      continue;
    }
    if (less(row, *min_row)) *min_row = row;
    if (less(*max_row, row)) *max_row = row;
  }
  return found;
}

template <typename T>
bool float_min_max(const Column& column, const std::vector<T>& v, size_t begin, size_t end,
                   Statistics* s) {
  bool found = false;
  T lo = 0, hi = 0;
  for (size_t row = begin; row < end; ++row) {
    if (column.is_null(row) || std::isnan(v[row])) continue;
    if (!found) {
      lo = hi = v[row];
      found = true;
    }
    lo = std::min(lo, v[row]);
    hi = std::max(hi, v[row]);
  }
  if (!found) return true;
  // Per the format: a zero minimum is written -0.0, a zero maximum +0.0.
  if (lo == 0) lo = -T(0);
  if (hi == 0) hi = T(0);
  s->min_value = std::string(reinterpret_cast<const char*>(&lo), sizeof(T));
  s->max_value = std::string(reinterpret_cast<const char*>(&hi), sizeof(T));
  return true;
}

}  // namespace

Statistics compute_statistics(const Column& column, size_t begin, size_t end) {
  Statistics s;
  size_t nulls = 0;
  if (!column.data().validity.empty()) {
    for (size_t row = begin; row < end; ++row) nulls += column.is_null(row) ? 1 : 0;
  }
  s.null_count = static_cast<int64_t>(nulls);
  const ColumnData& d = column.data();
  const LogicalType& logical = column.type().logical;
  const bool is_unsigned = logical.kind == LogicalKind::kInteger && !logical.is_signed;
  size_t lo = 0, hi = 0;
  bool found = false;
  switch (column.physical()) {
    case PhysicalType::kBoolean:
      found = min_max_rows(
          column, begin, end, [&](size_t a, size_t b) { return d.bools[a] < d.bools[b]; }, &lo,
          &hi);
      break;
    case PhysicalType::kInt32:
      found = min_max_rows(
          column, begin, end,
          [&](size_t a, size_t b) {
            return is_unsigned
                       ? static_cast<uint32_t>(d.int32s[a]) < static_cast<uint32_t>(d.int32s[b])
                       : d.int32s[a] < d.int32s[b];
          },
          &lo, &hi);
      break;
    case PhysicalType::kInt64:
    case PhysicalType::kInt96:
      found = min_max_rows(
          column, begin, end,
          [&](size_t a, size_t b) {
            return is_unsigned
                       ? static_cast<uint64_t>(d.int64s[a]) < static_cast<uint64_t>(d.int64s[b])
                       : d.int64s[a] < d.int64s[b];
          },
          &lo, &hi);
      break;
    case PhysicalType::kFloat:
      float_min_max(column, d.floats, begin, end, &s);
      return s;
    case PhysicalType::kDouble:
      float_min_max(column, d.doubles, begin, end, &s);
      return s;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      if (logical.kind == LogicalKind::kDecimal || logical.kind == LogicalKind::kFloat16) return s;
      found = min_max_rows(
          column, begin, end,
          [&](size_t a, size_t b) { return column.bytes_at(a) < column.bytes_at(b); }, &lo, &hi);
      if (found && (column.bytes_at(lo).size() > kMaxStatisticBytes ||
                    column.bytes_at(hi).size() > kMaxStatisticBytes)) {
        return s;
      }
      break;
  }
  if (!found) return s;
  s.min_value.emplace();
  s.max_value.emplace();
  encode_plain_statistic(column, lo, &*s.min_value);
  encode_plain_statistic(column, hi, &*s.max_value);
  return s;
}

}  // namespace clipret::parquet
