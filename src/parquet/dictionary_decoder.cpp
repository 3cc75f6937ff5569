#include "parquet/dictionary_decoder.h"

#include <algorithm>

#include "core/error.h"
#include "parquet/column.h"
#include "parquet/rle_decoder.h"

namespace clipret::parquet {

namespace {

template <typename T>
void gather(const std::vector<T>& dictionary, const uint32_t* indices, size_t count,
            std::vector<T>* out) {
  const size_t start = out->size();
  out->resize(start + count);
  T* dst = out->data() + start;
  for (size_t i = 0; i < count; ++i) dst[i] = dictionary[indices[i]];
}

}  // namespace

void decode_dictionary_page_values(const uint8_t* data, size_t size, size_t count,
                                   const ColumnData& dictionary, size_t dictionary_size,
                                   PhysicalType storage, std::vector<uint32_t>* scratch,
                                   uint64_t max_bytes, ColumnData* out,
                                   const std::string& context) {
  if (count == 0) return;
  CLIPRET_CHECK(size >= 1, Corrupt, "%s: dictionary-encoded page has no bit width",
                context.c_str());
  const int bit_width = data[0];
  CLIPRET_CHECK(bit_width <= 32, Corrupt, "%s: dictionary index bit width %d exceeds 32",
                context.c_str(), bit_width);
  scratch->resize(count);
  RleDecoder decoder(data + 1, size - 1, bit_width, context);
  decoder.decode(scratch->data(), count);
  const uint32_t* indices = scratch->data();
  uint32_t max_index = 0;
  for (size_t i = 0; i < count; ++i) max_index = std::max(max_index, indices[i]);
  CLIPRET_CHECK(max_index < dictionary_size, Corrupt,
                "%s: dictionary index %u outside a dictionary of %zu values", context.c_str(),
                max_index, dictionary_size);
  switch (storage) {
    case PhysicalType::kBoolean:
      gather(dictionary.bools, indices, count, &out->bools);
      return;
    case PhysicalType::kInt32:
      gather(dictionary.int32s, indices, count, &out->int32s);
      return;
    case PhysicalType::kInt64:
    case PhysicalType::kInt96:
      gather(dictionary.int64s, indices, count, &out->int64s);
      return;
    case PhysicalType::kFloat:
      gather(dictionary.floats, indices, count, &out->floats);
      return;
    case PhysicalType::kDouble:
      gather(dictionary.doubles, indices, count, &out->doubles);
      return;
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray: {
      uint64_t total = 0;
      for (size_t i = 0; i < count; ++i) {
        total += dictionary.offsets[indices[i] + 1] - dictionary.offsets[indices[i]];
      }
      CLIPRET_CHECK(out->bytes.size() + total <= max_bytes, Corrupt,
                    "%s: dictionary strings expand to %llu bytes, over the limit of %llu",
                    context.c_str(), static_cast<unsigned long long>(total),
                    static_cast<unsigned long long>(max_bytes));
      reserve_more(out->bytes, total);
      reserve_more(out->offsets, count);
      const char* base = dictionary.bytes.data();
      for (size_t i = 0; i < count; ++i) {
        const uint64_t begin = dictionary.offsets[indices[i]];
        const uint64_t end = dictionary.offsets[indices[i] + 1];
        out->bytes.append(base + begin, end - begin);
        out->offsets.push_back(out->bytes.size());
      }
      return;
    }
  }
}

}  // namespace clipret::parquet
