// Fuzz target image_decode: every image decoder of image/ (JPEG, PNG, WebP, BMP, GIF, chosen by
// the first bytes) and the CLIP preprocessing after it (resize, crop, normalise), as `inference`
// and `back` run them on downloaded bytes. Decoders never throw for bad bytes: a failure is a
// DecodedImage with an error, and a success must keep its promises (sizes within the
// decompression-bomb limit, a buffer of width x height x channels bytes, finite model inputs).
#include <cmath>
#include <vector>

#include "fuzz/fuzz_targets.h"
#include "image/clip_preprocess.h"
#include "image/image_decoder.h"

namespace clipret::fuzz {

int fuzz_one_image_decode(const uint8_t* data, size_t size) {
  // A small limit keeps each input fast (and a bomb is still refused before allocating).
  image::DecodeOptions options;
  options.max_pixels = 1u << 22;
  const image::DecodedImage decoded = image::decode_image(data, size, options);
  if (decoded.ok()) {
    const image::ImageBuffer& img = decoded.image;
    fuzz_check(img.width > 0 && img.height > 0, "image_decode: empty image accepted");
    fuzz_check(
        static_cast<uint64_t>(img.width) * static_cast<uint64_t>(img.height) <= options.max_pixels,
        "image_decode: image over the pixel limit accepted");
    fuzz_check(img.pixels.size() == img.row_bytes() * static_cast<size_t>(img.height),
               "image_decode: pixel buffer size");
  } else {
    fuzz_check(decoded.error_kind != ErrorKind::kInternal, "image_decode: internal error");
  }
  image::PreprocessConfig config;
  config.size = 32;  // the same code paths as 224, a fraction of the time
  config.decode = options;
  std::vector<float> input(3 * 32 * 32);
  if (!image::preprocess_clip(data, size, config, input.data())) {
    for (const float v : input) fuzz_check(std::isfinite(v), "image_decode: non-finite input");
  }
  return 0;
}

}  // namespace clipret::fuzz
