// image/decoded_image.h: what every decoder returns, and the options they share.
//
// A corrupt image among millions is an expected per-sample failure (STYLE.md §2.6): decoders
// never throw for bad bytes; they return a DecodedImage whose `error` says what went wrong, and
// the caller counts and skips it.
#pragma once

#include <cstdint>
#include <string>

#include "core/error.h"
#include "image/image_buffer.h"

namespace clipret::image {

// Pillow's Image.MAX_IMAGE_PIXELS; Pillow refuses images with more than twice as many pixels
// (DecompressionBombError) and only warns between once and twice.
constexpr uint64_t kPillowMaxImagePixels = 89478485;
constexpr uint64_t kDefaultMaxPixels = 2 * kPillowMaxImagePixels;

struct DecodeOptions {
  // Images with more pixels (width * height) than this are refused before any pixel memory is
  // allocated. 0 disables the check (trusted input only).
  uint64_t max_pixels = kDefaultMaxPixels;
};

struct DecodedImage {
  ImageBuffer image;                            // valid when ok()
  std::string error;                            // empty on success
  ErrorKind error_kind = ErrorKind::kInternal;  // kCorrupt, kUnsupported or kInvalidInput
  bool ok() const { return error.empty(); }
};

// A failed DecodedImage with a printf-formatted message.
DecodedImage decode_failure(ErrorKind kind, const char* fmt, ...)
    __attribute__((format(printf, 2, 3)));

// The empty string when a width x height image may be decoded, else the reason (zero or negative
// size, or more than options.max_pixels pixels: the decompression-bomb limit).
std::string check_image_size(int64_t width, int64_t height, const DecodeOptions& options);

}  // namespace clipret::image
