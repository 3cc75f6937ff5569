// image/resample.h: Pillow's resampling kernels, bit-exact, restricted to a window of the output.
//
// Pillow (src/libImaging/Resample.c, Geometry.c) computes every output pixel independently of
// the others, so computing only a window of the resized image (the centre crop) gives the same
// pixels as resizing everything and cropping, for less work. Arithmetic follows
// reference/clip-inference-notes.md §4.2: bicubic a = -0.5, support widened by the reduction
// factor, 22-bit fixed point for 8-bit channels, horizontal pass first with a uint8 clamp in
// between, a pass skipped when its axis keeps its size.
#pragma once

#include "image/image_buffer.h"

namespace clipret::image {

// A window [x, x + width) x [y, y + height) of an image.
struct Rect {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
};

// Resizes `in` to out_width x out_height with Pillow's bicubic filter and returns the pixels of
// `window` (which must lie inside the out_width x out_height image) in in.mode. Channels are
// filtered independently, so premultiply alpha first where Pillow does (image/resize.h). Modes:
// kL, kLA, kRGB, kRGBA, kCMYK (8-bit path) and kI (double-precision path, rounded to int32).
// Throws Error(kInvalidInput) for other modes, empty sizes or a window outside the output.
ImageBuffer resample_bicubic(const ImageBuffer& in, int out_width, int out_height,
                             const Rect& window);

// Pillow's nearest-neighbour resize (the affine scale path Image.resize uses for "P" and "1"):
// returns `window` of the out_width x out_height result, any mode, palette kept.
ImageBuffer resample_nearest(const ImageBuffer& in, int out_width, int out_height,
                             const Rect& window);

// Copies `window` of `in` (palette kept). Throws Error(kInvalidInput) if it is not inside `in`.
ImageBuffer crop(const ImageBuffer& in, const Rect& window);

}  // namespace clipret::image
