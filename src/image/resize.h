// image/resize.h: Pillow's Image.resize(size, BICUBIC) with its per-mode rules, windowed.
#pragma once

#include "image/image_buffer.h"
#include "image/resample.h"

namespace clipret::image {

// Returns `window` of `in` resized to out_width x out_height the way Pillow 9.4's
// Image.resize(..., Resampling.BICUBIC) does it, in in.mode:
//   - same size: a plain copy (no resampling at all);
//   - "P" and "1": nearest neighbour (Pillow forces it for them);
//   - "LA" and "RGBA": premultiplied, resampled, un-premultiplied (so colour under alpha 0 comes
//     out black wherever resampling ran);
//   - everything else: bicubic per channel.
// Throws Error(kInvalidInput) for an empty input, size or a window outside the output.
ImageBuffer resize_bicubic_window(const ImageBuffer& in, int out_width, int out_height,
                                  const Rect& window);

}  // namespace clipret::image
