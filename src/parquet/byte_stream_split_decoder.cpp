#include "parquet/byte_stream_split_decoder.h"

#include <vector>

#include "core/error.h"
#include "parquet/column.h"

namespace clipret::parquet {

namespace {

// Interleaves the first `count` bytes of `width` streams, `stride` bytes apart, into `count`
// values of `width` bytes at `out`.
void unsplit(const uint8_t* data, size_t count, size_t stride, size_t width, uint8_t* out) {
  for (size_t k = 0; k < width; ++k) {
    const uint8_t* stream = data + k * stride;
    for (size_t i = 0; i < count; ++i) out[i * width + k] = stream[i];
  }
}

template <typename T>
void append(const uint8_t* data, size_t count, size_t stride, std::vector<T>* out) {
  const size_t start = out->size();
  out->resize(start + count);
  unsplit(data, count, stride, sizeof(T), reinterpret_cast<uint8_t*>(out->data() + start));
}

}  // namespace

void decode_byte_stream_split(const uint8_t* data, size_t size, size_t count, PhysicalType physical,
                              int32_t type_length, ColumnData* out, const std::string& context) {
  size_t width = 0;
  switch (physical) {
    case PhysicalType::kInt32:
    case PhysicalType::kFloat:
      width = 4;
      break;
    case PhysicalType::kInt64:
    case PhysicalType::kDouble:
      width = 8;
      break;
    case PhysicalType::kFixedLenByteArray:
      width = static_cast<size_t>(type_length);
      break;
    default:
      CLIPRET_THROW(Corrupt, "%s: BYTE_STREAM_SPLIT used for %s values", context.c_str(),
                    physical_type_name(physical));
  }
  CLIPRET_CHECK(width > 0 && count <= size / width, Corrupt,
                "%s: BYTE_STREAM_SPLIT data of %zu bytes too short for %zu values", context.c_str(),
                size, count);
  const size_t stride = size / width;  // values in the page
  switch (physical) {
    case PhysicalType::kInt32:
      append(data, count, stride, &out->int32s);
      return;
    case PhysicalType::kFloat:
      append(data, count, stride, &out->floats);
      return;
    case PhysicalType::kInt64:
      append(data, count, stride, &out->int64s);
      return;
    case PhysicalType::kDouble:
      append(data, count, stride, &out->doubles);
      return;
    default: {
      const size_t start = out->bytes.size();
      out->bytes.resize(start + count * width);
      unsplit(data, count, stride, width, reinterpret_cast<uint8_t*>(out->bytes.data() + start));
      for (size_t i = 0; i < count; ++i) out->offsets.push_back(start + (i + 1) * width);
    }
  }
}

}  // namespace clipret::parquet
