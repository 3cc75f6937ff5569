#include "parquet/bit_packing.h"

#include <algorithm>
#include <cstring>

namespace clipret::parquet {

namespace {

uint64_t load_le64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof(v));
  return v;  // the project targets little-endian hosts (x86-64, aarch64)
}

// Reads the `bit_width`-bit value that starts at bit `bit` of `in`, one byte at a time.
uint64_t read_slow(const uint8_t* in, size_t in_size, size_t bit, int bit_width) {
  uint64_t v = 0;
  for (int i = 0; i < bit_width; ++i, ++bit) {
    const size_t byte = bit >> 3;
    if (byte < in_size && ((in[byte] >> (bit & 7)) & 1)) v |= uint64_t{1} << i;
  }
  return v;
}

}  // namespace

void unpack_bits32(const uint8_t* in, size_t in_size, int bit_width, size_t count, uint32_t* out) {
  if (bit_width == 0) {
    std::memset(out, 0, count * sizeof(uint32_t));
    return;
  }
  const uint64_t mask = (uint64_t{1} << bit_width) - 1;
  size_t i = 0;
  // Fast path while 8 bytes can be loaded: shift (< 8) + width (<= 32) fits in 64 bits.
  for (; i < count; ++i) {
    const size_t bit = i * static_cast<size_t>(bit_width);
    const size_t byte = bit >> 3;
    if (byte + 8 > in_size) break;
    out[i] = static_cast<uint32_t>((load_le64(in + byte) >> (bit & 7)) & mask);
  }
  for (; i < count; ++i) {
    out[i] = static_cast<uint32_t>(
        read_slow(in, in_size, i * static_cast<size_t>(bit_width), bit_width));
  }
}

void unpack_bits64(const uint8_t* in, size_t in_size, int bit_width, size_t count, uint64_t* out) {
  if (bit_width == 0) {
    std::memset(out, 0, count * sizeof(uint64_t));
    return;
  }
  const uint64_t mask = bit_width == 64 ? ~uint64_t{0} : (uint64_t{1} << bit_width) - 1;
  size_t i = 0;
  for (; i < count; ++i) {
    const size_t bit = i * static_cast<size_t>(bit_width);
    const size_t byte = bit >> 3;
    const int shift = static_cast<int>(bit & 7);
    if (byte + 9 > in_size) break;
    uint64_t v = load_le64(in + byte) >> shift;
    if (shift + bit_width > 64) v |= uint64_t{in[byte + 8]} << (64 - shift);
    out[i] = v & mask;
  }
  for (; i < count; ++i) {
    out[i] = read_slow(in, in_size, i * static_cast<size_t>(bit_width), bit_width);
  }
}

void pack_bits(const uint64_t* values, size_t count, int bit_width, std::string* out) {
  const size_t bytes = (count * static_cast<size_t>(bit_width) + 7) / 8;
  const size_t start = out->size();
  out->resize(start + bytes, '\0');
  if (bit_width == 0) return;
  uint8_t* dst = reinterpret_cast<uint8_t*>(out->data() + start);
  size_t bit = 0;
  for (size_t i = 0; i < count; ++i) {
    uint64_t v = values[i];
    int left = bit_width;
    while (left > 0) {
      const size_t byte = bit >> 3;
      const int shift = static_cast<int>(bit & 7);
      const int take = std::min(left, 8 - shift);
      dst[byte] |= static_cast<uint8_t>((v & ((uint64_t{1} << take) - 1)) << shift);
      v >>= take;
      left -= take;
      bit += static_cast<size_t>(take);
    }
  }
}

void pack_bits32(const uint32_t* values, size_t count, int bit_width, std::string* out) {
  const size_t bytes = (count * static_cast<size_t>(bit_width) + 7) / 8;
  const size_t start = out->size();
  out->resize(start + bytes, '\0');
  if (bit_width == 0) return;
  uint8_t* dst = reinterpret_cast<uint8_t*>(out->data() + start);
  // Accumulate in 64 bits and flush whole bytes.
  uint64_t acc = 0;
  int acc_bits = 0;
  size_t pos = 0;
  for (size_t i = 0; i < count; ++i) {
    acc |= uint64_t{values[i]} << acc_bits;
    acc_bits += bit_width;
    while (acc_bits >= 8) {
      dst[pos++] = static_cast<uint8_t>(acc);
      acc >>= 8;
      acc_bits -= 8;
    }
  }
  if (acc_bits > 0) dst[pos] = static_cast<uint8_t>(acc);
}

int bit_width_of(uint64_t max_value) {
  int width = 0;
  while (max_value != 0) {
    ++width;
    max_value >>= 1;
  }
  return width;
}

bool read_uleb128(const uint8_t* data, size_t size, size_t* pos, uint64_t* value) {
  uint64_t result = 0;
  for (int i = 0; i < 10; ++i) {
    if (*pos >= size) return false;
    const uint8_t byte = data[(*pos)++];
    result |= static_cast<uint64_t>(byte & 0x7f) << (7 * i);
    if ((byte & 0x80) == 0) {
      *value = result;
      return true;
    }
  }
  return false;
}

void write_uleb128(uint64_t value, std::string* out) {
  while (value >= 0x80) {
    out->push_back(static_cast<char>((value & 0x7f) | 0x80));
    value >>= 7;
  }
  out->push_back(static_cast<char>(value));
}

}  // namespace clipret::parquet
