// Tests image/mode_convert: Pillow's premultiplication and RGB conversions.
#include "image/mode_convert.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace clipret::image {
namespace {

TEST(ModeConvertTest, PremultiplyRoundsLikeMuldiv255) {
  ImageBuffer image;
  image.allocate(3, 1, PixelMode::kRGBA);
  image.pixels = {255, 128, 1, 128, 200, 100, 50, 0, 9, 8, 7, 255};
  premultiply_alpha(&image);
  EXPECT_EQ(image.pixels, (std::vector<uint8_t>{128, 64, 1, 128, 0, 0, 0, 0, 9, 8, 7, 255}));
}

TEST(ModeConvertTest, UnpremultiplyDividesAndClampsButKeepsAlphaZeroAndOpaque) {
  ImageBuffer image;
  image.allocate(3, 1, PixelMode::kRGBA);
  image.pixels = {64, 100, 200, 128, 5, 6, 7, 0, 9, 8, 7, 255};
  unpremultiply_alpha(&image);
  // 64 * 255 / 128 = 127; 100 -> 199; 200 * 255 / 128 = 398 -> 255.
  EXPECT_EQ(image.pixels, (std::vector<uint8_t>{127, 199, 255, 128, 5, 6, 7, 0, 9, 8, 7, 255}));

  ImageBuffer la;
  la.allocate(1, 1, PixelMode::kLA);
  la.pixels = {100, 51};
  premultiply_alpha(&la);
  EXPECT_EQ(la.pixels, (std::vector<uint8_t>{20, 51}));
  unpremultiply_alpha(&la);
  EXPECT_EQ(la.pixels, (std::vector<uint8_t>{100, 51}));
}

TEST(ModeConvertTest, RowsToRgb) {
  const Palette palette = make_grey_ramp_palette();
  uint8_t rgb[6];
  const uint8_t grey[] = {7, 250};
  row_to_rgb(grey, 2, PixelMode::kL, palette, rgb);
  EXPECT_EQ(std::vector<uint8_t>(rgb, rgb + 6), (std::vector<uint8_t>{7, 7, 7, 250, 250, 250}));

  const uint8_t la[] = {9, 0};
  row_to_rgb(la, 1, PixelMode::kLA, palette, rgb);
  EXPECT_EQ(std::vector<uint8_t>(rgb, rgb + 3), (std::vector<uint8_t>{9, 9, 9}));

  const uint8_t rgba[] = {1, 2, 3, 0};
  row_to_rgb(rgba, 1, PixelMode::kRGBA, palette, rgb);  // alpha dropped, no compositing
  EXPECT_EQ(std::vector<uint8_t>(rgb, rgb + 3), (std::vector<uint8_t>{1, 2, 3}));

  Palette colours = palette;
  colours[3 * 5 + 0] = 200;
  const uint8_t index[] = {5};
  row_to_rgb(index, 1, PixelMode::kP, colours, rgb);
  EXPECT_EQ(std::vector<uint8_t>(rgb, rgb + 3), (std::vector<uint8_t>{200, 5, 5}));
}

TEST(ModeConvertTest, CmykUsesPillowsFormula) {
  const Palette palette{};
  uint8_t rgb[6];
  // nk = 255 - K; R = nk - round(C * nk / 255).
  const uint8_t cmyk[] = {0, 128, 255, 0, 100, 0, 0, 55};
  row_to_rgb(cmyk, 2, PixelMode::kCMYK, palette, rgb);
  EXPECT_EQ(std::vector<uint8_t>(rgb, rgb + 6), (std::vector<uint8_t>{255, 127, 0, 122, 200, 200}));
}

TEST(ModeConvertTest, IntegerGreyIsClamped) {
  const Palette palette{};
  const int32_t values[] = {-5, 100, 300};
  uint8_t in[sizeof values];
  std::memcpy(in, values, sizeof values);
  uint8_t rgb[9];
  row_to_rgb(in, 3, PixelMode::kI, palette, rgb);
  EXPECT_EQ(rgb[0], 0);
  EXPECT_EQ(rgb[3], 100);
  EXPECT_EQ(rgb[6], 255);
}

}  // namespace
}  // namespace clipret::image
