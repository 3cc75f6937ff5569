// Tests image/resample and image/bicubic_coefficients: Pillow's kernel properties and that a
// window of the output equals the same pixels of a full resize.
#include "image/resample.h"

#include <gtest/gtest.h>

#include <cstring>
#include <random>

#include "core/error.h"
#include "image/bicubic_coefficients.h"

namespace clipret::image {
namespace {

ImageBuffer random_image(int width, int height, PixelMode mode, uint32_t seed) {
  std::mt19937 random(seed);
  ImageBuffer image;
  image.allocate(width, height, mode);
  for (uint8_t& v : image.pixels) v = static_cast<uint8_t>(random());
  if (mode == PixelMode::kI) {  // keep int32 values in a 16-bit range, as PNGs give them
    for (size_t i = 0; i < image.pixels.size(); i += 4) {
      const int32_t v = static_cast<int32_t>(random() % 65536);
      std::memcpy(&image.pixels[i], &v, 4);
    }
  }
  return image;
}

TEST(BicubicCoefficientsTest, KernelValues) {
  EXPECT_EQ(bicubic_kernel(0.0), 1.0);
  EXPECT_EQ(bicubic_kernel(1.0), 0.0);
  EXPECT_EQ(bicubic_kernel(2.0), 0.0);
  EXPECT_DOUBLE_EQ(bicubic_kernel(0.5), 0.5625);
  EXPECT_DOUBLE_EQ(bicubic_kernel(-1.5), -0.0625);
}

TEST(BicubicCoefficientsTest, DownscalingWidensTheSupport) {
  const BicubicCoefficients c = bicubic_coefficients(640, 298, 0, 298);
  // scale 2.148 -> support 4.295 -> ksize 2 * 5 + 1.
  EXPECT_EQ(c.ksize, 11);
  for (size_t i = 0; i < c.first.size(); ++i) {
    EXPECT_LE(c.count[i], c.ksize);
    int64_t sum = 0;
    for (int t = 0; t < c.count[i]; ++t) sum += c.fixed[i * c.ksize + t];
    EXPECT_NEAR(sum, 1 << kPrecisionBits, c.ksize) << i;  // one rounding per tap
  }
  EXPECT_EQ(c.first.front(), 0);
  EXPECT_EQ(c.first.back() + c.count.back(), 640);
}

TEST(BicubicCoefficientsTest, WindowRowsEqualFullRows) {
  const BicubicCoefficients full = bicubic_coefficients(500, 224, 0, 224);
  const BicubicCoefficients part = bicubic_coefficients(500, 224, 37, 100);
  for (int i = 0; i < 63; ++i) {
    EXPECT_EQ(part.first[i], full.first[37 + i]);
    for (int t = 0; t < full.ksize; ++t) {
      EXPECT_EQ(part.fixed[i * part.ksize + t], full.fixed[(37 + i) * full.ksize + t]);
    }
  }
}

class ResampleWindowTest : public ::testing::TestWithParam<PixelMode> {};

TEST_P(ResampleWindowTest, WindowMatchesCropOfFullResize) {
  const PixelMode mode = GetParam();
  const ImageBuffer in = random_image(97, 61, mode, 5);
  const int sizes[][2] = {{40, 30}, {200, 61}, {97, 150}, {13, 7}};
  for (const auto& size : sizes) {
    const int w = size[0];
    const int h = size[1];
    const ImageBuffer full = resample_bicubic(in, w, h, {0, 0, w, h});
    const Rect window{w / 3, h / 4, w / 2, h / 2};
    const ImageBuffer part = resample_bicubic(in, w, h, window);
    EXPECT_EQ(part.pixels, crop(full, window).pixels) << w << "x" << h;
    const ImageBuffer nearest_full = resample_nearest(in, w, h, {0, 0, w, h});
    EXPECT_EQ(resample_nearest(in, w, h, window).pixels, crop(nearest_full, window).pixels);
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, ResampleWindowTest,
                         ::testing::Values(PixelMode::kL, PixelMode::kLA, PixelMode::kRGB,
                                           PixelMode::kRGBA, PixelMode::kI));

TEST(ResampleTest, SameSizeIsACopyAndFlatStaysFlat) {
  const ImageBuffer in = random_image(20, 10, PixelMode::kRGB, 9);
  EXPECT_EQ(resample_bicubic(in, 20, 10, {0, 0, 20, 10}).pixels, in.pixels);

  ImageBuffer flat;
  flat.allocate(7, 5, PixelMode::kL);
  std::fill(flat.pixels.begin(), flat.pixels.end(), 77);
  for (const auto& size : {std::pair{3, 2}, std::pair{50, 41}, std::pair{7, 90}}) {
    const ImageBuffer out =
        resample_bicubic(flat, size.first, size.second, {0, 0, size.first, size.second});
    for (uint8_t v : out.pixels) ASSERT_EQ(v, 77);
  }
}

TEST(ResampleTest, OnePixelUpscalesToItself) {
  ImageBuffer one;
  one.allocate(1, 1, PixelMode::kRGB);
  one.pixels = {10, 20, 30};
  const ImageBuffer out = resample_bicubic(one, 224, 224, {0, 0, 224, 224});
  for (size_t i = 0; i < out.pixels.size(); ++i) ASSERT_EQ(out.pixels[i], one.pixels[i % 3]);
}

TEST(ResampleTest, NearestPicksCentresAndKeepsThePalette) {
  ImageBuffer in;
  in.allocate(4, 1, PixelMode::kP);
  in.pixels = {0, 1, 2, 3};
  in.palette[3] = 42;
  const ImageBuffer half = resample_nearest(in, 2, 1, {0, 0, 2, 1});
  EXPECT_EQ(half.pixels, (std::vector<uint8_t>{1, 3}));  // centres 1.0 and 3.0
  EXPECT_EQ(half.palette[3], 42);
  const ImageBuffer twice = resample_nearest(in, 8, 1, {0, 0, 8, 1});
  EXPECT_EQ(twice.pixels, (std::vector<uint8_t>{0, 0, 1, 1, 2, 2, 3, 3}));
}

TEST(ResampleTest, RejectsPaletteForBicubicAndBadWindows) {
  ImageBuffer p;
  p.allocate(4, 4, PixelMode::kP);
  EXPECT_THROW(resample_bicubic(p, 2, 2, {0, 0, 2, 2}), Error);
  const ImageBuffer in = random_image(4, 4, PixelMode::kL, 1);
  EXPECT_THROW(resample_bicubic(in, 2, 2, {1, 1, 2, 2}), Error);
  EXPECT_THROW(crop(in, {0, 0, 5, 1}), Error);
}

}  // namespace
}  // namespace clipret::image
