#include "image/bmp_decoder.h"

#include <algorithm>
#include <array>

namespace clipret::image {
namespace {

constexpr size_t kFileHeaderSize = 14;
constexpr uint32_t kCompressionRgb = 0;
constexpr uint32_t kCompressionRle8 = 1;
constexpr uint32_t kCompressionRle4 = 2;
constexpr uint32_t kCompressionBitfields = 3;
constexpr uint64_t kMaxPaletteColors = 65536;  // Pillow's limit

uint32_t u16le(const uint8_t* p) {
  return p[0] | (p[1] << 8);
}
uint32_t u32le(const uint8_t* p) {
  return p[0] | (p[1] << 8) | (p[2] << 16) | (static_cast<uint32_t>(p[3]) << 24);
}

// How one pixel's bytes map to channels (Pillow's raw modes: "BGR", "BGRX", "XBGR", "ABGR",
// "RGBA", "BGRA", "BGR;15", "BGR;16"), or a palette index.
enum class Packing { kIndex, kBgr15, kBgr16, kBytes };
struct Layout {
  Packing packing = Packing::kBytes;
  int r = 2, g = 1, b = 0, a = -1;  // byte offsets in the pixel for kBytes; a < 0: no alpha
};

// Pillow's supported BI_BITFIELDS masks. Returns false for any other layout.
bool bitfields_layout(int bits, const std::array<uint32_t, 4>& m, Layout* layout) {
  auto is = [&](uint32_t r, uint32_t g, uint32_t b, uint32_t a) {
    return m[0] == r && m[1] == g && m[2] == b && m[3] == a;
  };
  if (bits == 32) {
    if (is(0xFF0000, 0xFF00, 0xFF, 0))
      *layout = {Packing::kBytes, 2, 1, 0, -1};  // BGRX
    else if (is(0xFF000000, 0xFF0000, 0xFF00, 0))
      *layout = {Packing::kBytes, 3, 2, 1, -1};  // XBGR
    else if (is(0xFF000000, 0xFF0000, 0xFF00, 0xFF))
      *layout = {Packing::kBytes, 3, 2, 1, 0};  // ABGR
    else if (is(0xFF, 0xFF00, 0xFF0000, 0xFF000000))
      *layout = {Packing::kBytes, 0, 1, 2, 3};  // RGBA
    else if (is(0xFF0000, 0xFF00, 0xFF, 0xFF000000) || is(0, 0, 0, 0)) {
      *layout = {Packing::kBytes, 2, 1, 0, 3};  // BGRA
    } else {
      return false;
    }
    return true;
  }
  if (bits == 24 && m[0] == 0xFF0000 && m[1] == 0xFF00 && m[2] == 0xFF) {
    *layout = {Packing::kBytes, 2, 1, 0, -1};
    return true;
  }
  if (bits == 16 && m[0] == 0xF800 && m[1] == 0x7E0 && m[2] == 0x1F) {
    layout->packing = Packing::kBgr16;
    return true;
  }
  if (bits == 16 && m[0] == 0x7C00 && m[1] == 0x3E0 && m[2] == 0x1F) {
    layout->packing = Packing::kBgr15;
    return true;
  }
  return false;
}

// Pillow drops a palette that is exactly the grey ramp (black/white for two colours) and reads
// the indices as grey levels. Only the cases where that reading is sound are followed.
PixelMode palette_mode(int bits, uint64_t colors, const uint8_t* palette, int entry_size) {
  const bool bilevel = colors == 2;
  if (!((bits == 1 && bilevel) || (bits == 8 && !bilevel))) return PixelMode::kP;
  for (uint64_t i = 0; i < colors; ++i) {
    const uint8_t want = bilevel ? static_cast<uint8_t>(i * 255) : static_cast<uint8_t>(i);
    const uint8_t* entry = palette + i * entry_size;  // stored B, G, R
    if (i > 255 || entry[0] != want || entry[1] != want || entry[2] != want) return PixelMode::kP;
  }
  return bilevel ? PixelMode::k1 : PixelMode::kL;
}

void unpack_row(const uint8_t* in, int width, int bits, const Layout& layout, PixelMode mode,
                uint8_t* out) {
  if (layout.packing == Packing::kIndex) {
    const int per_byte = 8 / bits;
    const int mask = (1 << bits) - 1;
    for (int x = 0; x < width; ++x) {
      const int shift = 8 - bits * (x % per_byte + 1);
      const int value = (in[x / per_byte] >> shift) & mask;
      out[x] = mode == PixelMode::k1 ? static_cast<uint8_t>(value ? 255 : 0)
                                     : static_cast<uint8_t>(value);
    }
    return;
  }
  const int channels = mode == PixelMode::kRGBA ? 4 : 3;
  for (int x = 0; x < width; ++x, out += channels) {
    if (layout.packing == Packing::kBytes) {
      const uint8_t* p = in + static_cast<size_t>(x) * (bits / 8);
      out[0] = p[layout.r];
      out[1] = p[layout.g];
      out[2] = p[layout.b];
      if (channels == 4) out[3] = p[layout.a];
      continue;
    }
    const uint32_t pixel = u16le(in + 2 * static_cast<size_t>(x));
    const bool six_green = layout.packing == Packing::kBgr16;
    const uint32_t red = six_green ? (pixel >> 11) & 31 : (pixel >> 10) & 31;
    const uint32_t green = six_green ? (pixel >> 5) & 63 : (pixel >> 5) & 31;
    out[0] = static_cast<uint8_t>(red * 255 / 31);
    out[1] = static_cast<uint8_t>(green * 255 / (six_green ? 63 : 31));
    out[2] = static_cast<uint8_t>((pixel & 31) * 255 / 31);
  }
}

}  // namespace

DecodedImage decode_bmp(const uint8_t* data, size_t size, const DecodeOptions& options) {
  if (size < kFileHeaderSize + 4 || data[0] != 'B' || data[1] != 'M') {
    return decode_failure(ErrorKind::kCorrupt, "bmp: not a BMP file or truncated header");
  }
  uint64_t offset = u32le(data + 10);
  const uint32_t header_size = u32le(data + kFileHeaderSize);
  if (header_size < 12 || kFileHeaderSize + header_size > size) {
    return decode_failure(ErrorKind::kCorrupt, "bmp: truncated info header");
  }
  const uint8_t* info = data + kFileHeaderSize + 4;  // after the size field
  size_t position = kFileHeaderSize + header_size;   // where the masks or palette follow
  int64_t width = 0;
  int64_t height = 0;
  bool top_down = false;
  int bits = 0;
  uint32_t compression = kCompressionRgb;
  uint64_t colors = 0;
  int entry_size = 4;
  std::array<uint32_t, 4> masks{};
  if (header_size == 12) {
    width = u16le(info);
    height = u16le(info + 2);
    bits = static_cast<int>(u16le(info + 6));
    entry_size = 3;
  } else if (header_size == 40 || header_size == 64 || header_size == 108 || header_size == 124) {
    top_down = info[7] == 0xFF;  // Pillow's test for a negative height
    width = u32le(info);
    height = top_down ? (int64_t{1} << 32) - u32le(info + 4) : u32le(info + 4);
    bits = static_cast<int>(u16le(info + 10));
    compression = u32le(info + 12);
    colors = u32le(info + 28);
    if (compression == kCompressionBitfields) {
      if (header_size - 4 >= 52) {
        for (int i = 0; i < 4; ++i) masks[i] = u32le(info + 36 + 4 * i);
      } else {
        if (position + 12 > size) return decode_failure(ErrorKind::kCorrupt, "bmp: truncated");
        for (int i = 0; i < 3; ++i) masks[i] = u32le(data + position + 4 * i);
        position += 12;
      }
    }
  } else {
    return decode_failure(ErrorKind::kUnsupported, "bmp: unsupported header size %u", header_size);
  }
  if (bits != 1 && bits != 4 && bits != 8 && bits != 16 && bits != 24 && bits != 32) {
    return decode_failure(ErrorKind::kUnsupported, "bmp: unsupported pixel depth %d", bits);
  }
  if (colors == 0) colors = uint64_t{1} << bits;
  if (offset == kFileHeaderSize + header_size && bits <= 8) offset += 4 * colors;

  Layout layout;
  PixelMode mode = PixelMode::kRGB;
  if (compression == kCompressionBitfields) {
    if (!bitfields_layout(bits, masks, &layout)) {
      return decode_failure(ErrorKind::kUnsupported, "bmp: unsupported bitfields layout");
    }
    if (layout.a >= 0) mode = PixelMode::kRGBA;
  } else if (compression == kCompressionRle8 || compression == kCompressionRle4) {
    return decode_failure(ErrorKind::kUnsupported, "bmp: RLE compression is not supported");
  } else if (compression != kCompressionRgb) {
    return decode_failure(ErrorKind::kUnsupported, "bmp: unsupported compression %u", compression);
  } else if (bits <= 8) {
    layout.packing = Packing::kIndex;
  } else if (bits == 16) {
    layout.packing = Packing::kBgr15;
  } else if (bits == 32) {
    layout = {Packing::kBytes, 2, 1, 0, -1};  // "BGRX": the fourth byte is not alpha
  }

  Palette palette = make_grey_ramp_palette();
  if (layout.packing == Packing::kIndex) {
    if (colors > kMaxPaletteColors) {
      return decode_failure(ErrorKind::kUnsupported, "bmp: unsupported palette size %llu",
                            static_cast<unsigned long long>(colors));
    }
    if (position + colors * entry_size > size) {
      return decode_failure(ErrorKind::kCorrupt, "bmp: truncated palette");
    }
    const uint8_t* entries = data + position;
    mode = palette_mode(bits, colors, entries, entry_size);
    for (uint64_t i = 0; i < std::min<uint64_t>(colors, kPaletteSize); ++i) {
      const uint8_t* entry = entries + i * entry_size;
      palette[3 * i + 0] = entry[2];
      palette[3 * i + 1] = entry[1];
      palette[3 * i + 2] = entry[0];
    }
    position += colors * entry_size;
  }
  if (offset == 0) offset = position;

  const std::string size_error = check_image_size(width, height, options);
  if (!size_error.empty()) {
    return decode_failure(ErrorKind::kInvalidInput, "bmp: %s", size_error.c_str());
  }
  const uint64_t stride = ((static_cast<uint64_t>(width) * bits + 31) >> 3) & ~uint64_t{3};
  const uint64_t last_row_bytes = (static_cast<uint64_t>(width) * bits + 7) >> 3;
  if (offset > size || (size - offset) < stride * (height - 1) + last_row_bytes) {
    return decode_failure(ErrorKind::kCorrupt, "bmp: image file is truncated");
  }

  DecodedImage result;
  ImageBuffer& image = result.image;
  image.allocate(static_cast<int>(width), static_cast<int>(height), mode);
  if (mode == PixelMode::kP) image.palette = palette;
  for (int y = 0; y < image.height; ++y) {
    const int file_row = top_down ? y : image.height - 1 - y;
    unpack_row(data + offset + stride * file_row, image.width, bits, layout, mode, image.row(y));
  }
  return result;
}

}  // namespace clipret::image
