#include "image/image_decoder.h"

#include <cstdio>
#include <cstring>

#include "image/bmp_decoder.h"
#include "image/gif_decoder.h"
#include "image/jpeg_decoder.h"
#include "image/png_decoder.h"
#include "image/webp_decoder.h"

namespace clipret::image {
namespace {

bool starts_with(const uint8_t* data, size_t size, const char* magic, size_t length,
                 size_t at = 0) {
  return size >= at + length && std::memcmp(data + at, magic, length) == 0;
}

}  // namespace

const char* image_format_name(ImageFormat format) {
  switch (format) {
    case ImageFormat::kJpeg:
      return "jpeg";
    case ImageFormat::kPng:
      return "png";
    case ImageFormat::kWebp:
      return "webp";
    case ImageFormat::kBmp:
      return "bmp";
    case ImageFormat::kGif:
      return "gif";
    case ImageFormat::kUnknown:
      break;
  }
  return "unknown";
}

ImageFormat sniff_format(const uint8_t* data, size_t size) {
  if (data == nullptr || size == 0) return ImageFormat::kUnknown;
  if (starts_with(data, size, "\xFF\xD8\xFF", 3)) return ImageFormat::kJpeg;
  if (starts_with(data, size, "\x89PNG\r\n\x1A\n", 8)) return ImageFormat::kPng;
  if (starts_with(data, size, "RIFF", 4) && starts_with(data, size, "WEBP", 4, 8)) {
    return ImageFormat::kWebp;
  }
  if (starts_with(data, size, "GIF87a", 6) || starts_with(data, size, "GIF89a", 6)) {
    return ImageFormat::kGif;
  }
  if (starts_with(data, size, "BM", 2)) return ImageFormat::kBmp;
  return ImageFormat::kUnknown;
}

DecodedImage decode_image(const uint8_t* data, size_t size, const DecodeOptions& options) {
  if (data == nullptr || size == 0) {
    return decode_failure(ErrorKind::kInvalidInput, "empty image data");
  }
  switch (sniff_format(data, size)) {
    case ImageFormat::kJpeg:
      return decode_jpeg(data, size, options);
    case ImageFormat::kPng:
      return decode_png(data, size, options);
    case ImageFormat::kWebp:
      return decode_webp(data, size, options);
    case ImageFormat::kBmp:
      return decode_bmp(data, size, options);
    case ImageFormat::kGif:
      return decode_gif(data, size, options);
    case ImageFormat::kUnknown:
      break;
  }
  constexpr size_t kShownBytes = 8;
  char shown[3 * kShownBytes + 1] = "";
  const size_t count = size < kShownBytes ? size : kShownBytes;
  for (size_t i = 0; i < count; ++i) std::snprintf(shown + 3 * i, 4, "%02x ", data[i]);
  shown[3 * count - 1] = '\0';
  return decode_failure(ErrorKind::kUnsupported, "unknown image format (first bytes %s)", shown);
}

}  // namespace clipret::image
