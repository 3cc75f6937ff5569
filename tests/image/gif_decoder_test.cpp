// Tests image/gif_decoder with hand-written GIFs.
#include "image/gif_decoder.h"

#include <gtest/gtest.h>

#include <string>

namespace clipret::image {
namespace {

DecodedImage decode(const std::string& bytes) {
  return decode_gif(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), {});
}

// 1x1 GIF89a: global palette {white, black}, graphic control extension with transparent
// index 0, one pixel of index 0 (LZW: clear, 0, end).
std::string one_pixel_gif(const std::string& palette) {
  return std::string("GIF89a\x01\x00\x01\x00\x80\x00\x00", 13) + palette +
         std::string("\x21\xF9\x04\x01\x00\x00\x00\x00", 8) +
         std::string("\x2C\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00\x3B", 16);
}

TEST(GifDecoderTest, FirstFrameWithPalette) {
  const DecodedImage r = decode(one_pixel_gif(std::string("\xFF\xFF\xFF\x00\x00\x00", 6)));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.image.mode, PixelMode::kP);
  EXPECT_EQ(r.image.width, 1);
  EXPECT_EQ(r.image.pixels[0], 0);
  EXPECT_EQ(r.image.palette[0], 255);  // transparency is not applied
}

TEST(GifDecoderTest, GreyRampPaletteMeansModeL) {
  const DecodedImage r = decode(one_pixel_gif(std::string("\x00\x00\x00\x01\x01\x01", 6)));
  ASSERT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.image.mode, PixelMode::kL);
}

TEST(GifDecoderTest, TruncatedAndEmptyAreErrors) {
  const std::string full = one_pixel_gif(std::string("\xFF\xFF\xFF\x00\x00\x00", 6));
  EXPECT_FALSE(decode(full.substr(0, 10)).ok());
  EXPECT_FALSE(decode(full.substr(0, full.size() - 6)).ok());
  const DecodedImage no_frame = decode(full.substr(0, 19) + ";");
  ASSERT_FALSE(no_frame.ok());
  EXPECT_EQ(no_frame.error_kind, ErrorKind::kCorrupt);
}

}  // namespace
}  // namespace clipret::image
