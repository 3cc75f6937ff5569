#include "parquet/delta_binary_packed_decoder.h"

#include <algorithm>

#include "core/error.h"
#include "parquet/bit_packing.h"
#include "parquet/column.h"

namespace clipret::parquet {

namespace {

constexpr uint64_t kMaxBlockSize = uint64_t{1} << 20;
constexpr uint64_t kMaxMiniblocks = 1024;

int64_t zigzag_decode(uint64_t v) {
  return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
}

}  // namespace

void decode_delta_binary_packed(const uint8_t* data, size_t size, size_t* pos, size_t max_count,
                                std::vector<int64_t>* out, const std::string& context) {
  const char* what = context.c_str();
  uint64_t block_size, miniblocks, total, first;
  const bool ok = read_uleb128(data, size, pos, &block_size) &&
                  read_uleb128(data, size, pos, &miniblocks) &&
                  read_uleb128(data, size, pos, &total) && read_uleb128(data, size, pos, &first);
  CLIPRET_CHECK(ok, Corrupt, "%s: truncated DELTA_BINARY_PACKED header", what);
  CLIPRET_CHECK(block_size > 0 && block_size <= kMaxBlockSize && miniblocks > 0 &&
                    miniblocks <= kMaxMiniblocks && block_size % miniblocks == 0 &&
                    (block_size / miniblocks) % 8 == 0,
                Corrupt, "%s: bad DELTA_BINARY_PACKED block size %llu with %llu miniblocks", what,
                static_cast<unsigned long long>(block_size),
                static_cast<unsigned long long>(miniblocks));
  CLIPRET_CHECK(total <= max_count, Corrupt,
                "%s: DELTA_BINARY_PACKED stream of %llu values where at most %zu fit", what,
                static_cast<unsigned long long>(total), max_count);
  if (total == 0) return;
  const size_t per_miniblock = static_cast<size_t>(block_size / miniblocks);
  const size_t start = out->size();
  reserve_more(*out, total);
  uint64_t last = static_cast<uint64_t>(zigzag_decode(first));
  out->push_back(static_cast<int64_t>(last));
  std::vector<uint64_t> deltas(per_miniblock);
  std::vector<uint8_t> widths(miniblocks);
  while (out->size() - start < total) {
    uint64_t min_delta_zz;
    CLIPRET_CHECK(read_uleb128(data, size, pos, &min_delta_zz), Corrupt,
                  "%s: truncated DELTA_BINARY_PACKED block", what);
    const uint64_t min_delta = static_cast<uint64_t>(zigzag_decode(min_delta_zz));
    CLIPRET_CHECK(size - *pos >= miniblocks, Corrupt,
                  "%s: truncated DELTA_BINARY_PACKED bit widths", what);
    std::copy(data + *pos, data + *pos + miniblocks, widths.begin());
    *pos += miniblocks;
    for (size_t m = 0; m < miniblocks && out->size() - start < total; ++m) {
      const int width = widths[m];
      CLIPRET_CHECK(width <= 64, Corrupt, "%s: DELTA_BINARY_PACKED bit width %d", what, width);
      const size_t needed = std::min<size_t>(per_miniblock, total - (out->size() - start));
      const size_t full_bytes = per_miniblock * static_cast<size_t>(width) / 8;
      const size_t needed_bytes = (needed * static_cast<size_t>(width) + 7) / 8;
      const size_t available = size - *pos;
      CLIPRET_CHECK(available >= needed_bytes, Corrupt,
                    "%s: truncated DELTA_BINARY_PACKED miniblock", what);
      const size_t take = std::min(full_bytes, available);
      unpack_bits64(data + *pos, take, width, needed, deltas.data());
      for (size_t i = 0; i < needed; ++i) {
        last += min_delta + deltas[i];
        out->push_back(static_cast<int64_t>(last));
      }
      *pos += take;
    }
  }
}

void decode_delta_binary_packed_values(const uint8_t* data, size_t size, size_t count,
                                       PhysicalType physical, ColumnData* out,
                                       const std::string& context) {
  CLIPRET_CHECK(physical == PhysicalType::kInt32 || physical == PhysicalType::kInt64, Corrupt,
                "%s: DELTA_BINARY_PACKED used for %s values", context.c_str(),
                physical_type_name(physical));
  size_t pos = 0;
  if (physical == PhysicalType::kInt64) {
    const size_t before = out->int64s.size();
    decode_delta_binary_packed(data, size, &pos, count, &out->int64s, context);
    CLIPRET_CHECK(out->int64s.size() - before == count, Corrupt,
                  "%s: DELTA_BINARY_PACKED page holds %zu values, expected %zu", context.c_str(),
                  out->int64s.size() - before, count);
    return;
  }
  std::vector<int64_t> values;
  decode_delta_binary_packed(data, size, &pos, count, &values, context);
  CLIPRET_CHECK(values.size() == count, Corrupt,
                "%s: DELTA_BINARY_PACKED page holds %zu values, expected %zu", context.c_str(),
                values.size(), count);
  for (int64_t v : values) out->int32s.push_back(static_cast<int32_t>(v));
}

}  // namespace clipret::parquet
