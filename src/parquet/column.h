// parquet/column.h: one column of a table in memory: typed values plus optional validity.
//
// Storage follows the physical type: BOOLEAN in `bools` (one byte each), INT32/INT64/FLOAT/DOUBLE
// in their vectors, BYTE_ARRAY and FIXED_LEN_BYTE_ARRAY as `offsets` (size()+1 entries) into one
// `bytes` buffer. A null row holds a zero or empty value in its slot, so rows index storage
// directly. `validity` is empty while the column has no nulls, else one byte per row (1 = valid).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parquet/parquet_types.h"

namespace clipret::parquet {

// Makes room for `extra` more elements, growing geometrically: decoders append page by page, and
// an exact reserve per page would copy the whole column once per page.
template <typename Container>
void reserve_more(Container& c, size_t extra) {
  if (c.capacity() - c.size() < extra) {
    const size_t doubled = 2 * c.capacity();
    c.reserve(c.size() + extra > doubled ? c.size() + extra : doubled);
  }
}

struct ColumnData {
  std::vector<uint8_t> validity;
  std::vector<uint8_t> bools;
  std::vector<int32_t> int32s;
  std::vector<int64_t> int64s;
  std::vector<float> floats;
  std::vector<double> doubles;
  std::vector<uint64_t> offsets{0};
  std::string bytes;
};

class Column {
 public:
  explicit Column(ColumnSchema schema);

  const ColumnSchema& schema() const { return schema_; }
  const std::string& name() const { return schema_.name; }
  const ColumnType& type() const { return schema_.type; }
  PhysicalType physical() const { return schema_.type.physical; }

  size_t size() const { return size_; }
  size_t null_count() const;
  bool is_null(size_t row) const { return !data_.validity.empty() && data_.validity[row] == 0; }

  // Values of row `row` (< size()); the accessor must match the physical type. Null rows read as
  // zero / empty.
  bool bool_at(size_t row) const { return data_.bools[row] != 0; }
  int32_t int32_at(size_t row) const { return data_.int32s[row]; }
  int64_t int64_at(size_t row) const { return data_.int64s[row]; }
  float float_at(size_t row) const { return data_.floats[row]; }
  double double_at(size_t row) const { return data_.doubles[row]; }
  std::string_view bytes_at(size_t row) const {
    return std::string_view(data_.bytes)
        .substr(data_.offsets[row], data_.offsets[row + 1] - data_.offsets[row]);
  }

  // Appends one row. Each throws Error(kInvalidInput) when the column's physical type differs,
  // a null goes into a required column, or bytes have the wrong FIXED_LEN_BYTE_ARRAY length.
  void append_null();
  void append_bool(bool value);
  void append_int32(int32_t value);
  void append_int64(int64_t value);
  void append_float(float value);
  void append_double(double value);
  void append_bytes(std::string_view value);

  // Appends rows [begin, end) of `other`, which must have the same type.
  void append_rows(const Column& other, size_t begin, size_t end);

  void reserve(size_t rows);
  void clear();

  // Raw storage, for the codec: after appending `n` values to storage (and validity if any),
  // call commit_rows(n).
  ColumnData& data() { return data_; }
  const ColumnData& data() const { return data_; }
  void commit_rows(size_t n) { size_ += n; }
  // Makes `validity` explicit (all 1 so far) so that nulls can be recorded.
  void materialize_validity();

 private:
  void check_physical(PhysicalType expected) const;
  void mark_valid() {
    if (!data_.validity.empty()) data_.validity.push_back(1);
  }

  ColumnSchema schema_;
  ColumnData data_;
  size_t size_ = 0;
};

}  // namespace clipret::parquet
