#include "parquet/plain_decoder.h"

#include <cstring>

#include "core/error.h"
#include "parquet/column.h"

namespace clipret::parquet {

namespace {

constexpr int64_t kJulianDayOfEpoch = 2440588;
constexpr int64_t kNanosPerDay = int64_t{86400} * 1000 * 1000 * 1000;
constexpr size_t kInt96Bytes = 12;

template <typename T>
size_t append_fixed(const uint8_t* data, size_t size, size_t count, std::vector<T>* out,
                    const std::string& context) {
  CLIPRET_CHECK(count <= size / sizeof(T), Corrupt,
                "%s: PLAIN data of %zu bytes too short for %zu values", context.c_str(), size,
                count);
  const size_t start = out->size();
  out->resize(start + count);
  if (count > 0) std::memcpy(out->data() + start, data, count * sizeof(T));
  return count * sizeof(T);
}

}  // namespace

int64_t int96_to_nanos(const uint8_t* bytes12) {
  uint64_t nanos_of_day;
  uint32_t julian_day;
  std::memcpy(&nanos_of_day, bytes12, sizeof(nanos_of_day));
  std::memcpy(&julian_day, bytes12 + 8, sizeof(julian_day));
  // Wrapping arithmetic: absurd values give absurd timestamps, never undefined behaviour.
  return static_cast<int64_t>(
      static_cast<uint64_t>(static_cast<int64_t>(julian_day) - kJulianDayOfEpoch) *
          static_cast<uint64_t>(kNanosPerDay) +
      nanos_of_day);
}

size_t decode_plain(const uint8_t* data, size_t size, size_t count, PhysicalType physical,
                    int32_t type_length, ColumnData* out, const std::string& context) {
  switch (physical) {
    case PhysicalType::kBoolean: {
      CLIPRET_CHECK(count <= size * 8, Corrupt,
                    "%s: PLAIN data of %zu bytes too short for %zu booleans", context.c_str(), size,
                    count);
      const size_t start = out->bools.size();
      out->bools.resize(start + count);
      for (size_t i = 0; i < count; ++i) out->bools[start + i] = (data[i >> 3] >> (i & 7)) & 1;
      return (count + 7) / 8;
    }
    case PhysicalType::kInt32:
      return append_fixed(data, size, count, &out->int32s, context);
    case PhysicalType::kInt64:
      return append_fixed(data, size, count, &out->int64s, context);
    case PhysicalType::kFloat:
      return append_fixed(data, size, count, &out->floats, context);
    case PhysicalType::kDouble:
      return append_fixed(data, size, count, &out->doubles, context);
    case PhysicalType::kInt96: {
      CLIPRET_CHECK(count <= size / kInt96Bytes, Corrupt,
                    "%s: PLAIN data of %zu bytes too short for %zu INT96 values", context.c_str(),
                    size, count);
      for (size_t i = 0; i < count; ++i) {
        out->int64s.push_back(int96_to_nanos(data + i * kInt96Bytes));
      }
      return count * kInt96Bytes;
    }
    case PhysicalType::kFixedLenByteArray: {
      const size_t width = static_cast<size_t>(type_length);
      CLIPRET_CHECK(width == 0 ? true : count <= size / width, Corrupt,
                    "%s: PLAIN data of %zu bytes too short for %zu values of %zu bytes",
                    context.c_str(), size, count, width);
      out->bytes.append(reinterpret_cast<const char*>(data), count * width);
      uint64_t offset = out->offsets.back();
      for (size_t i = 0; i < count; ++i) {
        offset += width;
        out->offsets.push_back(offset);
      }
      return count * width;
    }
    case PhysicalType::kByteArray: {
      // Each value takes at least its 4-byte length.
      CLIPRET_CHECK(count <= size / 4, Corrupt,
                    "%s: PLAIN data of %zu bytes too short for %zu strings", context.c_str(), size,
                    count);
      reserve_more(out->offsets, count);
      reserve_more(out->bytes, size - count * 4);
      size_t pos = 0;
      for (size_t i = 0; i < count; ++i) {
        CLIPRET_CHECK(size - pos >= 4, Corrupt, "%s: PLAIN string %zu of %zu is truncated",
                      context.c_str(), i, count);
        uint32_t length;
        std::memcpy(&length, data + pos, sizeof(length));
        pos += 4;
        CLIPRET_CHECK(length <= size - pos, Corrupt,
                      "%s: PLAIN string %zu claims %u bytes, %zu remain", context.c_str(), i,
                      length, size - pos);
        out->bytes.append(reinterpret_cast<const char*>(data + pos), length);
        out->offsets.push_back(out->bytes.size());
        pos += length;
      }
      return pos;
    }
  }
  CLIPRET_THROW(Corrupt, "%s: unknown physical type", context.c_str());
}

}  // namespace clipret::parquet
