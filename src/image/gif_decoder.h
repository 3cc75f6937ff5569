// image/gif_decoder.h: the first frame of a GIF through giflib, as Pillow 9.4 loads it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "image/decoded_image.h"

namespace clipret::image {

// Decodes frame 0 of a GIF the way Pillow 9.4's GifImagePlugin loads it by default: the canvas
// is the logical screen (grown to the frame if the frame sticks out), filled with the frame's
// transparent index if it has one, else 0, with the frame's pixels at their offset. kP with the
// frame's palette (local, else global), or kL when that palette is the identity grey ramp (Pillow
// ignores such palettes). Transparency is not applied, as Pillow's convert("RGB") ignores it.
// `data` is borrowed for the call.
DecodedImage decode_gif(const uint8_t* data, size_t size, const DecodeOptions& options);

}  // namespace clipret::image
