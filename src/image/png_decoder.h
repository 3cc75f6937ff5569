// image/png_decoder.h: PNG decoding through libpng, with Pillow 9.4's choice of mode.
#pragma once

#include <cstddef>
#include <cstdint>

#include "image/decoded_image.h"

namespace clipret::image {

// Decodes the (first, default) image of a PNG. Modes follow Pillow 9.4's PngImagePlugin:
//   grey 1-bit -> k1; grey 2/4/8-bit -> kL (2/4-bit scaled by 85/17); grey 16-bit -> kI (full
//   16-bit values); grey+alpha -> kLA; RGB -> kRGB; RGBA -> kRGBA; palette (1/2/4/8-bit) -> kP.
// 16-bit colour and alpha keep the high byte. tRNS chunks and gamma/ICC data are ignored for the
// pixels, as Pillow ignores them until an explicit conversion. Interlaced files are supported.
// `data` is borrowed for the call.
DecodedImage decode_png(const uint8_t* data, size_t size, const DecodeOptions& options);

}  // namespace clipret::image
