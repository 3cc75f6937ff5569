#include "parquet/page_values_decoder.h"

#include <cstring>

#include "core/error.h"
#include "parquet/byte_stream_split_decoder.h"
#include "parquet/column.h"
#include "parquet/delta_binary_packed_decoder.h"
#include "parquet/delta_byte_array_decoder.h"
#include "parquet/dictionary_decoder.h"
#include "parquet/plain_decoder.h"
#include "parquet/rle_decoder.h"

namespace clipret::parquet {

namespace {

// RLE-encoded booleans: a 4-byte length, then the hybrid encoding with bit width 1.
void decode_rle_booleans(const uint8_t* data, size_t size, size_t count, ColumnData* out,
                         const std::string& context) {
  CLIPRET_CHECK(size >= 4, Corrupt, "%s: RLE boolean page lacks its length", context.c_str());
  uint32_t length;
  std::memcpy(&length, data, sizeof(length));
  CLIPRET_CHECK(length <= size - 4, Corrupt, "%s: RLE boolean length %u past the page",
                context.c_str(), length);
  std::vector<uint32_t> values(count);
  RleDecoder decoder(data + 4, length, 1, context);
  decoder.decode(values.data(), count);
  for (uint32_t v : values) out->bools.push_back(v != 0);
}

bool is_byte_array(PhysicalType p) {
  return p == PhysicalType::kByteArray || p == PhysicalType::kFixedLenByteArray;
}

}  // namespace

void decode_page_values(int32_t encoding, const uint8_t* data, size_t size, size_t count,
                        const ValuesContext& values, ColumnData* out, const std::string& context) {
  const PhysicalType p = values.physical;
  const int32_t fixed = p == PhysicalType::kFixedLenByteArray ? values.type_length : 0;
  constexpr int32_t kLastEncoding = static_cast<int32_t>(Encoding::kByteStreamSplit);
  CLIPRET_CHECK(encoding >= 0 && encoding <= kLastEncoding, Unsupported,
                "%s: unknown value encoding %d", context.c_str(), encoding);
  switch (static_cast<Encoding>(encoding)) {
    case Encoding::kPlain:
      decode_plain(data, size, count, p, values.type_length, out, context);
      return;
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary:
      CLIPRET_CHECK(values.dictionary != nullptr, Corrupt,
                    "%s: dictionary-encoded page without a dictionary page", context.c_str());
      decode_dictionary_page_values(data, size, count, *values.dictionary, values.dictionary_size,
                                    p, values.scratch, values.max_string_bytes, out, context);
      return;
    case Encoding::kRle:
      CLIPRET_CHECK(p == PhysicalType::kBoolean, Corrupt, "%s: RLE encoding for %s values",
                    context.c_str(), physical_type_name(p));
      decode_rle_booleans(data, size, count, out, context);
      return;
    case Encoding::kDeltaBinaryPacked:
      decode_delta_binary_packed_values(data, size, count, p, out, context);
      return;
    case Encoding::kDeltaLengthByteArray:
      CLIPRET_CHECK(is_byte_array(p), Corrupt, "%s: DELTA_LENGTH_BYTE_ARRAY for %s values",
                    context.c_str(), physical_type_name(p));
      decode_delta_length_byte_array(data, size, count, fixed, out, context);
      return;
    case Encoding::kDeltaByteArray:
      CLIPRET_CHECK(is_byte_array(p), Corrupt, "%s: DELTA_BYTE_ARRAY for %s values",
                    context.c_str(), physical_type_name(p));
      decode_delta_byte_array(data, size, count, fixed, values.max_string_bytes, out, context);
      return;
    case Encoding::kByteStreamSplit:
      decode_byte_stream_split(data, size, count, p, values.type_length, out, context);
      return;
    case Encoding::kBitPacked:
      break;
  }
  CLIPRET_THROW(Unsupported, "%s: value encoding %d is not supported", context.c_str(), encoding);
}

}  // namespace clipret::parquet
