// image/image_buffer.h: a decoded image in its own Pillow mode, before any conversion.
//
// The CLIP pipeline resizes and crops an image in the mode it was decoded in and converts it to
// RGB only afterwards (reference/clip-inference-notes.md §4.3), so decoders keep the mode Pillow
// would report instead of converting early. Pixels are interleaved and row-major with no row
// padding: pixel (x, y) channel c is at pixels[(y * width + x) * bytes_per_pixel + c].
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace clipret::image {

// Pillow's image modes that the decoders produce. Bytes per pixel in brackets.
enum class PixelMode {
  k1,     // bilevel [1]: stored as 0 or 255 like Pillow's "1"; resized with nearest neighbour
  kL,     // 8-bit grey [1]
  kLA,    // grey + straight alpha [2]
  kP,     // palette index [1]; colours in ImageBuffer::palette; resized with nearest neighbour
  kRGB,   // [3]
  kRGBA,  // straight alpha [4]
  kCMYK,  // ink amounts as Pillow stores them (Adobe JPEGs already un-inverted) [4]
  kI,     // 32-bit signed integer grey, native endian [4] (16-bit grey PNGs in Pillow 9.4)
};

// Pillow's name of a mode ("1", "L", "LA", "P", "RGB", "RGBA", "CMYK", "I").
const char* pixel_mode_name(PixelMode mode);

// Bytes per pixel of `mode` (the bracketed numbers above).
int bytes_per_pixel(PixelMode mode);

// Number of palette entries; Pillow fills entries a file does not define with the grey ramp
// (i, i, i), and so does make_grey_ramp_palette().
constexpr int kPaletteSize = 256;
using Palette = std::array<uint8_t, 3 * kPaletteSize>;  // R, G, B per entry
Palette make_grey_ramp_palette();

struct ImageBuffer {
  int width = 0;
  int height = 0;
  PixelMode mode = PixelMode::kRGB;
  std::vector<uint8_t> pixels;  // height rows of width * bytes_per_pixel(mode) bytes
  Palette palette{};            // meaningful only for kP

  size_t row_bytes() const { return static_cast<size_t>(width) * bytes_per_pixel(mode); }
  uint8_t* row(int y) { return pixels.data() + static_cast<size_t>(y) * row_bytes(); }
  const uint8_t* row(int y) const { return pixels.data() + static_cast<size_t>(y) * row_bytes(); }

  // Sets the size and mode and sizes `pixels` (contents unspecified). Throws std::bad_alloc.
  void allocate(int new_width, int new_height, PixelMode new_mode);
};

}  // namespace clipret::image
