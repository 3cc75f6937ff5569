// image/webp_decoder.h: WebP decoding through libwebp, as Pillow 9.4 does it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "image/decoded_image.h"

namespace clipret::image {

// Decodes a still WebP, or the first frame of an animated one (libwebpdemux's animation decoder,
// which Pillow uses), with libwebp's default (fancy) upsampling. kRGBA when the file declares
// alpha, else kRGB. `data` is borrowed for the call.
DecodedImage decode_webp(const uint8_t* data, size_t size, const DecodeOptions& options);

}  // namespace clipret::image
