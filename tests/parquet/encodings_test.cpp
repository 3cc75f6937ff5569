// Decoders and encoders against hand-made vectors (from the Parquet encoding spec's examples)
// and round trips.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "core/error.h"
#include "parquet/bit_packing.h"
#include "parquet/byte_stream_split_decoder.h"
#include "parquet/column.h"
#include "parquet/delta_binary_packed_decoder.h"
#include "parquet/delta_byte_array_decoder.h"
#include "parquet/rle_decoder.h"
#include "parquet/thrift_compact_reader.h"

namespace clipret::parquet {
namespace {

const std::string kContext = "test";

std::vector<uint8_t> bytes(std::initializer_list<int> values) {
  return std::vector<uint8_t>(values.begin(), values.end());
}

TEST(RleTest, RoundTripsAllWidths) {
  std::mt19937 rng(1);
  for (int width = 0; width <= 32; ++width) {
    for (size_t n : {0, 1, 7, 8, 9, 100, 1000}) {
      std::vector<uint32_t> values(n);
      const uint64_t limit = width == 32 ? (uint64_t{1} << 32) : (uint64_t{1} << width);
      for (size_t i = 0; i < n; ++i) {
        // Mix runs and noise so both run kinds occur.
        values[i] = (i / 13) % 2 ? static_cast<uint32_t>(i / 50 % limit)
                                 : static_cast<uint32_t>(rng() % limit);
      }
      std::string encoded;
      encode_rle(values.data(), n, width, &encoded);
      std::vector<uint32_t> decoded(n);
      RleDecoder decoder(reinterpret_cast<const uint8_t*>(encoded.data()), encoded.size(), width,
                         kContext);
      decoder.decode(decoded.data(), n);
      ASSERT_EQ(decoded, values) << "width " << width << " n " << n;
    }
  }
}

TEST(RleTest, DecodesInPieces) {
  std::vector<uint32_t> values(100);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<uint32_t>(i % 7);
  std::string encoded;
  encode_rle(values.data(), values.size(), 3, &encoded);
  RleDecoder decoder(reinterpret_cast<const uint8_t*>(encoded.data()), encoded.size(), 3, kContext);
  std::vector<uint32_t> decoded(values.size());
  size_t done = 0;
  for (size_t piece : {1, 2, 3, 5, 13, 76}) {
    decoder.decode(decoded.data() + done, piece);
    done += piece;
  }
  EXPECT_EQ(decoded, values);
}

TEST(RleTest, TruncatedDataIsCorrupt) {
  const auto data = bytes({0x10, 0x01});  // a run of 8 ones
  RleDecoder decoder(data.data(), data.size(), 1, kContext);
  std::vector<uint32_t> out(9);
  EXPECT_THROW(decoder.decode(out.data(), 9), Error);
}

TEST(DeltaBinaryPackedTest, SpecExample) {
  // 7 5 3 1 2 3 4 5: block 128, 4 miniblocks, min delta -2, width 2.
  const auto data = bytes({0x80, 0x01, 0x04, 0x08, 0x0e, 0x03, 0x02, 0x00, 0x00, 0x00, 0xc0, 0x3f,
                           0x00, 0x00, 0x00, 0x00, 0x00, 0x00});
  ColumnData out;
  decode_delta_binary_packed_values(data.data(), data.size(), 8, PhysicalType::kInt32, &out,
                                    kContext);
  EXPECT_EQ(out.int32s, (std::vector<int32_t>{7, 5, 3, 1, 2, 3, 4, 5}));
  ColumnData wrong_count;
  EXPECT_THROW(decode_delta_binary_packed_values(data.data(), data.size(), 7, PhysicalType::kInt64,
                                                 &wrong_count, kContext),
               Error);
  EXPECT_THROW(decode_delta_binary_packed_values(data.data(), 9, 8, PhysicalType::kInt64,
                                                 &wrong_count, kContext),
               Error);
}

TEST(DeltaByteArrayTest, DeltaLengthSpecExample) {
  std::vector<uint8_t> data =
      bytes({0x80, 0x01, 0x04, 0x04, 0x0a, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00});
  const std::string text = "HelloWorldFoobarABCDEF";
  data.insert(data.end(), text.begin(), text.end());
  ColumnData out;
  decode_delta_length_byte_array(data.data(), data.size(), 4, 0, &out, kContext);
  EXPECT_EQ(out.bytes, text);
  EXPECT_EQ(out.offsets, (std::vector<uint64_t>{0, 5, 10, 16, 22}));
  ColumnData short_out;
  EXPECT_THROW(
      decode_delta_length_byte_array(data.data(), data.size() - 1, 4, 0, &short_out, kContext),
      Error);
}

TEST(DeltaByteArrayTest, FrontCodingSpecExample) {
  // axis axle babble babyhood: prefixes 0 2 0 3, suffixes axis le babble yhood.
  std::vector<uint8_t> data =
      bytes({0x80, 0x01, 0x04, 0x04, 0x00, 0x03, 0x03, 0x00, 0x00, 0x00, 0x44,
             0x01, 0,    0,    0,    0,    0,    0,    0,    0,    0,    0});
  const auto suffixes = bytes({0x80, 0x01, 0x04, 0x04, 0x08, 0x03, 0x03, 0x00, 0x00, 0x00, 0x70,
                               0,    0,    0,    0,    0,    0,    0,    0,    0,    0,    0});
  data.insert(data.end(), suffixes.begin(), suffixes.end());
  const std::string text = "axislebabbleyhood";
  data.insert(data.end(), text.begin(), text.end());
  ColumnData out;
  decode_delta_byte_array(data.data(), data.size(), 4, 0, 1 << 20, &out, kContext);
  EXPECT_EQ(out.bytes, "axisaxlebabblebabyhood");
  EXPECT_EQ(out.offsets, (std::vector<uint64_t>{0, 4, 8, 14, 22}));
}

TEST(ByteStreamSplitTest, Floats) {
  const auto data = bytes({0x00, 0x00, 0x00, 0x00, 0x80, 0x00, 0x3f, 0x40});
  ColumnData out;
  decode_byte_stream_split(data.data(), data.size(), 2, PhysicalType::kFloat, 0, &out, kContext);
  EXPECT_EQ(out.floats, (std::vector<float>{1.0f, 2.0f}));
  EXPECT_THROW(decode_byte_stream_split(data.data(), data.size(), 3, PhysicalType::kFloat, 0, &out,
                                        kContext),
               Error);
}

TEST(BitPackingTest, Pack64RoundTrip) {
  std::mt19937_64 rng(3);
  for (int width : {1, 7, 31, 33, 63, 64}) {
    std::vector<uint64_t> values(77);
    for (uint64_t& v : values) v = width == 64 ? rng() : rng() & ((uint64_t{1} << width) - 1);
    std::string packed;
    pack_bits(values.data(), values.size(), width, &packed);
    std::vector<uint64_t> out(values.size());
    unpack_bits64(reinterpret_cast<const uint8_t*>(packed.data()), packed.size(), width,
                  values.size(), out.data());
    EXPECT_EQ(out, values) << width;
  }
}

TEST(ThriftCompactReaderTest, RejectsLyingLengths) {
  // A struct whose field 1 is a binary claiming 100 bytes, with 2 present.
  const auto data = bytes({0x18, 0x64, 'a', 'b'});
  ThriftCompactReader reader(data.data(), data.size(), "ctx");
  reader.begin_struct();
  int16_t id;
  ThriftType type;
  ASSERT_TRUE(reader.read_field(&id, &type));
  EXPECT_EQ(id, 1);
  EXPECT_EQ(type, ThriftType::kBinary);
  EXPECT_THROW(reader.read_binary_view(), Error);
  // A list claiming 2^31 elements.
  const auto list = bytes({0xf5, 0xff, 0xff, 0xff, 0xff, 0x07});
  ThriftCompactReader list_reader(list.data(), list.size(), "ctx");
  ThriftType element;
  uint32_t n;
  EXPECT_THROW(list_reader.read_list_header(&element, &n), Error);
}

TEST(ThriftCompactReaderTest, DeepNestingIsRefused) {
  std::vector<uint8_t> data(10000, 0x1c);  // field 1 of type struct, nested forever
  ThriftCompactReader reader(data.data(), data.size(), "ctx");
  EXPECT_THROW(reader.skip(ThriftType::kStruct), Error);
}

}  // namespace
}  // namespace clipret::parquet
