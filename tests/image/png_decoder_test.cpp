// Tests image/png_decoder: Pillow 9.4's mode for each PNG colour type and bit depth.
#include "image/png_decoder.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "image_builders.h"

namespace clipret::image {
namespace {

using testing::make_png;

DecodedImage decode(const std::string& bytes) {
  return decode_png(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), {});
}

constexpr int kGrey = 0, kRgb = 2, kPalette = 3, kGreyAlpha = 4, kRgba = 6;

TEST(PngDecoderTest, EightBitModes) {
  DecodedImage r = decode(make_png(2, 1, 8, kGrey, {{7, 200}}));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.image.mode, PixelMode::kL);
  EXPECT_EQ(r.image.pixels, (std::vector<uint8_t>{7, 200}));

  r = decode(make_png(1, 1, 8, kGreyAlpha, {{9, 128}}));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.image.mode, PixelMode::kLA);
  EXPECT_EQ(r.image.pixels, (std::vector<uint8_t>{9, 128}));

  r = decode(make_png(1, 1, 8, kRgba, {{1, 2, 3, 0}}));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.image.mode, PixelMode::kRGBA);
  EXPECT_EQ(r.image.pixels, (std::vector<uint8_t>{1, 2, 3, 0}));
}

TEST(PngDecoderTest, LowBitGreyIsScaledAndOneBitIsBilevel) {
  DecodedImage r = decode(make_png(4, 1, 2, kGrey, {{0b00011011}}));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.image.mode, PixelMode::kL);
  EXPECT_EQ(r.image.pixels, (std::vector<uint8_t>{0, 85, 170, 255}));

  r = decode(make_png(2, 1, 4, kGrey, {{0x1F}}));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.image.pixels, (std::vector<uint8_t>{17, 255}));

  r = decode(make_png(3, 1, 1, kGrey, {{0b10100000}}));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.image.mode, PixelMode::k1);
  EXPECT_EQ(r.image.pixels, (std::vector<uint8_t>{255, 0, 255}));
}

TEST(PngDecoderTest, SixteenBitGreyIsModeIAndColourKeepsTheHighByte) {
  DecodedImage r = decode(make_png(2, 1, 16, kGrey, {{0x01, 0x2C, 0xFF, 0xFF}}));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.image.mode, PixelMode::kI);
  int32_t values[2];
  std::memcpy(values, r.image.pixels.data(), sizeof values);
  EXPECT_EQ(values[0], 300);
  EXPECT_EQ(values[1], 65535);

  r = decode(make_png(1, 1, 16, kRgb, {{0x12, 0xFF, 0x34, 0x00, 0x56, 0x80}}));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.image.mode, PixelMode::kRGB);
  EXPECT_EQ(r.image.pixels, (std::vector<uint8_t>{0x12, 0x34, 0x56}));
}

TEST(PngDecoderTest, PaletteKeepsIndicesAndFillsMissingEntriesWithTheGreyRamp) {
  const std::vector<uint8_t> plte = {255, 0, 0, 0, 255, 0};
  DecodedImage r = decode(make_png(3, 1, 8, kPalette, {{0, 1, 9}}, plte, {0}));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.image.mode, PixelMode::kP);  // tRNS does not turn it into RGBA
  EXPECT_EQ(r.image.pixels, (std::vector<uint8_t>{0, 1, 9}));
  EXPECT_EQ(r.image.palette[0], 255);
  EXPECT_EQ(r.image.palette[4], 255);
  EXPECT_EQ(r.image.palette[3 * 9], 9);

  r = decode(make_png(3, 1, 2, kPalette, {{0b01000100}}, plte));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.image.pixels, (std::vector<uint8_t>{1, 0, 1}));
}

TEST(PngDecoderTest, TransparencyChunkLeavesGreyAndRgbAlone) {
  DecodedImage r = decode(make_png(1, 1, 8, kRgb, {{1, 2, 3}}, {}, {0, 1, 0, 2, 0, 3}));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.image.mode, PixelMode::kRGB);
}

TEST(PngDecoderTest, InterlacedEqualsProgressive) {
  // 3x3 grey: Adam7 passes 1 (0,0), 2 none, 3 none, 4 (2,0)... written out by hand:
  // pass 1: x0 y0 -> [0]; pass 4: x2 y0 -> [2]; pass 5: y2 x0,x2 -> [6, 8];
  // pass 6: x1 y0, x1 y2 -> [1], [7]; pass 7: y1 x0..2 -> [3, 4, 5].
  const std::vector<std::vector<uint8_t>> passes = {{0}, {2}, {6, 8}, {1}, {7}, {3, 4, 5}};
  DecodedImage r = decode(make_png(3, 3, 8, kGrey, passes, {}, {}, true));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.image.pixels, (std::vector<uint8_t>{0, 1, 2, 3, 4, 5, 6, 7, 8}));
}

TEST(PngDecoderTest, MissingImageDataIsAnError) {
  const DecodedImage r = decode(testing::make_png_header(4, 4, 8, kRgb));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error_kind, ErrorKind::kCorrupt);
}

}  // namespace
}  // namespace clipret::image
