// image/bmp_decoder.h: a small decoder for uncompressed Windows and OS/2 bitmaps.
#pragma once

#include <cstddef>
#include <cstdint>

#include "image/decoded_image.h"

namespace clipret::image {

// Decodes an uncompressed BMP the way Pillow 9.4's BmpImagePlugin reads it: info headers of 12
// (OS/2 v1), 40, 64, 108 and 124 bytes; 1/4/8-bit palettes (kP, or kL / k1 when the palette is
// the identity grey ramp, as Pillow "ditches" it; 4-bit stays kP); 16-bit 5-5-5 and 5-6-5,
// 24-bit and 32-bit as kRGB (BI_RGB ignores the fourth byte); 32-bit BI_BITFIELDS with Pillow's
// supported masks (kRGBA when a mask selects alpha). Bottom-up and top-down rows. RLE-compressed
// files are refused as kUnsupported. `data` is borrowed for the call.
DecodedImage decode_bmp(const uint8_t* data, size_t size, const DecodeOptions& options);

}  // namespace clipret::image
