#include "parquet/plain_encoder.h"

#include <cstdint>
#include <cstring>
#include <vector>

#include "parquet/column.h"

namespace clipret::parquet {

namespace {

template <typename T>
void append_fixed(const Column& column, const std::vector<T>& values, size_t begin, size_t end,
                  std::string* out) {
  if (column.data().validity.empty()) {
    out->append(reinterpret_cast<const char*>(values.data() + begin), (end - begin) * sizeof(T));
    return;
  }
  for (size_t row = begin; row < end; ++row) {
    if (!column.is_null(row)) out->append(reinterpret_cast<const char*>(&values[row]), sizeof(T));
  }
}

}  // namespace

void encode_plain(const Column& column, size_t begin, size_t end, std::string* out) {
  const ColumnData& d = column.data();
  switch (column.physical()) {
    case PhysicalType::kBoolean: {
      uint8_t byte = 0;
      int bit = 0;
      for (size_t row = begin; row < end; ++row) {
        if (column.is_null(row)) continue;
        byte |= static_cast<uint8_t>((d.bools[row] ? 1 : 0) << bit);
        if (++bit == 8) {
          out->push_back(static_cast<char>(byte));
          byte = 0;
          bit = 0;
        }
      }
      if (bit > 0) out->push_back(static_cast<char>(byte));
      return;
    }
    case PhysicalType::kInt32:
      return append_fixed(column, d.int32s, begin, end, out);
    case PhysicalType::kInt64:
    case PhysicalType::kInt96:
      return append_fixed(column, d.int64s, begin, end, out);
    case PhysicalType::kFloat:
      return append_fixed(column, d.floats, begin, end, out);
    case PhysicalType::kDouble:
      return append_fixed(column, d.doubles, begin, end, out);
    case PhysicalType::kFixedLenByteArray:
      if (d.validity.empty()) {
        out->append(d.bytes, d.offsets[begin], d.offsets[end] - d.offsets[begin]);
        return;
      }
      for (size_t row = begin; row < end; ++row) {
        if (!column.is_null(row)) out->append(column.bytes_at(row));
      }
      return;
    case PhysicalType::kByteArray: {
      // Lengths interleave with bytes: size the output once, then copy.
      size_t total = 0;
      for (size_t row = begin; row < end; ++row) {
        if (!column.is_null(row)) total += 4 + (d.offsets[row + 1] - d.offsets[row]);
      }
      size_t pos = out->size();
      out->resize(pos + total);
      char* dst = out->data();
      for (size_t row = begin; row < end; ++row) {
        if (column.is_null(row)) continue;
        const uint64_t length64 = d.offsets[row + 1] - d.offsets[row];
        const uint32_t length = static_cast<uint32_t>(length64);
        std::memcpy(dst + pos, &length, 4);
        std::memcpy(dst + pos + 4, d.bytes.data() + d.offsets[row], length64);
        pos += 4 + length64;
      }
      return;
    }
  }
}

void encode_plain_statistic(const Column& column, size_t row, std::string* out) {
  const ColumnData& d = column.data();
  switch (column.physical()) {
    case PhysicalType::kBoolean:
      out->push_back(d.bools[row] ? 1 : 0);
      return;
    case PhysicalType::kInt32:
      out->append(reinterpret_cast<const char*>(&d.int32s[row]), 4);
      return;
    case PhysicalType::kInt64:
    case PhysicalType::kInt96:
      out->append(reinterpret_cast<const char*>(&d.int64s[row]), 8);
      return;
    case PhysicalType::kFloat:
      out->append(reinterpret_cast<const char*>(&d.floats[row]), 4);
      return;
    case PhysicalType::kDouble:
      out->append(reinterpret_cast<const char*>(&d.doubles[row]), 8);
      return;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      out->append(column.bytes_at(row));
      return;
  }
}

}  // namespace clipret::parquet
