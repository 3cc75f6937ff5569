// Tests image/bmp_decoder against hand-built bitmaps.
#include "image/bmp_decoder.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "image_builders.h"

namespace clipret::image {
namespace {

using testing::make_bmp;

DecodedImage decode(const std::string& bytes) {
  return decode_bmp(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), {});
}

TEST(BmpDecoderTest, TwentyFourBitBottomUp) {
  // File rows are bottom-up: the first row in the file is the image's last.
  const DecodedImage r = decode(make_bmp(2, 2, 24, {{1, 2, 3, 4, 5, 6}, {7, 8, 9, 10, 11, 12}}));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.image.mode, PixelMode::kRGB);
  EXPECT_EQ(r.image.pixels, (std::vector<uint8_t>{9, 8, 7, 12, 11, 10, 3, 2, 1, 6, 5, 4}));
}

TEST(BmpDecoderTest, TopDown) {
  const DecodedImage r = decode(make_bmp(1, 2, 24, {{1, 2, 3}, {4, 5, 6}}, {}, true));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.image.pixels, (std::vector<uint8_t>{3, 2, 1, 6, 5, 4}));
}

TEST(BmpDecoderTest, ThirtyTwoBitRgbIgnoresTheFourthByte) {
  const DecodedImage r = decode(make_bmp(1, 1, 32, {{1, 2, 3, 0}}));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.image.mode, PixelMode::kRGB);  // Pillow's "BGRX"
  EXPECT_EQ(r.image.pixels, (std::vector<uint8_t>{3, 2, 1}));
}

TEST(BmpDecoderTest, PaletteAndGreyRampPalette) {
  const std::vector<uint8_t> colours = {0, 0, 255, 0, 0, 255, 0, 0, 255, 0, 0, 0};
  DecodedImage r = decode(make_bmp(3, 1, 8, {{2, 0, 1}}, colours));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.image.mode, PixelMode::kP);
  EXPECT_EQ(r.image.pixels, (std::vector<uint8_t>{2, 0, 1}));
  EXPECT_EQ(r.image.palette[0], 255);  // entry 0 is B=0, G=0, R=255
  EXPECT_EQ(r.image.palette[3 * 2 + 2], 255);

  std::vector<uint8_t> ramp;
  for (int i = 0; i < 256; ++i) ramp.insert(ramp.end(), {uint8_t(i), uint8_t(i), uint8_t(i), 0});
  r = decode(make_bmp(2, 1, 8, {{5, 250}}, ramp));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.image.mode, PixelMode::kL);  // Pillow drops a grey-ramp palette
  EXPECT_EQ(r.image.pixels, (std::vector<uint8_t>{5, 250}));
}

TEST(BmpDecoderTest, OneBitBlackAndWhiteIsBilevel) {
  const std::vector<uint8_t> bw = {0, 0, 0, 0, 255, 255, 255, 0};
  const DecodedImage r = decode(make_bmp(3, 1, 1, {{0b10100000}}, bw));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.image.mode, PixelMode::k1);
  EXPECT_EQ(r.image.pixels, (std::vector<uint8_t>{255, 0, 255}));
}

TEST(BmpDecoderTest, RleIsUnsupportedAndTruncationIsCorrupt) {
  DecodedImage r =
      decode(make_bmp(2, 2, 8, {{0, 0}, {0, 0}}, std::vector<uint8_t>(8, 0), false, 1));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error_kind, ErrorKind::kUnsupported);

  const std::string full =
      make_bmp(4, 4, 24, std::vector<std::vector<uint8_t>>(4, std::vector<uint8_t>(12)));
  r = decode(full.substr(0, full.size() - 5));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error_kind, ErrorKind::kCorrupt);
  EXPECT_FALSE(decode(full.substr(0, 20)).ok());
}

TEST(BmpDecoderTest, HugeDeclaredSizeIsRefused) {
  const DecodedImage r = decode(make_bmp(1 << 20, 1 << 20, 24, {}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error_kind, ErrorKind::kInvalidInput);
}

}  // namespace
}  // namespace clipret::image
