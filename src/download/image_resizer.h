// download/image_resizer.h: decode → filter → resize → encode of one downloaded image, exactly as
// img2dataset's resizer (notes §3) with Debian's OpenCV: cv::imdecode(IMREAD_UNCHANGED) (common
// JPEGs through jpeg_fast_decode.h: the same Mat, faster), alpha flattened onto white, the size
// filters, the five resize modes with OpenCV's interpolations (INTER_AREA through area_resize.h:
// the same pixels, faster), white borders, cv::imencode with the quality flags. Pure and
// thread-safe: one ImageResizer is shared by every worker thread.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace clipret::download {

struct ResizeOptions {
  int64_t image_size = 256;
  std::string resize_mode = "border";  // no, border, keep_ratio, keep_ratio_largest, center_crop
  bool resize_only_if_bigger = false;
  std::string upscale_interpolation = "lanczos";  // nearest, linear/bilinear, cubic/bicubic,
  std::string downscale_interpolation = "area";   // area, lanczos/lanczos4 (any case)
  std::string encode_format = "jpg";              // jpg, png, webp
  int64_t encode_quality = 95;                    // png: the compression level 0-9
  bool skip_reencode = false;
  bool disable_all_reencoding = false;
  int64_t min_image_size = 0;
  double max_image_area = std::numeric_limits<double>::infinity();
  double max_aspect_ratio = std::numeric_limits<double>::infinity();
  // Not img2dataset's (it relies on OpenCV's own 2^30-pixel limit): images whose header declares
  // more pixels are refused before decoding ("image too large to decode (W x H)"), and resizes
  // that would produce more are refused before allocating, so a few-KB decompression bomb cannot
  // take gigabytes. Headers are sniffed for JPEG, PNG, WebP, GIF, BMP and TIFF.
  int64_t max_decode_pixels = 100'000'000;
  // Not img2dataset's, off by default: a JPEG that will be shrunk is decoded by libjpeg at 1/2, 1/4
  // or 1/8 scale (DCT-domain scaling), the largest that keeps the side being fitted at least
  // image_size, then resized as usual to the same output size. About twice as fast on photos;
  // the pixels differ slightly from img2dataset's (docs/download.md gives the measured PSNR).
  // original_width/height and the size filters still see the full size.
  bool jpeg_dct_downscale = false;
};

struct ResizedImage {
  std::string bytes;  // the encoded image (the raw bytes with disable_all_reencoding)
  // Null with disable_all_reencoding, and on failure.
  std::optional<int> width, height, original_width, original_height;
  // Empty on success, else img2dataset's message: "Image decoding error", "image too small",
  // "image area too large", "aspect ratio too large", "image too large to decode (W x H)",
  // "image too large to resize (W x H)", or OpenCV's exception text (as str(cv2.error)).
  std::string error;
};

class ImageResizer {
 public:
  // Throws Error(kInvalidInput) naming the option for an unknown mode, interpolation or format,
  // a quality out of range (png 0-9, jpg/webp 0-100), an image_size outside 1-65536 or a
  // max_decode_pixels below 1.
  explicit ImageResizer(ResizeOptions options);

  // Never throws for bad image bytes: the failure is in `error`.
  ResizedImage process(std::string_view raw) const;

  const ResizeOptions& options() const { return options_; }

 private:
  ResizeOptions options_;
  int upscale_ = 0, downscale_ = 0;  // cv::InterpolationFlags
};

// OpenCV's process-wide settings for downloads, owned here: its own thread pool off
// (cv::setNumThreads(0): the download runner owns the threads and runs one image per worker),
// and its log at errors only (a bad image is a counted outcome, not a warning line). Called once
// by the runner. libjpeg's own "Corrupt JPEG data" lines still reach stderr.
void use_caller_threads_for_opencv();

}  // namespace clipret::download
