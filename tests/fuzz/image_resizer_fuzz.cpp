// Fuzz target image_resizer: download's per-sample image work (download/image_resizer.h) on
// arbitrary bytes — the header sniffing and bomb check, the libjpeg fast path and cv::imdecode,
// alpha flattening, the filters, the area resize, the encode — with the default options and with
// the JPEG DCT downscale. It never throws: a failure is `error` set and nothing else; a success
// has a non-empty encoding and positive sizes (the output is image_size square in border mode).
#include <string_view>

#include "download/image_resizer.h"
#include "fuzz/fuzz_targets.h"

namespace clipret::fuzz {

int fuzz_one_image_resizer(const uint8_t* data, size_t size) {
  static const download::ImageResizer exact{
      download::ResizeOptions{.image_size = 64, .max_decode_pixels = 1 << 22}};
  static const download::ImageResizer reduced{download::ResizeOptions{
      .image_size = 64, .max_decode_pixels = 1 << 22, .jpeg_dct_downscale = true}};
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (const download::ImageResizer* resizer : {&exact, &reduced}) {
    const download::ResizedImage out = resizer->process(bytes);
    if (out.error.empty()) {
      fuzz_check(!out.bytes.empty(), "image_resizer: success without bytes");
      fuzz_check(out.width == 64 && out.height == 64, "image_resizer: border output not 64 x 64");
      fuzz_check(out.original_width.value_or(0) > 0 && out.original_height.value_or(0) > 0,
                 "image_resizer: original size missing");
    } else {
      fuzz_check(out.bytes.empty() && !out.width, "image_resizer: failure with an image");
    }
  }
  return 0;
}

}  // namespace clipret::fuzz
