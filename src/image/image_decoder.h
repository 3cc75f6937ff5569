// image/image_decoder.h: decode any supported image from memory, choosing the codec by content.
#pragma once

#include <cstddef>
#include <cstdint>

#include "image/decoded_image.h"

namespace clipret::image {

enum class ImageFormat { kUnknown, kJpeg, kPng, kWebp, kBmp, kGif };

// Lower-case name ("jpeg", "png", "webp", "bmp", "gif", "unknown").
const char* image_format_name(ImageFormat format);

// The format announced by the first bytes (magic numbers), never by a file name. `data` may be
// null when `size` is 0.
ImageFormat sniff_format(const uint8_t* data, size_t size);

// Decodes `size` bytes at `data` (borrowed for the call) with the codec sniff_format picks. The
// image keeps the mode Pillow 9.4 would open it in (image/image_buffer.h). Never throws for bad
// input: an empty buffer, an unknown format, corrupt or truncated data and images over
// options.max_pixels come back as a DecodedImage with `error` set (std::bad_alloc aside).
DecodedImage decode_image(const uint8_t* data, size_t size, const DecodeOptions& options = {});

}  // namespace clipret::image
