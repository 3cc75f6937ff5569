#include "parquet/dictionary_encoder.h"

#include <cstring>
#include <functional>
#include <string_view>
#include <type_traits>

#include "parquet/column.h"

namespace clipret::parquet {

namespace {

constexpr size_t kInitialSlots = 1024;

uint64_t mix(uint64_t x) {
  // A 64-bit finaliser: spreads the bits of fixed-width values over the table.
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

uint64_t hash_bytes(std::string_view v) {
  return std::hash<std::string_view>()(v);
}

// Open addressing with linear probing: slots hold entry + 1, 0 when empty.
template <typename Key>
class DistinctValues {
 public:
  DistinctValues() : slots_(kInitialSlots, 0) {}

  // Index of `key`, adding it if new.
  uint32_t insert(const Key& key, uint64_t hash) {
    size_t mask = slots_.size() - 1;
    size_t slot = hash & mask;
    while (slots_[slot] != 0) {
      const uint32_t entry = slots_[slot] - 1;
      if (hashes_[entry] == hash && keys_[entry] == key) return entry;
      slot = (slot + 1) & mask;
    }
    const uint32_t entry = static_cast<uint32_t>(keys_.size());
    keys_.push_back(key);
    hashes_.push_back(hash);
    slots_[slot] = entry + 1;
    if (keys_.size() * 2 > slots_.size()) grow();
    return entry;
  }

  const std::vector<Key>& keys() const { return keys_; }

 private:
  void grow() {
    std::vector<uint32_t> slots(slots_.size() * 2, 0);
    const size_t mask = slots.size() - 1;
    for (uint32_t entry = 0; entry < keys_.size(); ++entry) {
      size_t slot = hashes_[entry] & mask;
      while (slots[slot] != 0) slot = (slot + 1) & mask;
      slots[slot] = entry + 1;
    }
    slots_ = std::move(slots);
  }

  std::vector<uint32_t> slots_;
  std::vector<Key> keys_;
  std::vector<uint64_t> hashes_;
};

// Keys are bit patterns, so that -0.0 and +0.0 (and each NaN payload) stay distinct.
template <typename T>
bool encode_fixed(const Column& column, const std::vector<T>& values, size_t begin, size_t end,
                  size_t max_bytes, DictionaryEncoding* out) {
  using Bits = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;
  static_assert(sizeof(Bits) == sizeof(T));
  DistinctValues<Bits> distinct;
  const size_t max_entries = max_bytes / sizeof(T);
  for (size_t row = begin; row < end; ++row) {
    if (column.is_null(row)) continue;
    Bits bits;
    std::memcpy(&bits, &values[row], sizeof(T));
    out->indices.push_back(distinct.insert(bits, mix(bits)));
    if (distinct.keys().size() > max_entries) return false;
  }
  out->size = distinct.keys().size();
  out->plain_values.assign(reinterpret_cast<const char*>(distinct.keys().data()),
                           out->size * sizeof(T));
  return true;
}

bool encode_bytes(const Column& column, size_t begin, size_t end, size_t max_bytes,
                  DictionaryEncoding* out) {
  const bool prefixed = column.physical() == PhysicalType::kByteArray;
  DistinctValues<std::string_view> distinct;
  size_t bytes = 0;
  for (size_t row = begin; row < end; ++row) {
    if (column.is_null(row)) continue;
    const std::string_view value = column.bytes_at(row);
    const size_t before = distinct.keys().size();
    out->indices.push_back(distinct.insert(value, hash_bytes(value)));
    if (distinct.keys().size() != before) {
      bytes += value.size() + (prefixed ? 4 : 0);
      if (bytes > max_bytes) return false;
    }
  }
  out->size = distinct.keys().size();
  out->plain_values.reserve(bytes);
  for (std::string_view value : distinct.keys()) {
    if (prefixed) {
      const uint32_t length = static_cast<uint32_t>(value.size());
      out->plain_values.append(reinterpret_cast<const char*>(&length), 4);
    }
    out->plain_values.append(value);
  }
  return true;
}

}  // namespace

bool dictionary_encode(const Column& column, size_t begin, size_t end, size_t max_bytes,
                       DictionaryEncoding* out) {
  out->indices.clear();
  out->plain_values.clear();
  out->size = 0;
  const ColumnData& d = column.data();
  switch (column.physical()) {
    case PhysicalType::kBoolean:
      return false;
    case PhysicalType::kInt32:
      return encode_fixed(column, d.int32s, begin, end, max_bytes, out);
    case PhysicalType::kInt64:
    case PhysicalType::kInt96:
      return encode_fixed(column, d.int64s, begin, end, max_bytes, out);
    case PhysicalType::kFloat:
      return encode_fixed(column, d.floats, begin, end, max_bytes, out);
    case PhysicalType::kDouble:
      return encode_fixed(column, d.doubles, begin, end, max_bytes, out);
    case PhysicalType::kByteArray:
    case PhysicalType::kFixedLenByteArray:
      return encode_bytes(column, begin, end, max_bytes, out);
  }
  return false;
}

}  // namespace clipret::parquet
