#include "parquet/delta_byte_array_decoder.h"

#include <vector>

#include "core/error.h"
#include "parquet/column.h"
#include "parquet/delta_binary_packed_decoder.h"

namespace clipret::parquet {

namespace {

// Reads `count` lengths at data[*pos] and checks each is in [0, limit].
std::vector<int64_t> read_lengths(const uint8_t* data, size_t size, size_t* pos, size_t count,
                                  const char* what, const std::string& context) {
  std::vector<int64_t> lengths;
  decode_delta_binary_packed(data, size, pos, count, &lengths, context);
  CLIPRET_CHECK(lengths.size() == count, Corrupt, "%s: %s holds %zu lengths, expected %zu",
                context.c_str(), what, lengths.size(), count);
  for (int64_t length : lengths) {
    CLIPRET_CHECK(length >= 0 && static_cast<uint64_t>(length) <= size, Corrupt,
                  "%s: %s length %lld out of range", context.c_str(), what,
                  static_cast<long long>(length));
  }
  return lengths;
}

void check_fixed(int64_t length, int32_t fixed_length, const std::string& context) {
  CLIPRET_CHECK(fixed_length <= 0 || length == fixed_length, Corrupt,
                "%s: value of %lld bytes in a FIXED_LEN_BYTE_ARRAY(%d) column", context.c_str(),
                static_cast<long long>(length), fixed_length);
}

}  // namespace

void decode_delta_length_byte_array(const uint8_t* data, size_t size, size_t count,
                                    int32_t fixed_length, ColumnData* out,
                                    const std::string& context) {
  size_t pos = 0;
  const std::vector<int64_t> lengths =
      read_lengths(data, size, &pos, count, "DELTA_LENGTH_BYTE_ARRAY", context);
  uint64_t total = 0;
  for (int64_t length : lengths) {
    check_fixed(length, fixed_length, context);
    total += static_cast<uint64_t>(length);
  }
  CLIPRET_CHECK(total <= size - pos, Corrupt,
                "%s: DELTA_LENGTH_BYTE_ARRAY needs %llu bytes, %zu remain", context.c_str(),
                static_cast<unsigned long long>(total), size - pos);
  out->bytes.append(reinterpret_cast<const char*>(data + pos), total);
  uint64_t offset = out->offsets.back();
  for (int64_t length : lengths) {
    offset += static_cast<uint64_t>(length);
    out->offsets.push_back(offset);
  }
}

void decode_delta_byte_array(const uint8_t* data, size_t size, size_t count, int32_t fixed_length,
                             uint64_t max_bytes, ColumnData* out, const std::string& context) {
  size_t pos = 0;
  const std::vector<int64_t> prefixes =
      read_lengths(data, size, &pos, count, "DELTA_BYTE_ARRAY prefix", context);
  const std::vector<int64_t> suffixes =
      read_lengths(data, size, &pos, count, "DELTA_BYTE_ARRAY suffix", context);
  uint64_t suffix_total = 0;
  for (int64_t length : suffixes) suffix_total += static_cast<uint64_t>(length);
  CLIPRET_CHECK(suffix_total <= size - pos, Corrupt,
                "%s: DELTA_BYTE_ARRAY suffixes need %llu bytes, %zu remain", context.c_str(),
                static_cast<unsigned long long>(suffix_total), size - pos);
  const char* suffix = reinterpret_cast<const char*>(data + pos);
  uint64_t previous_begin = 0, previous_length = 0;
  for (size_t i = 0; i < count; ++i) {
    const uint64_t prefix = static_cast<uint64_t>(prefixes[i]);
    CLIPRET_CHECK(prefix <= previous_length, Corrupt,
                  "%s: DELTA_BYTE_ARRAY prefix %llu longer than the previous value (%llu)",
                  context.c_str(), static_cast<unsigned long long>(prefix),
                  static_cast<unsigned long long>(previous_length));
    const uint64_t length = prefix + static_cast<uint64_t>(suffixes[i]);
    check_fixed(static_cast<int64_t>(length), fixed_length, context);
    CLIPRET_CHECK(out->bytes.size() + length <= max_bytes, Corrupt,
                  "%s: DELTA_BYTE_ARRAY values exceed the limit of %llu bytes", context.c_str(),
                  static_cast<unsigned long long>(max_bytes));
    const uint64_t begin = out->bytes.size();
    // The prefix comes from the previous value, already in `bytes` (append may reallocate, so
    // copy by index).
    for (uint64_t k = 0; k < prefix; ++k) out->bytes.push_back(out->bytes[previous_begin + k]);
    out->bytes.append(suffix, static_cast<size_t>(suffixes[i]));
    suffix += suffixes[i];
    out->offsets.push_back(out->bytes.size());
    previous_begin = begin;
    previous_length = length;
  }
}

}  // namespace clipret::parquet
