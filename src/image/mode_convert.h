// image/mode_convert.h: Pillow's pixel conversions that the CLIP pipeline uses.
#pragma once

#include <cstdint>

#include "image/image_buffer.h"

namespace clipret::image {

// Pillow's RGBA -> "RGBa" and LA -> "La": colour = colour * alpha / 255, rounded with Pillow's
// MULDIV255, in place. Other modes are left unchanged.
void premultiply_alpha(ImageBuffer* image);

// Pillow's "RGBa" -> RGBA and "La" -> LA: colour = min(255, colour * 255 / alpha) (integer
// division), left unchanged where alpha is 0 or 255, in place. Other modes are left unchanged.
void unpremultiply_alpha(ImageBuffer* image);

// Pillow's convert("RGB") of one row of `width` pixels in `mode` into `rgb` (3 * width bytes):
// L/1 replicated; LA and RGBA drop alpha (no compositing); P through `palette` (transparency
// ignored); CMYK by R = 255 - K - C * (255 - K) / 255 (MULDIV255); I clamped to [0, 255].
void row_to_rgb(const uint8_t* in, int width, PixelMode mode, const Palette& palette, uint8_t* rgb);

}  // namespace clipret::image
