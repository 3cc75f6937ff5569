#include "image/png_decoder.h"

#include <png.h>
#include <zlib.h>

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstring>

namespace clipret::image {
namespace {

// The input and the text of the first libpng error. libpng reports errors through a callback
// that must not return, so it longjmps back to run_read.
struct ReadState {
  const uint8_t* data;
  size_t size;
  size_t offset;
  char message[256];
};

[[noreturn]] void on_error(png_structp png, png_const_charp message) {
  auto* state = static_cast<ReadState*>(png_get_error_ptr(png));
  std::snprintf(state->message, sizeof state->message, "%s", message);
  png_longjmp(png, 1);
}

void on_warning(png_structp, png_const_charp) {}  // Pillow is silent about these too

void on_read(png_structp png, png_bytep out, size_t length) {
  auto* state = static_cast<ReadState*>(png_get_io_ptr(png));
  if (length > state->size - state->offset) png_error(png, "image file is truncated");
  std::memcpy(out, state->data + state->offset, length);
  state->offset += length;
}

// Widens rows of big-endian 16-bit grey samples, read into the start of each int32 row, to int32.
void widen_grey16_to_int32(ImageBuffer* image) {
  for (int y = 0; y < image->height; ++y) {
    uint8_t* row = image->row(y);
    for (int x = image->width - 1; x >= 0; --x) {
      const int32_t value = (row[2 * x] << 8) | row[2 * x + 1];
      std::memcpy(row + 4 * static_cast<size_t>(x), &value, sizeof value);
    }
  }
}

void expand_bilevel(ImageBuffer* image) {
  for (uint8_t& v : image->pixels) v = v != 0 ? 255 : 0;
}

// Picks Pillow's mode for the PNG colour type and bit depth, and sets the libpng transforms that
// deliver it. Returns false for a combination PNG does not define.
bool choose_mode(png_structp png, int color_type, int bit_depth, PixelMode* mode) {
  switch (color_type) {
    case PNG_COLOR_TYPE_GRAY:
      if (bit_depth == 16) {
        *mode = PixelMode::kI;  // kept at 16 bits, widened after reading
      } else if (bit_depth == 1) {
        *mode = PixelMode::k1;
        png_set_packing(png);
      } else {
        *mode = PixelMode::kL;
        if (bit_depth < 8) png_set_expand_gray_1_2_4_to_8(png);
      }
      return true;
    case PNG_COLOR_TYPE_PALETTE:
      *mode = PixelMode::kP;
      if (bit_depth < 8) png_set_packing(png);
      return true;
    case PNG_COLOR_TYPE_GRAY_ALPHA:
      *mode = PixelMode::kLA;
      break;
    case PNG_COLOR_TYPE_RGB:
      *mode = PixelMode::kRGB;
      break;
    case PNG_COLOR_TYPE_RGB_ALPHA:
      *mode = PixelMode::kRGBA;
      break;
    default:
      return false;
  }
  if (bit_depth == 16) png_set_strip_16(png);  // Pillow's ";16B" raw modes keep the high byte
  return true;
}

void copy_palette(png_structp png, png_infop info, Palette* palette) {
  *palette = make_grey_ramp_palette();
  png_colorp entries = nullptr;
  int count = 0;
  if (png_get_PLTE(png, info, &entries, &count) == 0) return;
  count = std::min(count, kPaletteSize);
  for (int i = 0; i < count; ++i) {
    (*palette)[3 * i + 0] = entries[i].red;
    (*palette)[3 * i + 1] = entries[i].green;
    (*palette)[3 * i + 2] = entries[i].blue;
  }
}

// Runs libpng and fills `result`. Returns false after a libpng error (text in state->message).
// Only trivially destructible locals live here, so the longjmp skips no destructor.
bool run_read(png_structp png, png_infop info, ReadState* state, const DecodeOptions* options,
              DecodedImage* result) {
  if (setjmp(png_jmpbuf(png)) != 0) return false;
  png_set_read_fn(png, state, on_read);
  // Pillow checks the CRC of every chunk before the image data and none after; libpng by default
  // only fails on critical ones. Ancillary chunks fail too until the pixels start (below).
  png_set_crc_action(png, PNG_CRC_ERROR_QUIT, PNG_CRC_ERROR_QUIT);
  png_read_info(png, info);
  png_set_crc_action(png, PNG_CRC_QUIET_USE, PNG_CRC_QUIET_USE);

  const png_uint_32 width = png_get_image_width(png, info);
  const png_uint_32 height = png_get_image_height(png, info);
  result->error = check_image_size(width, height, *options);
  if (!result->ok()) {
    result->error.insert(0, "png: ");
    result->error_kind = ErrorKind::kInvalidInput;
    return true;
  }
  PixelMode mode = PixelMode::kRGB;
  if (!choose_mode(png, png_get_color_type(png, info), png_get_bit_depth(png, info), &mode)) {
    png_error(png, "unknown colour type");
  }
  const int passes = png_set_interlace_handling(png);
  png_read_update_info(png, info);

  ImageBuffer* image = &result->image;
  image->allocate(static_cast<int>(width), static_cast<int>(height), mode);
  if (png_get_rowbytes(png, info) > image->row_bytes()) png_error(png, "unexpected row size");
  if (mode == PixelMode::kP) copy_palette(png, info, &image->palette);

  // Each pass of an interlaced image revisits every row, so the rows are read in one call.
  for (int pass = 0; pass < passes; ++pass) {
    for (int y = 0; y < image->height; ++y) png_read_row(png, image->row(y), nullptr);
  }
  if (mode == PixelMode::kI) widen_grey16_to_int32(image);
  if (mode == PixelMode::k1) expand_bilevel(image);
  return true;
}

uint32_t be32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

// The size in the IHDR chunk, which must come first: checked before libpng reads any further, so
// a file that announces a huge image is refused even when the rest of it is missing. A damaged
// IHDR (bad CRC) is left to libpng, which reports it as corrupt, as Pillow does.
std::string check_declared_size(const uint8_t* data, size_t size, const DecodeOptions& options) {
  constexpr size_t kIhdrStart = 8 + 4;  // after the signature and the length field
  constexpr size_t kIhdrTypeAndData = 4 + 13;
  if (size < kIhdrStart + kIhdrTypeAndData + 4 || std::memcmp(data + kIhdrStart, "IHDR", 4) != 0) {
    return {};
  }
  const uLong crc = crc32(crc32(0L, Z_NULL, 0), data + kIhdrStart, kIhdrTypeAndData);
  if (crc != be32(data + kIhdrStart + kIhdrTypeAndData)) return {};
  const uint32_t width = be32(data + 16);
  const uint32_t height = be32(data + 20);
  if (width == 0 || height == 0) return {};  // libpng explains that one better
  return check_image_size(width, height, options);
}

}  // namespace

DecodedImage decode_png(const uint8_t* data, size_t size, const DecodeOptions& options) {
  const std::string size_error = check_declared_size(data, size, options);
  if (!size_error.empty()) {
    return decode_failure(ErrorKind::kInvalidInput, "png: %s", size_error.c_str());
  }
  ReadState state{data, size, 0, {}};
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &state, on_error, on_warning);
  if (png == nullptr) return decode_failure(ErrorKind::kInternal, "png: cannot create reader");
  png_infop info = png_create_info_struct(png);
  struct DestroyGuard {
    png_structp png;
    png_infop info;
    ~DestroyGuard() { png_destroy_read_struct(&png, info != nullptr ? &info : nullptr, nullptr); }
  } guard{png, info};
  if (info == nullptr) return decode_failure(ErrorKind::kInternal, "png: cannot create reader");

  DecodedImage result;
  if (!run_read(png, info, &state, &options, &result)) {
    return decode_failure(ErrorKind::kCorrupt, "png: %s", state.message);
  }
  return result;
}

}  // namespace clipret::image
