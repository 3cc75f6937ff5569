// download/jpeg_fast_decode.h: a faster route to exactly the Mat that Debian's OpenCV 4.6 gives
// for cv::imdecode(bytes, IMREAD_UNCHANGED) on the common JPEGs, for the resizer.
//
// OpenCV 4.6's JPEG reader asks libjpeg-turbo for RGB and swaps every pixel to BGR in a scalar
// loop (about a third of a download sample's CPU time, bench/RESULTS.md "download"). This decoder
// makes the same libjpeg calls with the same settings (the whole buffer as input, APP1 markers
// saved, scale 1/1, ISLOW IDCT, fancy upsampling, block smoothing), but asks libjpeg for BGR
// (JCS_EXT_BGR) and writes rows straight into the Mat. libjpeg's colour converter writes the same
// three values in the other order, so the pixels are identical.
//
// It answers only where that is certain and otherwise says so, so the caller runs cv::imdecode:
// any libjpeg warning (corrupt or truncated data, where OpenCV's partial-decode behaviour and its
// message are what counts), any libjpeg error, and every JPEG other than 8-bit Huffman-coded
// grayscale (1 component) or YCbCr (3 components).
#pragma once

#include <optional>
#include <string_view>

#include "download/image_header.h"

namespace cv {
class Mat;
}

namespace clipret::download {

enum class JpegFastDecode {
  kDecoded,      // `out` is what cv::imdecode(bytes, IMREAD_UNCHANGED) returns: CV_8UC1 or CV_8UC3
  kNotJpeg,      // no JPEG signature (ff d8 ff, the one OpenCV's decoder looks for)
  kUnsupported,  // a JPEG outside the cases known identical: CMYK, YCCK, RGB, 2 or 4 components,
                 // 12-bit, arithmetic coding, no Huffman tables before the first scan (OpenCV
                 // then adds MJPEG's), more pixels than OpenCV's 2^30 limit
  kWarning,      // libjpeg warned (corrupt data, premature end, extraneous bytes): OpenCV differs
  kError,        // libjpeg failed
};

// Decodes `bytes` (borrowed for the call) into `out` when the answer is kDecoded; `out` is
// unspecified otherwise. `scale_denominator` 1 gives cv::imdecode's Mat; 2, 4 or 8 asks libjpeg to
// scale in the DCT domain while decoding (`scale_denom`: ceil(width / d) x ceil(height / d)
// pixels, several times less work on large photos) — a smoothly reduced image, but not OpenCV's
// pixels, so only for the opt-in `jpeg_dct_downscale`. Never throws for bad bytes, never prints
// (libjpeg's warnings are counted, not written); may throw std::bad_alloc / cv::Exception if the
// pixels cannot be allocated. Thread-safe. Callers check the declared size first (image_header.h):
// this allocates whatever the header declares up to OpenCV's limit.
JpegFastDecode jpeg_fast_decode(std::string_view bytes, cv::Mat& out, int scale_denominator = 1);

// The frame size libjpeg reads from `bytes` with jpeg_read_header, as OpenCV's JPEG reader sees
// it: after libjpeg's own recovery (garbage skipped between markers, fill bytes, stuffed zeros),
// which a byte-exact sniffer cannot be trusted to follow. nullopt when there is no JPEG
// signature (ff d8 ff) or libjpeg fails before the frame header (then OpenCV's decode fails
// too, allocating nothing). Reads headers only: no pixel memory, no entropy decoding.
std::optional<DeclaredSize> jpeg_frame_size(std::string_view bytes);

}  // namespace clipret::download
