// Tests image/jpeg_decoder: modes, Pillow's CMYK inversion, and error values.
#include "image/jpeg_decoder.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

#include "image_builders.h"

namespace clipret::image {
namespace {

using testing::make_flat_jpeg;

DecodedImage decode(const std::string& bytes) {
  return decode_jpeg(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), {});
}

// A flat image survives JPEG within a level or two.
constexpr int kJpegSlack = 2;

TEST(JpegDecoderTest, GreyscaleIsModeL) {
  const DecodedImage r = decode(make_flat_jpeg(17, 9, 1, {100}));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.image.mode, PixelMode::kL);
  EXPECT_EQ(r.image.width, 17);
  EXPECT_EQ(r.image.height, 9);
  EXPECT_NEAR(r.image.pixels[0], 100, kJpegSlack);
}

TEST(JpegDecoderTest, ColourIsModeRgb) {
  const DecodedImage r = decode(make_flat_jpeg(16, 16, 3, {200, 30, 90}));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.image.mode, PixelMode::kRGB);
  EXPECT_NEAR(r.image.pixels[0], 200, kJpegSlack);
  EXPECT_NEAR(r.image.pixels[1], 30, kJpegSlack);
  EXPECT_NEAR(r.image.pixels[2], 90, kJpegSlack);
}

// Pillow reads every 4-component JPEG as "CMYK;I" (Adobe's inverted convention), so stored
// samples come back inverted.
TEST(JpegDecoderTest, CmykSamplesAreInvertedLikePillow) {
  const DecodedImage r = decode(make_flat_jpeg(8, 8, 4, {10, 60, 120, 250}));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.image.mode, PixelMode::kCMYK);
  EXPECT_NEAR(r.image.pixels[0], 255 - 10, kJpegSlack);
  EXPECT_NEAR(r.image.pixels[1], 255 - 60, kJpegSlack);
  EXPECT_NEAR(r.image.pixels[2], 255 - 120, kJpegSlack);
  EXPECT_NEAR(r.image.pixels[3], 255 - 250, kJpegSlack);
}

TEST(JpegDecoderTest, TruncatedScanIsAnError) {
  const std::string full = make_flat_jpeg(64, 64, 3, {1, 2, 3});
  const DecodedImage r = decode(full.substr(0, full.size() - 20));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error_kind, ErrorKind::kCorrupt);
  EXPECT_NE(r.error.find("truncated"), std::string::npos) << r.error;
}

// Pillow 9.4 reports "image file is truncated" for a JPEG without its EOI marker, even though
// every scanline could be decoded.
TEST(JpegDecoderTest, MissingEndMarkerIsAnErrorLikePillow) {
  const std::string full = make_flat_jpeg(16, 16, 3, {1, 2, 3});
  ASSERT_EQ(full.substr(full.size() - 2), "\xFF\xD9");
  EXPECT_FALSE(decode(full.substr(0, full.size() - 2)).ok());
  EXPECT_TRUE(decode(full + "trailing bytes").ok());
}

TEST(JpegDecoderTest, GarbageAfterSoiIsAnError) {
  const DecodedImage r = decode(std::string("\xFF\xD8\xFF\x00garbage", 11));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error.rfind("jpeg: ", 0), 0u) << r.error;
  EXPECT_FALSE(decode("").ok());
}

}  // namespace
}  // namespace clipret::image
