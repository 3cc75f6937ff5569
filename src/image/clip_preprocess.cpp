#include "image/clip_preprocess.h"

#include <algorithm>
#include <vector>

#include "core/error.h"
#include "image/image_decoder.h"
#include "image/mode_convert.h"
#include "image/resize.h"

namespace clipret::image {
namespace {

// Python's int(round(d / 2.0)) for an integer d >= 0: round half to even.
int half_rounded_to_even(int d) {
  const int half = d / 2;
  if (d % 2 == 0) return half;
  return half % 2 == 0 ? half : half + 1;
}

void check_config(const PreprocessConfig& config) {
  CLIPRET_CHECK(config.size > 0, InvalidInput, "preprocess: image size must be positive, got %d",
                config.size);
  for (float s : config.stddev) {
    CLIPRET_CHECK(s != 0.0f, InvalidInput, "preprocess: std must not be zero");
  }
}

}  // namespace

ResizePlan plan_resize(int width, int height, const PreprocessConfig& config) {
  check_config(config);
  CLIPRET_CHECK(width > 0 && height > 0, InvalidInput, "preprocess: empty image %dx%d", width,
                height);
  const int size = config.size;
  ResizePlan plan;
  if (config.resize_mode == ResizeMode::kSquash) {
    plan.resized_width = size;
    plan.resized_height = size;
    plan.crop = {0, 0, size, size};
    return plan;
  }
  const bool portrait = width <= height;
  const int short_side = portrait ? width : height;
  const int long_side = portrait ? height : width;
  const double scaled = static_cast<double>(static_cast<int64_t>(size) * long_side) / short_side;
  const int new_long = static_cast<int>(scaled);
  plan.resized_width = portrait ? size : new_long;
  plan.resized_height = portrait ? new_long : size;
  plan.crop = {half_rounded_to_even(plan.resized_width - size),
               half_rounded_to_even(plan.resized_height - size), size, size};
  return plan;
}

ImageBuffer preprocess_to_rgb(const ImageBuffer& image, const PreprocessConfig& config) {
  const ResizePlan plan = plan_resize(image.width, image.height, config);
  const ImageBuffer cropped =
      resize_bicubic_window(image, plan.resized_width, plan.resized_height, plan.crop);
  if (cropped.mode == PixelMode::kRGB) return cropped;
  ImageBuffer rgb;
  rgb.allocate(cropped.width, cropped.height, PixelMode::kRGB);
  for (int y = 0; y < cropped.height; ++y) {
    row_to_rgb(cropped.row(y), cropped.width, cropped.mode, cropped.palette, rgb.row(y));
  }
  return rgb;
}

void normalize_to_chw(const ImageBuffer& rgb, const PreprocessConfig& config, float* out) {
  check_config(config);
  CLIPRET_CHECK(
      rgb.mode == PixelMode::kRGB && rgb.width == config.size && rgb.height == config.size,
      InvalidInput, "preprocess: expected a %dx%d RGB image, got %dx%d %s", config.size,
      config.size, rgb.width, rgb.height, pixel_mode_name(rgb.mode));
  // Every output is one of 3 x 256 values; each is computed with the same three float32
  // operations ToTensor and Normalize perform (no fused multiply-add, no reciprocal).
  float table[3][256];
  for (int c = 0; c < 3; ++c) {
    for (int v = 0; v < 256; ++v) {
      const float scaled = static_cast<float>(v) / 255.0f;
      const float centred = scaled - config.mean[c];
      table[c][v] = centred / config.stddev[c];
    }
  }
  const size_t plane = static_cast<size_t>(config.size) * config.size;
  for (int y = 0; y < rgb.height; ++y) {
    const uint8_t* row = rgb.row(y);
    const size_t offset = static_cast<size_t>(y) * config.size;
    for (int x = 0; x < rgb.width; ++x) {
      out[offset + x] = table[0][row[3 * x]];
      out[plane + offset + x] = table[1][row[3 * x + 1]];
      out[2 * plane + offset + x] = table[2][row[3 * x + 2]];
    }
  }
}

std::optional<std::string> preprocess_clip(const uint8_t* bytes, size_t n,
                                           const PreprocessConfig& config, float* out) {
  check_config(config);
  DecodedImage decoded = decode_image(bytes, n, config.decode);
  if (!decoded.ok()) return std::move(decoded.error);
  normalize_to_chw(preprocess_to_rgb(decoded.image, config), config, out);
  return std::nullopt;
}

}  // namespace clipret::image
