// image/jpeg_decoder.h: JPEG decoding through libjpeg-turbo's libjpeg API, as Pillow does it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "image/decoded_image.h"

namespace clipret::image {

// Decodes a whole JPEG at full size with libjpeg's defaults outside Pillow's draft mode: accurate
// integer IDCT (JDCT_ISLOW) and fancy upsampling. Modes as Pillow 9.4 gives them: 1 component ->
// kL, 3 -> kRGB (YCbCr or RGB per the JFIF/Adobe markers), 4 -> kCMYK (CMYK or YCCK), with the
// samples inverted because Pillow assumes Adobe's inverted CMYK convention ("CMYK;I") for every
// 4-component JPEG. A truncated stream, even one missing only its EOI marker, is an error (Pillow
// without LOAD_TRUNCATED_IMAGES); other libjpeg warnings are ignored, as in Pillow. `data` is
// borrowed for the call.
DecodedImage decode_jpeg(const uint8_t* data, size_t size, const DecodeOptions& options);

}  // namespace clipret::image
