#include "download/jpeg_fast_decode.h"

// jpeglib.h needs size_t and FILE declared first.
#include <csetjmp>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <stdexcept>

#include <jpeglib.h>
#include <opencv2/core.hpp>

// What OpenCV 4.6 does for cv::imdecode(buf, IMREAD_UNCHANGED) on a buffer starting ff d8 ff
// (modules/imgcodecs/src/grfmt_jpeg.cpp and loadsave.cpp), and where this file matches it:
// - source: the whole buffer up front; fill_input_buffer returns FALSE (suspend), so running out
//   of data suspends and OpenCV keeps copying stale rows. jpeg_mem_src here gives the same bytes
//   the same way while data lasts; when it runs out it warns (premature end), and any warning
//   sends the image back to cv::imdecode.
// - readHeader: jpeg_save_markers(APP1, 0xffff) (for EXIF, which IMREAD_UNCHANGED does not apply),
//   jpeg_read_header(TRUE), scale 1/1, jpeg_calc_output_dimensions; type CV_8UC3 when more than
//   one component, else CV_8UC1. Then validateInputImageSize: at most 2^30 pixels by default.
// - readData: if no Huffman table is defined yet (MJPEG), it loads its own; out_color_space RGB
//   (3 components) or GRAYSCALE (1), with libjpeg's defaults for everything else (ISLOW IDCT,
//   fancy upsampling, block smoothing); one jpeg_read_scanlines per row into a scratch row, then
//   the scalar RGB -> BGR swap (or a memcpy for gray); jpeg_finish_decompress.
// - errors: error_exit longjmps and the decode fails; warnings go to libjpeg's default
//   emit_message (printed once) and decoding goes on.
// Here: the same calls with JCS_EXT_BGR instead of JCS_RGB, rows decoded in place.

namespace clipret::download {
namespace {

// OpenCV's default CV_IO_MAX_IMAGE_PIXELS (loadsave.cpp); above it cv::imdecode throws.
// (OPENCV_IO_MAX_IMAGE_PIXELS can lower it per process; we don't set it, and don't mirror it.)
constexpr uint64_t kOpenCvMaxPixels = uint64_t{1} << 30;
constexpr int kBitsPerSample = 8;
constexpr unsigned kMarkerApp1 = JPEG_APP0 + 1;
constexpr unsigned kMaxMarkerLength = 0xffff;
// Row pointers handed to libjpeg per jpeg_read_scanlines call: it returns at most one row group
// (max_v_samp_factor x 8 rows, so 32 with 4x vertical sampling) and fewer is fine.
constexpr int kRowBatch = 32;

// libjpeg reports fatal errors through error_exit, which must not return: we longjmp back to
// run_decompress.
struct ErrorManager {
  jpeg_error_mgr base;  // first member: libjpeg passes a pointer to it
  std::jmp_buf jump;
};

[[noreturn]] void on_error_exit(j_common_ptr cinfo) {
  std::longjmp(reinterpret_cast<ErrorManager*>(cinfo->err)->jump, 1);
}

// Warnings (msg_level -1) are only counted: any one sends the image to cv::imdecode, which prints
// libjpeg's message as before. Trace messages (levels >= 0) are dropped.
void on_emit_message(j_common_ptr cinfo, int msg_level) {
  if (msg_level < 0) ++cinfo->err->num_warnings;
}

void on_output_message(j_common_ptr /*cinfo*/) {}

// Owns libjpeg's state: jpeg_destroy_decompress also on the exception path (a failed Mat
// allocation). Destroying a zeroed, never-created struct is a no-op in libjpeg.
struct Decompressor {
  jpeg_decompress_struct info{};
  ErrorManager errors{};

  Decompressor() {
    info.err = jpeg_std_error(&errors.base);
    errors.base.error_exit = on_error_exit;
    errors.base.emit_message = on_emit_message;
    errors.base.output_message = on_output_message;
  }
  ~Decompressor() { jpeg_destroy_decompress(&info); }
  Decompressor(const Decompressor&) = delete;
  Decompressor& operator=(const Decompressor&) = delete;
};

bool has_huffman_table(const jpeg_decompress_struct& info) {
  return info.ac_huff_tbl_ptrs[0] != nullptr || info.ac_huff_tbl_ptrs[1] != nullptr ||
         info.dc_huff_tbl_ptrs[0] != nullptr || info.dc_huff_tbl_ptrs[1] != nullptr;
}

// The header checks: only what is certain to decode as OpenCV does.
bool supported(const jpeg_decompress_struct& info) {
  if (info.data_precision != kBitsPerSample || info.arith_code) return false;
  const bool gray = info.num_components == 1 && info.jpeg_color_space == JCS_GRAYSCALE;
  const bool ycc = info.num_components == 3 && info.jpeg_color_space == JCS_YCbCr;
  if (!gray && !ycc) return false;
  // OpenCV loads MJPEG's tables when none is defined; the first scan's tables come before it.
  return has_huffman_table(info);
}

// Runs libjpeg on d->info. Only trivially destructible locals live here, so the longjmp from
// on_error_exit skips no destructor; the Mat is reached through a pointer.
JpegFastDecode run_decompress(Decompressor* d, const unsigned char* data, size_t size,
                              int scale_denominator, cv::Mat* out) {
  jpeg_decompress_struct* info = &d->info;
  if (setjmp(d->errors.jump) != 0) return JpegFastDecode::kError;
  jpeg_create_decompress(info);
  jpeg_mem_src(info, data, static_cast<unsigned long>(size));
  jpeg_save_markers(info, kMarkerApp1, kMaxMarkerLength);
  if (jpeg_read_header(info, TRUE) != JPEG_HEADER_OK) return JpegFastDecode::kError;
  if (info->err->num_warnings != 0) return JpegFastDecode::kWarning;
  if (!supported(*info)) return JpegFastDecode::kUnsupported;

  info->scale_num = 1;
  info->scale_denom = static_cast<unsigned>(scale_denominator);
  jpeg_calc_output_dimensions(info);
  const uint64_t pixels = uint64_t{info->output_width} * info->output_height;
  if (info->output_width == 0 || pixels > kOpenCvMaxPixels) return JpegFastDecode::kUnsupported;
  const bool gray = info->num_components == 1;
  info->out_color_space = gray ? JCS_GRAYSCALE : JCS_EXT_BGR;
  if (!jpeg_start_decompress(info)) return JpegFastDecode::kError;  // only when suspending

  out->create(static_cast<int>(info->output_height), static_cast<int>(info->output_width),
              gray ? CV_8UC1 : CV_8UC3);
  JSAMPROW rows[kRowBatch];
  while (info->output_scanline < info->output_height) {
    const JDIMENSION first = info->output_scanline;
    int count = 0;
    for (JDIMENSION y = first; y < info->output_height && count < kRowBatch; ++y) {
      rows[count++] = out->ptr<JSAMPLE>(static_cast<int>(y));
    }
    if (jpeg_read_scanlines(info, rows, static_cast<JDIMENSION>(count)) == 0) {
      return JpegFastDecode::kError;  // only when suspending
    }
  }
  if (!jpeg_finish_decompress(info)) return JpegFastDecode::kError;
  return info->err->num_warnings != 0 ? JpegFastDecode::kWarning : JpegFastDecode::kDecoded;
}

// Only trivially destructible locals, as in run_decompress.
bool read_frame_size(Decompressor* d, const unsigned char* data, size_t size, DeclaredSize* out) {
  jpeg_decompress_struct* info = &d->info;
  if (setjmp(d->errors.jump) != 0) return false;
  jpeg_create_decompress(info);
  jpeg_mem_src(info, data, static_cast<unsigned long>(size));
  if (jpeg_read_header(info, TRUE) != JPEG_HEADER_OK) return false;
  *out = DeclaredSize{info->image_width, info->image_height};
  return true;
}

constexpr std::string_view kSignature("\xff\xd8\xff", 3);

}  // namespace

std::optional<DeclaredSize> jpeg_frame_size(std::string_view bytes) {
  if (bytes.substr(0, kSignature.size()) != kSignature) return std::nullopt;
  Decompressor decompressor;
  DeclaredSize size;
  if (!read_frame_size(&decompressor, reinterpret_cast<const unsigned char*>(bytes.data()),
                       bytes.size(), &size)) {
    return std::nullopt;
  }
  return size;
}

JpegFastDecode jpeg_fast_decode(std::string_view bytes, cv::Mat& out, int scale_denominator) {
  if (scale_denominator != 1 && scale_denominator != 2 && scale_denominator != 4 &&
      scale_denominator != 8) {
    throw std::invalid_argument("jpeg_fast_decode: scale_denominator must be 1, 2, 4 or 8");
  }
  if (bytes.substr(0, kSignature.size()) != kSignature) return JpegFastDecode::kNotJpeg;
  Decompressor decompressor;
  return run_decompress(&decompressor, reinterpret_cast<const unsigned char*>(bytes.data()),
                        bytes.size(), scale_denominator, &out);
}

}  // namespace clipret::download
