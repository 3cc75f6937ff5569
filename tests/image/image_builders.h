// tests/image/image_builders.h: small encoders that make test images in memory, so each test
// states its pixels instead of depending on a binary file.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace clipret::image::testing {

// A PNG with one IDAT of stored (uncompressed) deflate blocks. `scanlines` are the packed rows
// without filter bytes (filter 0 is added), or, when `interlaced`, the seven Adam7 passes'
// packed rows concatenated (empty passes omitted). `plte` and `trns` are raw chunk payloads
// (omitted when empty).
std::string make_png(uint32_t width, uint32_t height, int bit_depth, int color_type,
                     const std::vector<std::vector<uint8_t>>& scanlines,
                     const std::vector<uint8_t>& plte = {}, const std::vector<uint8_t>& trns = {},
                     bool interlaced = false);

// Just the signature and a valid IHDR (no image data): enough to announce a size.
std::string make_png_header(uint32_t width, uint32_t height, int bit_depth, int color_type);

// A BMP with a 40-byte info header. `rows` are the file's rows in file order (bottom-up unless
// `top_down`), unpadded; `palette` holds B, G, R, 0 quads.
std::string make_bmp(int32_t width, int32_t height, int bits,
                     const std::vector<std::vector<uint8_t>>& rows,
                     const std::vector<uint8_t>& palette = {}, bool top_down = false,
                     uint32_t compression = 0);

// A baseline JPEG from libjpeg: `components` 1 (grey), 3 (RGB) or 4 (CMYK, with libjpeg's
// Adobe marker), every pixel set to `pixel` (components bytes).
std::string make_flat_jpeg(int width, int height, int components,
                           const std::vector<uint8_t>& pixel);

}  // namespace clipret::image::testing
