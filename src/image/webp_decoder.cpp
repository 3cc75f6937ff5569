#include "image/webp_decoder.h"

#include <webp/decode.h>
#include <webp/demux.h>

#include <cstring>
#include <memory>

namespace clipret::image {
namespace {

struct AnimDecoderDeleter {
  void operator()(WebPAnimDecoder* decoder) const { WebPAnimDecoderDelete(decoder); }
};
using AnimDecoderPtr = std::unique_ptr<WebPAnimDecoder, AnimDecoderDeleter>;

// The first frame of an animation, composited on the (transparent) canvas as Pillow sees it.
DecodedImage decode_first_frame(const uint8_t* data, size_t size, PixelMode mode) {
  WebPAnimDecoderOptions options;
  if (!WebPAnimDecoderOptionsInit(&options)) {
    return decode_failure(ErrorKind::kInternal, "webp: libwebp version mismatch");
  }
  options.color_mode = MODE_RGBA;
  const WebPData webp_data{data, size};
  AnimDecoderPtr decoder(WebPAnimDecoderNew(&webp_data, &options));
  if (decoder == nullptr) return decode_failure(ErrorKind::kCorrupt, "webp: invalid animation");
  WebPAnimInfo info;
  if (!WebPAnimDecoderGetInfo(decoder.get(), &info)) {
    return decode_failure(ErrorKind::kCorrupt, "webp: invalid animation");
  }
  uint8_t* canvas = nullptr;
  int timestamp = 0;
  if (!WebPAnimDecoderGetNext(decoder.get(), &canvas, &timestamp)) {
    return decode_failure(ErrorKind::kCorrupt, "webp: cannot decode the first frame");
  }
  DecodedImage result;
  ImageBuffer& image = result.image;
  image.allocate(static_cast<int>(info.canvas_width), static_cast<int>(info.canvas_height), mode);
  const size_t count = static_cast<size_t>(image.width) * image.height;
  if (mode == PixelMode::kRGBA) {
    std::memcpy(image.pixels.data(), canvas, count * 4);
  } else {
    for (size_t i = 0; i < count; ++i) std::memcpy(&image.pixels[3 * i], canvas + 4 * i, 3);
  }
  return result;
}

}  // namespace

DecodedImage decode_webp(const uint8_t* data, size_t size, const DecodeOptions& options) {
  WebPBitstreamFeatures features;
  const VP8StatusCode status = WebPGetFeatures(data, size, &features);
  if (status != VP8_STATUS_OK) {
    return decode_failure(status == VP8_STATUS_NOT_ENOUGH_DATA       ? ErrorKind::kCorrupt
                          : status == VP8_STATUS_UNSUPPORTED_FEATURE ? ErrorKind::kUnsupported
                                                                     : ErrorKind::kCorrupt,
                          "webp: invalid header (libwebp status %d)", static_cast<int>(status));
  }
  const std::string size_error = check_image_size(features.width, features.height, options);
  if (!size_error.empty()) {
    return decode_failure(ErrorKind::kInvalidInput, "webp: %s", size_error.c_str());
  }
  const PixelMode mode = features.has_alpha ? PixelMode::kRGBA : PixelMode::kRGB;
  if (features.has_animation) return decode_first_frame(data, size, mode);

  DecodedImage result;
  ImageBuffer& image = result.image;
  image.allocate(features.width, features.height, mode);
  const int stride = static_cast<int>(image.row_bytes());
  const uint8_t* decoded =
      mode == PixelMode::kRGBA
          ? WebPDecodeRGBAInto(data, size, image.pixels.data(), image.pixels.size(), stride)
          : WebPDecodeRGBInto(data, size, image.pixels.data(), image.pixels.size(), stride);
  if (decoded == nullptr) return decode_failure(ErrorKind::kCorrupt, "webp: cannot decode");
  return result;
}

}  // namespace clipret::image
