#include "image/jpeg_decoder.h"

// jpeglib.h needs size_t and FILE declared first.
#include <csetjmp>
#include <cstdio>

#include <jerror.h>
#include <jpeglib.h>

namespace clipret::image {
namespace {

// libjpeg reports fatal errors through error_exit, which must not return: we longjmp back to
// run_decompress.
struct ErrorManager {
  jpeg_error_mgr base;  // first member: libjpeg passes a pointer to it
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

[[noreturn]] void on_error_exit(j_common_ptr cinfo) {
  auto* manager = reinterpret_cast<ErrorManager*>(cinfo->err);
  (*cinfo->err->format_message)(cinfo, manager->message);
  std::longjmp(manager->jump, 1);
}

// Warnings are ignored except running out of data, which Pillow reports as a truncated image.
void on_emit_message(j_common_ptr cinfo, int msg_level) {
  if (msg_level == -1 && cinfo->err->msg_code == JWRN_JPEG_EOF) {
    auto* manager = reinterpret_cast<ErrorManager*>(cinfo->err);
    std::snprintf(manager->message, sizeof manager->message, "image file is truncated");
    std::longjmp(manager->jump, 1);
  }
}

PixelMode mode_for_components(int components) {
  switch (components) {
    case 1:
      return PixelMode::kL;
    case 3:
      return PixelMode::kRGB;
    default:
      return PixelMode::kCMYK;
  }
}

J_COLOR_SPACE out_space_for(PixelMode mode) {
  switch (mode) {
    case PixelMode::kL:
      return JCS_GRAYSCALE;
    case PixelMode::kRGB:
      return JCS_RGB;
    default:
      return JCS_CMYK;
  }
}

// Runs libjpeg on `cinfo` (zeroed, with `errors` installed) and fills `result`. Returns false
// after a libjpeg error, whose text is in errors->message. Only trivially destructible locals live
// here, so the longjmp skips no destructor; results go through pointers, never through locals.
bool run_decompress(jpeg_decompress_struct* cinfo, ErrorManager* errors, const uint8_t* data,
                    size_t size, const DecodeOptions* options, DecodedImage* result) {
  if (setjmp(errors->jump) != 0) return false;
  jpeg_create_decompress(cinfo);
  jpeg_mem_src(cinfo, data, static_cast<unsigned long>(size));
  jpeg_read_header(cinfo, TRUE);

  const int components = cinfo->num_components;
  if (components != 1 && components != 3 && components != 4) {
    *result = decode_failure(ErrorKind::kUnsupported,
                             "jpeg: %d colour components are not supported", components);
    return true;
  }
  result->error = check_image_size(cinfo->image_width, cinfo->image_height, *options);
  if (!result->ok()) {
    result->error.insert(0, "jpeg: ");
    result->error_kind = ErrorKind::kInvalidInput;
    return true;
  }

  const PixelMode mode = mode_for_components(components);
  cinfo->out_color_space = out_space_for(mode);
  cinfo->dct_method = JDCT_ISLOW;
  cinfo->do_fancy_upsampling = TRUE;
  jpeg_start_decompress(cinfo);

  ImageBuffer* image = &result->image;
  image->allocate(static_cast<int>(cinfo->output_width), static_cast<int>(cinfo->output_height),
                  mode);
  constexpr int kRowsPerCall = 4;
  while (cinfo->output_scanline < cinfo->output_height) {
    JSAMPROW rows[kRowsPerCall];
    int count = 0;
    for (; count < kRowsPerCall &&
           cinfo->output_scanline + static_cast<JDIMENSION>(count) < cinfo->output_height;
         ++count) {
      rows[count] = image->row(static_cast<int>(cinfo->output_scanline) + count);
    }
    jpeg_read_scanlines(cinfo, rows, static_cast<JDIMENSION>(count));
  }
  // Reads on to the EOI marker: Pillow, too, calls a file without one truncated.
  jpeg_finish_decompress(cinfo);
  return true;
}

}  // namespace

DecodedImage decode_jpeg(const uint8_t* data, size_t size, const DecodeOptions& options) {
  if (size == 0) return decode_failure(ErrorKind::kCorrupt, "jpeg: empty input");
  jpeg_decompress_struct cinfo{};
  ErrorManager errors{};
  cinfo.err = jpeg_std_error(&errors.base);
  errors.base.error_exit = on_error_exit;
  errors.base.emit_message = on_emit_message;
  struct DestroyGuard {  // jpeg_destroy_decompress is a no-op on a zeroed, uncreated cinfo
    jpeg_decompress_struct* cinfo;
    ~DestroyGuard() { jpeg_destroy_decompress(cinfo); }
  } guard{&cinfo};

  DecodedImage result;
  const bool finished = run_decompress(&cinfo, &errors, data, size, &options, &result);
  if (!finished) return decode_failure(ErrorKind::kCorrupt, "jpeg: %s", errors.message);
  if (result.ok() && result.image.mode == PixelMode::kCMYK) {
    // Pillow's "CMYK;I" raw mode: Adobe writes inverted CMYK, and Pillow assumes it always does.
    for (uint8_t& v : result.image.pixels) v = static_cast<uint8_t>(255 - v);
  }
  return result;
}

}  // namespace clipret::image
