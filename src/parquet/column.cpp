#include "parquet/column.h"

#include <algorithm>
#include <utility>

#include "core/error.h"

namespace clipret::parquet {

Column::Column(ColumnSchema schema) : schema_(std::move(schema)) {}

size_t Column::null_count() const {
  if (data_.validity.empty()) return 0;
  return static_cast<size_t>(std::count(data_.validity.begin(), data_.validity.end(), 0));
}

void Column::check_physical(PhysicalType expected) const {
  CLIPRET_CHECK(schema_.type.physical == expected, InvalidInput,
                "column '%s' holds %s values, cannot append %s", schema_.name.c_str(),
                physical_type_name(schema_.type.physical), physical_type_name(expected));
}

void Column::materialize_validity() {
  if (data_.validity.empty()) data_.validity.assign(size_, 1);
}

void Column::append_null() {
  CLIPRET_CHECK(schema_.optional, InvalidInput, "column '%s' is required and cannot hold null",
                schema_.name.c_str());
  materialize_validity();
  data_.validity.push_back(0);
  switch (schema_.type.physical) {
    case PhysicalType::kBoolean:
      data_.bools.push_back(0);
      break;
    case PhysicalType::kInt32:
      data_.int32s.push_back(0);
      break;
    case PhysicalType::kInt64:
    case PhysicalType::kInt96:
      data_.int64s.push_back(0);
      break;
    case PhysicalType::kFloat:
      data_.floats.push_back(0);
      break;
    case PhysicalType::kDouble:
      data_.doubles.push_back(0);
      break;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      data_.offsets.push_back(data_.bytes.size());
      break;
  }
  ++size_;
}

void Column::append_bool(bool value) {
  check_physical(PhysicalType::kBoolean);
  data_.bools.push_back(value ? 1 : 0);
  mark_valid();
  ++size_;
}

void Column::append_int32(int32_t value) {
  check_physical(PhysicalType::kInt32);
  data_.int32s.push_back(value);
  mark_valid();
  ++size_;
}

void Column::append_int64(int64_t value) {
  check_physical(PhysicalType::kInt64);
  data_.int64s.push_back(value);
  mark_valid();
  ++size_;
}

void Column::append_float(float value) {
  check_physical(PhysicalType::kFloat);
  data_.floats.push_back(value);
  mark_valid();
  ++size_;
}

void Column::append_double(double value) {
  check_physical(PhysicalType::kDouble);
  data_.doubles.push_back(value);
  mark_valid();
  ++size_;
}

void Column::append_bytes(std::string_view value) {
  const PhysicalType p = schema_.type.physical;
  CLIPRET_CHECK(p == PhysicalType::kByteArray || p == PhysicalType::kFixedLenByteArray,
                InvalidInput, "column '%s' holds %s values, cannot append bytes",
                schema_.name.c_str(), physical_type_name(p));
  if (p == PhysicalType::kFixedLenByteArray) {
    CLIPRET_CHECK(value.size() == static_cast<size_t>(schema_.type.type_length), InvalidInput,
                  "column '%s' holds %d-byte values, got %zu bytes", schema_.name.c_str(),
                  schema_.type.type_length, value.size());
  }
  data_.bytes.append(value);
  data_.offsets.push_back(data_.bytes.size());
  mark_valid();
  ++size_;
}

namespace {

template <typename T>
void append_slice(std::vector<T>& to, const std::vector<T>& from, size_t begin, size_t end) {
  to.insert(to.end(), from.begin() + static_cast<ptrdiff_t>(begin),
            from.begin() + static_cast<ptrdiff_t>(end));
}

}  // namespace

void Column::append_rows(const Column& other, size_t begin, size_t end) {
  CLIPRET_CHECK(other.schema_.type == schema_.type, InvalidInput,
                "cannot append rows of column '%s' to column '%s' of another type",
                other.name().c_str(), name().c_str());
  CLIPRET_CHECK(begin <= end && end <= other.size_, InvalidInput,
                "row range [%zu, %zu) outside column '%s' of %zu rows", begin, end,
                other.name().c_str(), other.size_);
  if (!other.data_.validity.empty()) {
    CLIPRET_CHECK(schema_.optional || other.null_count() == 0, InvalidInput,
                  "column '%s' is required and cannot hold null", name().c_str());
    materialize_validity();
    append_slice(data_.validity, other.data_.validity, begin, end);
  } else if (!data_.validity.empty()) {
    data_.validity.insert(data_.validity.end(), end - begin, 1);
  }
  const ColumnData& src = other.data_;
  switch (schema_.type.physical) {
    case PhysicalType::kBoolean:
      append_slice(data_.bools, src.bools, begin, end);
      break;
    case PhysicalType::kInt32:
      append_slice(data_.int32s, src.int32s, begin, end);
      break;
    case PhysicalType::kInt64:
    case PhysicalType::kInt96:
      append_slice(data_.int64s, src.int64s, begin, end);
      break;
    case PhysicalType::kFloat:
      append_slice(data_.floats, src.floats, begin, end);
      break;
    case PhysicalType::kDouble:
      append_slice(data_.doubles, src.doubles, begin, end);
      break;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray: {
      const uint64_t base = src.offsets[begin];
      const uint64_t shift = data_.bytes.size();
      data_.bytes.append(src.bytes, base, src.offsets[end] - base);
      for (size_t i = begin + 1; i <= end; ++i) {
        data_.offsets.push_back(src.offsets[i] - base + shift);
      }
      break;
    }
  }
  size_ += end - begin;
}

void Column::reserve(size_t rows) {
  if (!data_.validity.empty()) data_.validity.reserve(rows);
  switch (schema_.type.physical) {
    case PhysicalType::kBoolean:
      data_.bools.reserve(rows);
      break;
    case PhysicalType::kInt32:
      data_.int32s.reserve(rows);
      break;
    case PhysicalType::kInt64:
    case PhysicalType::kInt96:
      data_.int64s.reserve(rows);
      break;
    case PhysicalType::kFloat:
      data_.floats.reserve(rows);
      break;
    case PhysicalType::kDouble:
      data_.doubles.reserve(rows);
      break;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      data_.offsets.reserve(rows + 1);
      break;
  }
}

void Column::clear() {
  data_ = ColumnData();
  size_ = 0;
}

}  // namespace clipret::parquet
