#include "image/resize.h"

#include "image/mode_convert.h"

namespace clipret::image {

ImageBuffer resize_bicubic_window(const ImageBuffer& in, int out_width, int out_height,
                                  const Rect& window) {
  if (out_width == in.width && out_height == in.height) return crop(in, window);
  if (in.mode == PixelMode::kP || in.mode == PixelMode::k1) {
    return resample_nearest(in, out_width, out_height, window);
  }
  if (in.mode == PixelMode::kRGBA || in.mode == PixelMode::kLA) {
    ImageBuffer premultiplied = in;
    premultiply_alpha(&premultiplied);
    ImageBuffer out = resample_bicubic(premultiplied, out_width, out_height, window);
    unpremultiply_alpha(&out);
    return out;
  }
  return resample_bicubic(in, out_width, out_height, window);
}

}  // namespace clipret::image
