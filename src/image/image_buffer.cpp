#include "image/image_buffer.h"

namespace clipret::image {

const char* pixel_mode_name(PixelMode mode) {
  switch (mode) {
    case PixelMode::k1:
      return "1";
    case PixelMode::kL:
      return "L";
    case PixelMode::kLA:
      return "LA";
    case PixelMode::kP:
      return "P";
    case PixelMode::kRGB:
      return "RGB";
    case PixelMode::kRGBA:
      return "RGBA";
    case PixelMode::kCMYK:
      return "CMYK";
    case PixelMode::kI:
      return "I";
  }
  return "?";
}

int bytes_per_pixel(PixelMode mode) {
  switch (mode) {
    case PixelMode::k1:
    case PixelMode::kL:
    case PixelMode::kP:
      return 1;
    case PixelMode::kLA:
      return 2;
    case PixelMode::kRGB:
      return 3;
    case PixelMode::kRGBA:
    case PixelMode::kCMYK:
    case PixelMode::kI:
      return 4;
  }
  return 1;
}

Palette make_grey_ramp_palette() {
  Palette palette{};
  for (int i = 0; i < kPaletteSize; ++i) {
    for (int c = 0; c < 3; ++c) palette[3 * i + c] = static_cast<uint8_t>(i);
  }
  return palette;
}

void ImageBuffer::allocate(int new_width, int new_height, PixelMode new_mode) {
  width = new_width;
  height = new_height;
  mode = new_mode;
  pixels.resize(static_cast<size_t>(new_width) * new_height * bytes_per_pixel(new_mode));
}

}  // namespace clipret::image
