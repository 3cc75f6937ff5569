// parquet/rle_decoder.h: the RLE/bit-packed hybrid encoding of definition levels, dictionary
// indices and RLE booleans.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace clipret::parquet {

class RleDecoder {
 public:
  // Decodes [data, data + size) (caller keeps alive) with values of `bit_width` bits (0..32).
  // `context` names the page in errors.
  RleDecoder(const uint8_t* data, size_t size, int bit_width, const std::string& context);

  // Writes exactly `count` values to `out` (caller owns). Throws Error(kCorrupt) when the data
  // ends first.
  void decode(uint32_t* out, size_t count);

 private:
  bool next_run();

  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
  int bit_width_;
  const std::string& context_;
  // The current run: `remaining` values, either `rle_value` repeated or bit-packed from
  // `packed_` starting at value `packed_index_`.
  size_t remaining_ = 0;
  bool is_rle_ = false;
  uint32_t rle_value_ = 0;
  const uint8_t* packed_ = nullptr;
  size_t packed_bytes_ = 0;
  size_t packed_index_ = 0;
};

// Appends the hybrid encoding of `values` (each < 2^bit_width) to `out`, with RLE runs for
// repeats of 8 or more and bit-packed groups of 8 otherwise.
void encode_rle(const uint32_t* values, size_t count, int bit_width, std::string* out);

}  // namespace clipret::parquet
