// Tests image/image_decoder: sniffing, dispatch, and that bad input is a value, never a crash.
#include "image/image_decoder.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "image_builders.h"
#include "test_util.h"

namespace clipret::image {
namespace {

using clipret::testing::fixture_path;
using clipret::testing::read_file;

DecodedImage decode(const std::string& bytes, const DecodeOptions& options = {}) {
  return decode_image(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), options);
}

std::string fixture(const std::string& name) {
  const std::string bytes = read_file(fixture_path("preprocess/" + name));
  EXPECT_FALSE(bytes.empty()) << name;
  return bytes;
}

ImageFormat sniff(const std::string& bytes) {
  return sniff_format(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}

TEST(ImageDecoderTest, SniffsByContentNotName) {
  EXPECT_EQ(sniff(fixture("rgb_640x480.jpg")), ImageFormat::kJpeg);
  EXPECT_EQ(sniff(fixture("rgb_224x224.png")), ImageFormat::kPng);
  EXPECT_EQ(sniff(fixture("rgb_257x333_odd.webp")), ImageFormat::kWebp);
  EXPECT_EQ(sniff("GIF89a\x01\x00"), ImageFormat::kGif);
  EXPECT_EQ(sniff("BM\x00\x00"), ImageFormat::kBmp);
  EXPECT_EQ(sniff("RIFF\x10\x00\x00\x00WAVE"), ImageFormat::kUnknown);
  EXPECT_EQ(sniff(""), ImageFormat::kUnknown);
  EXPECT_EQ(sniff_format(nullptr, 0), ImageFormat::kUnknown);
  EXPECT_STREQ(image_format_name(ImageFormat::kWebp), "webp");
}

TEST(ImageDecoderTest, ZeroBytesIsAnError) {
  const DecodedImage empty = decode("");
  EXPECT_FALSE(empty.ok());
  EXPECT_EQ(empty.error_kind, ErrorKind::kInvalidInput);
  EXPECT_FALSE(decode_image(nullptr, 0).ok());
}

TEST(ImageDecoderTest, UnknownFormatIsUnsupported) {
  const DecodedImage result = decode("not an image at all");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error_kind, ErrorKind::kUnsupported);
  EXPECT_NE(result.error.find("6e 6f 74"), std::string::npos) << result.error;
}

TEST(ImageDecoderTest, TruncatedFilesAreErrors) {
  for (const char* name : {"rgb_640x480.jpg", "rgb_224x224.png", "rgb_257x333_odd.webp"}) {
    const std::string bytes = fixture(name);
    for (size_t keep : {size_t{3}, size_t{20}, size_t{200}, bytes.size() / 2, bytes.size() - 40}) {
      const DecodedImage result = decode(bytes.substr(0, keep));
      EXPECT_FALSE(result.ok()) << name << " cut to " << keep;
    }
  }
}

TEST(ImageDecoderTest, CorruptHeadersAreErrors) {
  std::string jpeg = fixture("rgb_640x480.jpg");
  jpeg.replace(2, 40, 40, '\x7F');  // wipe the markers after SOI
  EXPECT_FALSE(decode(jpeg).ok());
  std::string png = fixture("rgb_224x224.png");
  png[20] ^= 0x5A;  // inside IHDR: the CRC no longer matches
  const DecodedImage result = decode(png);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error_kind, ErrorKind::kCorrupt);
  EXPECT_EQ(result.error.rfind("png: ", 0), 0u) << result.error;
}

// Flipped bytes anywhere must give either an image or an error value: never a crash, hang or
// exception. (The sanitizer build makes this a memory-safety check too.)
TEST(ImageDecoderTest, RandomByteFlipsNeverCrash) {
  std::mt19937 random(1234);
  for (const char* name : {"rgb_100x60_upscale.png", "rgb_225x226_offbyone.jpg",
                           "rgb_257x333_odd.webp", "rgba_320x240.png"}) {
    const std::string original = fixture(name);
    for (int trial = 0; trial < 60; ++trial) {
      std::string bytes = original;
      const int flips = 1 + trial % 8;
      for (int f = 0; f < flips; ++f) {
        const size_t at = random() % bytes.size();
        bytes[at] = static_cast<char>(bytes[at] ^ (1 << (random() % 8)));
      }
      const DecodedImage result = decode(bytes);
      if (result.ok()) {
        EXPECT_GT(result.image.width, 0);
        EXPECT_EQ(result.image.pixels.size(),
                  result.image.row_bytes() * static_cast<size_t>(result.image.height));
      }
    }
  }
}

TEST(ImageDecoderTest, HugeDeclaredSizeIsRefusedBeforeAllocating) {
  // 100000 x 100000 = 1e10 pixels: 30 GB of RGB if anyone tried.
  const DecodedImage result = decode(testing::make_png_header(100000, 100000, 8, 2));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error_kind, ErrorKind::kInvalidInput);
  EXPECT_NE(result.error.find("exceeds the limit"), std::string::npos) << result.error;
  EXPECT_TRUE(result.image.pixels.empty());
}

TEST(ImageDecoderTest, PixelLimitIsConfigurable) {
  const std::string jpeg = fixture("rgb_640x480.jpg");
  DecodeOptions options;
  options.max_pixels = 640 * 480;
  EXPECT_TRUE(decode(jpeg, options).ok());
  options.max_pixels = 640 * 480 - 1;
  const DecodedImage result = decode(jpeg, options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error_kind, ErrorKind::kInvalidInput);
  EXPECT_EQ(result.error.rfind("jpeg: ", 0), 0u) << result.error;
}

TEST(ImageDecoderTest, DecodesOnePixelImage) {
  const DecodedImage result = decode(fixture("rgb_1x1.png"));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.image.width, 1);
  EXPECT_EQ(result.image.height, 1);
  EXPECT_EQ(result.image.pixels.size(), 3u);
}

TEST(ImageDecoderTest, KeepsAlpha) {
  const DecodedImage result = decode(fixture("rgba_320x240.png"));
  ASSERT_TRUE(result.ok()) << result.error;
  EXPECT_EQ(result.image.mode, PixelMode::kRGBA);
  bool has_transparency = false;
  for (size_t i = 3; i < result.image.pixels.size(); i += 4) {
    has_transparency |= result.image.pixels[i] != 255;
  }
  EXPECT_TRUE(has_transparency);
}

}  // namespace
}  // namespace clipret::image
