#include "image/mode_convert.h"

#include <cstring>

namespace clipret::image {
namespace {

// Pillow's MULDIV255: round(a * b / 255) for a, b in [0, 255] without a division.
inline uint32_t muldiv255(uint32_t a, uint32_t b) {
  const uint32_t t = a * b + 128;
  return ((t >> 8) + t) >> 8;
}

inline uint8_t clamp_u8(int32_t v) {
  return static_cast<uint8_t>(v < 0 ? 0 : v > 255 ? 255 : v);
}

// Alpha is the last of `bpp` bytes; the colour channels are the ones before it.
template <int Bpp>
void premultiply(ImageBuffer* image) {
  uint8_t* p = image->pixels.data();
  const size_t n = image->pixels.size() / Bpp;
  for (size_t i = 0; i < n; ++i, p += Bpp) {
    const uint32_t alpha = p[Bpp - 1];
    for (int c = 0; c < Bpp - 1; ++c) p[c] = static_cast<uint8_t>(muldiv255(p[c], alpha));
  }
}

template <int Bpp>
void unpremultiply(ImageBuffer* image) {
  uint8_t* p = image->pixels.data();
  const size_t n = image->pixels.size() / Bpp;
  for (size_t i = 0; i < n; ++i, p += Bpp) {
    const uint32_t alpha = p[Bpp - 1];
    if (alpha == 0 || alpha == 255) continue;
    for (int c = 0; c < Bpp - 1; ++c) {
      const uint32_t value = 255 * p[c] / alpha;
      p[c] = static_cast<uint8_t>(value > 255 ? 255 : value);
    }
  }
}

}  // namespace

void premultiply_alpha(ImageBuffer* image) {
  if (image->mode == PixelMode::kRGBA) premultiply<4>(image);
  if (image->mode == PixelMode::kLA) premultiply<2>(image);
}

void unpremultiply_alpha(ImageBuffer* image) {
  if (image->mode == PixelMode::kRGBA) unpremultiply<4>(image);
  if (image->mode == PixelMode::kLA) unpremultiply<2>(image);
}

void row_to_rgb(const uint8_t* in, int width, PixelMode mode, const Palette& palette,
                uint8_t* rgb) {
  switch (mode) {
    case PixelMode::kRGB:
      std::memcpy(rgb, in, static_cast<size_t>(width) * 3);
      return;
    case PixelMode::kRGBA:
      for (int x = 0; x < width; ++x, in += 4, rgb += 3) std::memcpy(rgb, in, 3);
      return;
    case PixelMode::k1:
    case PixelMode::kL:
      for (int x = 0; x < width; ++x, rgb += 3) rgb[0] = rgb[1] = rgb[2] = in[x];
      return;
    case PixelMode::kLA:
      for (int x = 0; x < width; ++x, rgb += 3) rgb[0] = rgb[1] = rgb[2] = in[2 * x];
      return;
    case PixelMode::kP:
      for (int x = 0; x < width; ++x, rgb += 3) std::memcpy(rgb, &palette[3 * in[x]], 3);
      return;
    case PixelMode::kCMYK:
      for (int x = 0; x < width; ++x, in += 4, rgb += 3) {
        const int32_t not_black = 255 - in[3];
        for (int c = 0; c < 3; ++c) {
          rgb[c] = clamp_u8(not_black - static_cast<int32_t>(muldiv255(in[c], not_black)));
        }
      }
      return;
    case PixelMode::kI:
      for (int x = 0; x < width; ++x, in += 4, rgb += 3) {
        int32_t v;
        std::memcpy(&v, in, sizeof v);
        rgb[0] = rgb[1] = rgb[2] = clamp_u8(v);
      }
      return;
  }
}

}  // namespace clipret::image
