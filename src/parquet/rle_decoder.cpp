#include "parquet/rle_decoder.h"

#include <algorithm>

#include "core/error.h"
#include "parquet/bit_packing.h"

namespace clipret::parquet {

namespace {

constexpr size_t kGroupSize = 8;  // bit-packed runs hold multiples of 8 values
constexpr size_t kMinRleRun = 8;  // shorter repeats are cheaper bit-packed

}  // namespace

RleDecoder::RleDecoder(const uint8_t* data, size_t size, int bit_width, const std::string& context)
    : data_(data), size_(size), bit_width_(bit_width), context_(context) {
  CLIPRET_CHECK(bit_width >= 0 && bit_width <= 32, Corrupt, "%s: RLE bit width %d out of range",
                context.c_str(), bit_width);
}

bool RleDecoder::next_run() {
  uint64_t header;
  if (!read_uleb128(data_, size_, &pos_, &header)) return false;
  if (header & 1) {
    const uint64_t groups = header >> 1;
    const size_t available = size_ - pos_;
    // The last run of a page may be cut short; take the values its bytes hold.
    const uint64_t wanted_bytes = groups * static_cast<uint64_t>(bit_width_);
    if (groups > (uint64_t{1} << 40)) return false;
    packed_bytes_ = static_cast<size_t>(std::min<uint64_t>(wanted_bytes, available));
    packed_ = data_ + pos_;
    packed_index_ = 0;
    pos_ += packed_bytes_;
    remaining_ = bit_width_ == 0 ? static_cast<size_t>(groups * kGroupSize)
                                 : packed_bytes_ * 8 / static_cast<size_t>(bit_width_);
    remaining_ = std::min<size_t>(remaining_, static_cast<size_t>(groups * kGroupSize));
    is_rle_ = false;
  } else {
    const size_t value_bytes = (static_cast<size_t>(bit_width_) + 7) / 8;
    if (size_ - pos_ < value_bytes) return false;
    uint32_t value = 0;
    for (size_t i = 0; i < value_bytes; ++i) value |= uint32_t{data_[pos_ + i]} << (8 * i);
    pos_ += value_bytes;
    if (header >> 1 > (uint64_t{1} << 40)) return false;
    remaining_ = static_cast<size_t>(header >> 1);
    is_rle_ = true;
    rle_value_ = value;
  }
  return true;
}

void RleDecoder::decode(uint32_t* out, size_t count) {
  while (count > 0) {
    if (remaining_ == 0) {
      if (!next_run()) {
        CLIPRET_THROW(Corrupt, "%s: RLE/bit-packed data ends %zu values early", context_.c_str(),
                      count);
      }
      continue;
    }
    const size_t n = std::min(count, remaining_);
    if (is_rle_) {
      std::fill(out, out + n, rle_value_);
    } else {
      // Unpack from the run's start offset: whole groups of 8 keep byte alignment.
      const size_t bit = packed_index_ * static_cast<size_t>(bit_width_);
      if (bit % 8 == 0) {
        unpack_bits32(packed_ + bit / 8, packed_bytes_ - bit / 8, bit_width_, n, out);
      } else {
        // Realign: unpack from the group start, then drop the leading values.
        const size_t group_start = packed_index_ - packed_index_ % kGroupSize;
        const size_t skip = packed_index_ - group_start;
        const size_t gbit = group_start * static_cast<size_t>(bit_width_);
        uint32_t tmp[kGroupSize];
        size_t done = 0;
        const size_t first = std::min(n, kGroupSize - skip);
        unpack_bits32(packed_ + gbit / 8, packed_bytes_ - gbit / 8, bit_width_, skip + first, tmp);
        std::copy(tmp + skip, tmp + skip + first, out);
        done = first;
        if (done < n) {
          const size_t nbit = (packed_index_ + done) * static_cast<size_t>(bit_width_);
          unpack_bits32(packed_ + nbit / 8, packed_bytes_ - nbit / 8, bit_width_, n - done,
                        out + done);
        }
      }
      packed_index_ += n;
    }
    remaining_ -= n;
    out += n;
    count -= n;
  }
}

void encode_rle(const uint32_t* values, size_t count, int bit_width, std::string* out) {
  const size_t value_bytes = (static_cast<size_t>(bit_width) + 7) / 8;
  auto flush_literals = [&](size_t begin, size_t end) {
    if (begin == end) return;
    const size_t groups = (end - begin + kGroupSize - 1) / kGroupSize;
    write_uleb128((uint64_t{groups} << 1) | 1, out);
    pack_bits32(values + begin, end - begin, bit_width, out);
    // Pad the last group to 8 values with zero bits (only ever the final run).
    const size_t padded_bits = groups * kGroupSize * static_cast<size_t>(bit_width);
    const size_t written_bits = (end - begin) * static_cast<size_t>(bit_width);
    out->append((padded_bits + 7) / 8 - (written_bits + 7) / 8, '\0');
  };
  size_t literal_start = 0;
  size_t i = 0;
  while (i < count) {
    size_t run = 1;
    while (i + run < count && values[i + run] == values[i]) ++run;
    if (run >= kMinRleRun) {
      // Literal runs must hold a multiple of 8 values: lend them the run's first values.
      const size_t pending = (i - literal_start) % kGroupSize;
      if (pending != 0) {
        const size_t lend = kGroupSize - pending;
        i += lend;
        run -= lend;
      }
      if (run >= kMinRleRun) {
        flush_literals(literal_start, i);
        write_uleb128(uint64_t{run} << 1, out);
        for (size_t b = 0; b < value_bytes; ++b) {
          out->push_back(static_cast<char>((values[i] >> (8 * b)) & 0xff));
        }
        i += run;
        literal_start = i;
        continue;
      }
    }
    i += run;
  }
  flush_literals(literal_start, count);
}

}  // namespace clipret::parquet
