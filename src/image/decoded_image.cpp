#include "image/decoded_image.h"

#include <cstdarg>
#include <cstdio>

namespace clipret::image {

DecodedImage decode_failure(ErrorKind kind, const char* fmt, ...) {
  char buffer[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buffer, sizeof buffer, fmt, args);
  va_end(args);
  DecodedImage result;
  result.error = buffer[0] != '\0' ? buffer : "decode failed";
  result.error_kind = kind;
  return result;
}

std::string check_image_size(int64_t width, int64_t height, const DecodeOptions& options) {
  if (width <= 0 || height <= 0) {
    return string_printf("invalid image size %lldx%lld", static_cast<long long>(width),
                         static_cast<long long>(height));
  }
  const uint64_t pixels = static_cast<uint64_t>(width) * static_cast<uint64_t>(height);
  if (options.max_pixels != 0 && pixels > options.max_pixels) {
    return string_printf(
        "image size %lldx%lld (%llu pixels) exceeds the limit of %llu pixels "
        "(decompression bomb protection)",
        static_cast<long long>(width), static_cast<long long>(height),
        static_cast<unsigned long long>(pixels),
        static_cast<unsigned long long>(options.max_pixels));
  }
  return {};
}

}  // namespace clipret::image
