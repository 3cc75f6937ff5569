#include "download/image_resizer.h"

#include <algorithm>
#include <array>
#include <climits>
#include <cmath>
#include <cstring>
#include <exception>
#include <utility>
#include <vector>

#include <opencv2/core.hpp>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "core/ascii_text.h"
#include "core/error.h"
#include "download/area_resize.h"
#include "download/image_header.h"
#include "download/jpeg_fast_decode.h"

namespace clipret::download {
namespace {

enum class Mode { kNo, kBorder, kKeepRatio, kKeepRatioLargest, kCenterCrop };

std::optional<Mode> parse_mode(const std::string& name) {
  // img2dataset looks the name up in its ResizeMode enum: case-sensitive.
  if (name == "no") return Mode::kNo;
  if (name == "border") return Mode::kBorder;
  if (name == "keep_ratio") return Mode::kKeepRatio;
  if (name == "keep_ratio_largest") return Mode::kKeepRatioLargest;
  if (name == "center_crop") return Mode::kCenterCrop;
  return std::nullopt;
}

int parse_interpolation(const char* option, const std::string& text) {
  const std::string name = core::ascii_lower(text);
  if (name == "nearest") return cv::INTER_NEAREST;
  if (name == "linear" || name == "bilinear") return cv::INTER_LINEAR;
  if (name == "cubic" || name == "bicubic") return cv::INTER_CUBIC;
  if (name == "area") return cv::INTER_AREA;
  if (name == "lanczos" || name == "lanczos4") return cv::INTER_LANCZOS4;
  CLIPRET_THROW(InvalidInput,
                "%s: unknown interpolation '%s' (nearest, linear, bilinear, cubic, bicubic, area, "
                "lanczos, lanczos4)",
                option, name.c_str());
}

// ---- Pixels ----

// img2dataset flattens alpha with numpy: alpha / 255 * rgb + 255 - alpha, one rounding per
// operation in float64 (float32 for float32 images), clipped, np.rint (half to even), uint8.
template <typename T, typename W>
uint8_t flatten_one(T alpha_raw, T channel) {
  const W alpha = static_cast<W>(alpha_raw);
  const W scaled = alpha / static_cast<W>(255);
  const W product = scaled * static_cast<W>(channel);
  const W lifted = product + static_cast<W>(255);
  W v = lifted - alpha;
  if (std::isnan(v)) return 0;  // numpy's cast of NaN to uint8 on x86
  v = std::clamp(v, static_cast<W>(0), static_cast<W>(255));
  return static_cast<uint8_t>(std::nearbyint(v));  // default rounding mode: half to even
}

const std::array<uint8_t, 256 * 256>& flatten_table() {
  static const std::array<uint8_t, 256 * 256> table = [] {
    std::array<uint8_t, 256 * 256> t{};
    for (int a = 0; a < 256; ++a) {
      for (int c = 0; c < 256; ++c) {
        t[a * 256 + c] =
            flatten_one<uint8_t, double>(static_cast<uint8_t>(a), static_cast<uint8_t>(c));
      }
    }
    return t;
  }();
  return table;
}

template <typename T, typename W>
cv::Mat flatten_alpha_as(const cv::Mat& src) {
  cv::Mat out(src.rows, src.cols, CV_8UC3);
  for (int y = 0; y < src.rows; ++y) {
    const T* s = src.ptr<T>(y);
    uint8_t* d = out.ptr<uint8_t>(y);
    for (int x = 0; x < src.cols; ++x, s += 4, d += 3) {
      for (int c = 0; c < 3; ++c) d[c] = flatten_one<T, W>(s[3], s[c]);
    }
  }
  return out;
}

cv::Mat flatten_alpha(const cv::Mat& src) {
  switch (src.depth()) {
    case CV_8U: {
      const auto& table = flatten_table();
      cv::Mat out(src.rows, src.cols, CV_8UC3);
      for (int y = 0; y < src.rows; ++y) {
        const uint8_t* s = src.ptr<uint8_t>(y);
        uint8_t* d = out.ptr<uint8_t>(y);
        for (int x = 0; x < src.cols; ++x, s += 4, d += 3) {
          const uint8_t* row = &table[static_cast<size_t>(s[3]) * 256];
          d[0] = row[s[0]];
          d[1] = row[s[1]];
          d[2] = row[s[2]];
        }
      }
      return out;
    }
    case CV_8S:
      return flatten_alpha_as<int8_t, double>(src);
    case CV_16U:
      return flatten_alpha_as<uint16_t, double>(src);
    case CV_16S:
      return flatten_alpha_as<int16_t, double>(src);
    case CV_32S:
      return flatten_alpha_as<int32_t, double>(src);
    case CV_32F:
      return flatten_alpha_as<float, float>(src);
    case CV_64F:
      return flatten_alpha_as<double, double>(src);
    default:
      throw std::runtime_error("unsupported pixel depth for alpha flattening");
  }
}

// albumentations' SmallestMaxSize/LongestMaxSize: scale = S / side in float64, each dimension
// py3round(dim * scale), i.e. rounded half to even; no resize at all when scale is exactly 1.
struct Scaled {
  bool resize = false;
  double width = 0, height = 0;
};
Scaled max_size_dims(int width, int height, int64_t size, int side) {
  const double scale = static_cast<double>(size) / static_cast<double>(side);
  if (scale == 1.0) return {};
  return {true, std::nearbyint(width * scale), std::nearbyint(height * scale)};
}

std::string too_large(const char* what, double width, double height) {
  return string_printf("image too large to %s (%.0f x %.0f)", what, width, height);
}

// cv::resize, with INTER_AREA through area_resize.h (the same pixels, faster for the usual
// non-integer downscale).
void resize_to(const cv::Mat& src, cv::Mat& dst, cv::Size size, int interpolation) {
  if (interpolation == cv::INTER_AREA) {
    area_resize(src, dst, size.width, size.height);
  } else {
    cv::resize(src, dst, size, 0, 0, interpolation);
  }
}

// libjpeg's size for a 1/d scale (jdmaster.c: jdiv_round_up).
int reduced_side(uint32_t side, int denominator) {
  return static_cast<int>((side + static_cast<uint32_t>(denominator) - 1) / denominator);
}

// jpeg_dct_downscale's choice: the largest 1/d (8, 4, 2) that keeps the side the mode fits to
// image_size at least image_size, so what remains is still a downscale by the chosen
// interpolation; 1 where the image is not shrunk (mode no, small images, resize_only_if_bigger
// on small ones: unchanged pixels).
int dct_scale_denominator(const ResizeOptions& o, Mode mode, const DeclaredSize& size) {
  const uint32_t shorter = std::min(size.width, size.height);
  const uint32_t longer = std::max(size.width, size.height);
  uint32_t fitted = 0;
  if (mode == Mode::kKeepRatio || mode == Mode::kCenterCrop) fitted = shorter;
  if (mode == Mode::kBorder || mode == Mode::kKeepRatioLargest) fitted = longer;
  if (fitted == 0 || static_cast<int64_t>(fitted) <= o.image_size) return 1;
  for (const int d : {8, 4, 2}) {
    if (reduced_side(fitted, d) >= o.image_size) return d;
  }
  return 1;
}

// Above this, one S x S image is gigabytes: a typo rather than a wish.
constexpr int kMaxImageSize = 65536;

// LongestMaxSize then albumentations' pad: white as copyMakeBorder applies Scalar(255, 255, 255)
// per channel, top/left = (S - dim) // 2, the rest bottom/right. The image is resized straight
// into the canvas: the same pixels as resize then copyMakeBorder, one full copy less.
std::string resize_into_border(cv::Mat& img, const Scaled& target, int size, int interpolation,
                               double limit) {
  const double width = target.resize ? target.width : img.cols;
  const double height = target.resize ? target.height : img.rows;
  const double canvas_width = std::max<double>(size, width);
  const double canvas_height = std::max<double>(size, height);
  if (canvas_width * canvas_height > limit) return too_large("resize", canvas_width, canvas_height);
  const cv::Size inner_size(static_cast<int>(width), static_cast<int>(height));
  if (inner_size.empty()) {
    cv::Mat unused;  // a side rounded to 0: let OpenCV raise the error cv2 would
    cv::resize(img, unused, inner_size, 0, 0, interpolation);
  }
  cv::Mat canvas(static_cast<int>(canvas_height), static_cast<int>(canvas_width), img.type());
  const int top = (canvas.rows - inner_size.height) / 2;
  const int left = (canvas.cols - inner_size.width) / 2;
  cv::Mat inner = canvas(cv::Rect(cv::Point(left, top), inner_size));
  if (target.resize) {
    resize_to(img, inner, inner_size, interpolation);  // writes into the view
  } else {
    img.copyTo(inner);
  }
  const cv::Scalar white(255, 255, 255);
  const int bottom = top + inner_size.height, right = left + inner_size.width;
  canvas.rowRange(0, top).setTo(white);
  canvas.rowRange(bottom, canvas.rows).setTo(white);
  canvas(cv::Range(top, bottom), cv::Range(0, left)).setTo(white);
  canvas(cv::Range(top, bottom), cv::Range(right, canvas.cols)).setTo(white);
  img = canvas;
  return {};
}

// The whole of img2dataset's Resizer.__call__ after disable_all_reencoding; returns the error
// message, empty on success (then `out` is filled).
std::string process_image(const ResizeOptions& o, int upscale, int downscale, std::string_view raw,
                          ResizedImage& out) {
  const auto limit = static_cast<double>(o.max_decode_pixels);
  // For a JPEG the size libjpeg reads is the one OpenCV will allocate; the sniffer answers for
  // the other formats (and for JPEGs libjpeg fails on before the frame, which decode nothing).
  std::optional<DeclaredSize> declared = jpeg_frame_size(raw);
  if (!declared) declared = declared_image_size(raw);
  if (declared && static_cast<double>(declared->width) * declared->height > limit) {
    return too_large("decode", declared->width, declared->height);
  }
  if (raw.size() > static_cast<size_t>(INT_MAX)) return "image too large to decode (bytes)";
  const Mode mode = *parse_mode(o.resize_mode);
  const int denominator =
      o.jpeg_dct_downscale && declared ? dct_scale_denominator(o, mode, *declared) : 1;
  // Most downloads are JPEGs: decoded to OpenCV's exact pixels at about half its cost where that
  // is certain (or reduced in libjpeg with jpeg_dct_downscale), else (other formats, CMYK,
  // corrupt data, ...) by cv::imdecode itself.
  cv::Mat img;
  bool reduced = false;
  if (jpeg_fast_decode(raw, img, denominator) != JpegFastDecode::kDecoded) {
    img.release();  // a warning or error may leave rows decoded so far
  } else {
    reduced = denominator > 1;
    // The reduced size follows from the header read by declared_image_size; if libjpeg saw
    // another frame size, the full-size decode below decides.
    if (reduced && (img.cols != reduced_side(declared->width, denominator) ||
                    img.rows != reduced_side(declared->height, denominator))) {
      img.release();
    }
  }
  if (img.empty()) {
    reduced = false;
    // imdecode only reads the buffer: wrapping it avoids a copy of every download.
    const cv::Mat buffer(1, static_cast<int>(raw.size()), CV_8UC1,
                         const_cast<char*>(raw.data()));  // NOLINT: read-only use
    img = cv::imdecode(buffer, cv::IMREAD_UNCHANGED);
  }
  if (img.empty()) return "Image decoding error";

  bool encode_needed = true;
  if (o.skip_reencode) {
    const char* target = o.encode_format == "jpg" ? "jpeg" : o.encode_format.c_str();
    const char* sniffed = imghdr_type(raw);
    encode_needed = sniffed == nullptr || std::strcmp(sniffed, target) != 0;
  }
  if (img.channels() == 4) {
    img = flatten_alpha(img);
    encode_needed = true;
  }

  const int original_width = reduced ? static_cast<int>(declared->width) : img.cols;
  const int original_height = reduced ? static_cast<int>(declared->height) : img.rows;
  const int shorter = std::min(original_width, original_height);
  const int longer = std::max(original_width, original_height);
  if (shorter < o.min_image_size) return "image too small";
  if (static_cast<double>(original_width) * original_height > o.max_image_area) {
    return "image area too large";
  }
  if (static_cast<double>(longer) / shorter > o.max_aspect_ratio) return "aspect ratio too large";

  const bool by_shorter = mode == Mode::kKeepRatio || mode == Mode::kCenterCrop;
  const bool by_longer = mode == Mode::kBorder || mode == Mode::kKeepRatioLargest;
  if (by_shorter || by_longer) {
    const bool shrinking = (by_shorter ? shorter : longer) > o.image_size;
    if (!o.resize_only_if_bigger || shrinking) {
      const int interpolation = shrinking ? downscale : upscale;
      const Scaled target = max_size_dims(original_width, original_height, o.image_size,
                                          by_shorter ? shorter : longer);
      const auto size = static_cast<int>(o.image_size);
      if (mode == Mode::kBorder) {
        std::string error = resize_into_border(img, target, size, interpolation, limit);
        if (!error.empty()) return error;
      } else {
        if (target.resize) {
          if (target.width * target.height > limit) {
            return too_large("resize", target.width, target.height);
          }
          cv::Mat resized;
          resize_to(img, resized,
                    cv::Size(static_cast<int>(target.width), static_cast<int>(target.height)),
                    interpolation);
          img = resized;
        }
        if (mode == Mode::kCenterCrop) {
          if (img.rows < size || img.cols < size) {
            return string_printf(
                "Requested crop size (%d, %d) is larger than the image size (%d, %d)", size, size,
                img.rows, img.cols);
          }
          // A view, as numpy slicing: imencode reads it in place.
          img = img(cv::Rect((img.cols - size) / 2, (img.rows - size) / 2, size, size));
        }
      }
      encode_needed = true;
    }
  }

  if (encode_needed) {
    int flag = cv::IMWRITE_JPEG_QUALITY;
    if (o.encode_format == "png") flag = cv::IMWRITE_PNG_COMPRESSION;
    if (o.encode_format == "webp") flag = cv::IMWRITE_WEBP_QUALITY;
    const std::vector<int> params{flag, static_cast<int>(o.encode_quality)};
    std::vector<uchar> encoded;
    // img2dataset would store the empty array cv2 returns; an error is more useful (deviation).
    if (!cv::imencode("." + o.encode_format, img, encoded, params)) return "Image encoding error";
    out.bytes.assign(encoded.begin(), encoded.end());
  } else {
    out.bytes.assign(raw);
  }
  out.width = img.cols;
  out.height = img.rows;
  out.original_width = original_width;
  out.original_height = original_height;
  return {};
}

}  // namespace

ImageResizer::ImageResizer(ResizeOptions options) : options_(std::move(options)) {
  const ResizeOptions& o = options_;
  if (!parse_mode(o.resize_mode)) {
    CLIPRET_THROW(InvalidInput,
                  "resize_mode: unknown mode '%s' (no, border, keep_ratio, keep_ratio_largest, "
                  "center_crop)",
                  o.resize_mode.c_str());
  }
  upscale_ = parse_interpolation("upscale_interpolation", o.upscale_interpolation);
  downscale_ = parse_interpolation("downscale_interpolation", o.downscale_interpolation);
  if (o.encode_format == "png") {
    CLIPRET_CHECK(o.encode_quality >= 0 && o.encode_quality <= 9, InvalidInput,
                  "encode_quality: for png it is the compression level and must be between 0 and "
                  "9, got %lld",
                  static_cast<long long>(o.encode_quality));
  } else if (o.encode_format == "jpg" || o.encode_format == "webp") {
    CLIPRET_CHECK(o.encode_quality >= 0 && o.encode_quality <= 100, InvalidInput,
                  "encode_quality: for %s it must be between 0 and 100, got %lld",
                  o.encode_format.c_str(), static_cast<long long>(o.encode_quality));
  } else {
    CLIPRET_THROW(InvalidInput, "encode_format: unknown format '%s' (jpg, png, webp)",
                  o.encode_format.c_str());
  }
  CLIPRET_CHECK(o.image_size >= 1 && o.image_size <= kMaxImageSize, InvalidInput,
                "image_size must be between 1 and %d, got %lld", kMaxImageSize,
                static_cast<long long>(o.image_size));
  CLIPRET_CHECK(o.max_decode_pixels >= 1, InvalidInput,
                "max_decode_pixels must be at least 1, got %lld",
                static_cast<long long>(o.max_decode_pixels));
}

ResizedImage ImageResizer::process(std::string_view raw) const {
  ResizedImage out;
  if (options_.disable_all_reencoding) {
    out.bytes.assign(raw);
    return out;
  }
  // img2dataset turns any exception into its text (str(cv2.error) is OpenCV's what()).
  std::string error;
  try {
    error = process_image(options_, upscale_, downscale_, raw, out);
  } catch (const std::exception& e) {
    error = e.what();
    if (error.empty()) error = "failed to resize";
  }
  if (!error.empty()) {
    out = ResizedImage{};
    out.error = std::move(error);
  }
  return out;
}

void use_caller_threads_for_opencv() {
  cv::setNumThreads(0);
  // A bad image is a counted, per-sample outcome with its message in the shard's parquet;
  // OpenCV's own warning about it ("imdecode_(''): can't read header") would print a line per
  // bad url of millions.
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_ERROR);
}

}  // namespace clipret::download
