#include "download/image_header.h"

#include <cstdlib>

// Every read is bounds-checked: these bytes come from the network.

namespace clipret::download {
namespace {

using Dims = DeclaredSize;

uint32_t be(std::string_view b, size_t at, size_t n) {
  uint32_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | static_cast<uint8_t>(b[at + i]);
  return v;
}
uint32_t le(std::string_view b, size_t at, size_t n) {
  uint32_t v = 0;
  for (size_t i = n; i-- > 0;) v = (v << 8) | static_cast<uint8_t>(b[at + i]);
  return v;
}
bool starts(std::string_view b, std::string_view magic, size_t at = 0) {
  return b.size() >= at + magic.size() && b.substr(at, magic.size()) == magic;
}

// Walks the markers as libjpeg's reader does (jdmarker.c's next_marker): bytes other than 0xff
// between segments are skipped (libjpeg warns and goes on, and so does OpenCV's decode), as are
// fill bytes and stuffed zeros (ff 00). Stopping at the first stray byte instead let a file hide
// its frame header from the decompression-bomb check (a fuzz finding).
std::optional<Dims> jpeg_dims(std::string_view b) {
  size_t i = 2;
  while (i + 4 <= b.size()) {
    if (static_cast<uint8_t>(b[i]) != 0xff) {  // garbage before a marker
      ++i;
      continue;
    }
    const uint8_t marker = static_cast<uint8_t>(b[i + 1]);
    if (marker == 0xff || marker == 0x00) {  // fill byte; stuffed zero
      i += marker == 0xff ? 1 : 2;
      continue;
    }
    if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {  // no length field
      i += 2;
      continue;
    }
    if (marker == 0xda || marker == 0xd9) return std::nullopt;  // no frame header before data
    const size_t length = be(b, i + 2, 2);
    const bool frame =
        marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
    if (frame) {
      if (i + 9 > b.size()) return std::nullopt;
      return Dims{be(b, i + 7, 2), be(b, i + 5, 2)};
    }
    if (length < 2) return std::nullopt;
    i += 2 + length;
  }
  return std::nullopt;
}

std::optional<Dims> webp_dims(std::string_view b) {
  if (b.size() < 30) return std::nullopt;
  if (starts(b, "VP8 ", 12) && starts(b, "\x9d\x01\x2a", 23)) {
    return Dims{le(b, 26, 2) & 0x3fff, le(b, 28, 2) & 0x3fff};
  }
  if (starts(b, "VP8L", 12) && static_cast<uint8_t>(b[20]) == 0x2f) {
    const uint32_t bits = le(b, 21, 4);
    return Dims{(bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1};
  }
  if (starts(b, "VP8X", 12)) return Dims{le(b, 24, 3) + 1, le(b, 27, 3) + 1};
  return std::nullopt;
}

std::optional<Dims> tiff_dims(std::string_view b) {
  bool little = false;
  if (starts(b, std::string_view("II*\0", 4))) {
    little = true;
  } else if (!starts(b, std::string_view("MM\0*", 4))) {
    return std::nullopt;
  }
  if (b.size() < 8) return std::nullopt;  // no room for the first page's offset
  auto read = [&](size_t at, size_t n) { return little ? le(b, at, n) : be(b, at, n); };
  const size_t ifd = read(4, 4);  // the first page: the one OpenCV decodes
  if (ifd > b.size() || b.size() - ifd < 2) return std::nullopt;
  constexpr uint32_t kShort = 3, kLong = 4, kWidthTag = 256, kHeightTag = 257;
  uint32_t width = 0, height = 0;
  const size_t count = read(ifd, 2);
  for (size_t k = 0; k < count && ifd + 2 + 12 * (k + 1) <= b.size(); ++k) {
    const size_t entry = ifd + 2 + 12 * k;
    const uint32_t type = read(entry + 2, 2);
    if (type != kShort && type != kLong) continue;
    const uint32_t value = read(entry + 8, type == kShort ? 2 : 4);
    const uint32_t tag = read(entry, 2);
    if (tag == kWidthTag) width = value;
    if (tag == kHeightTag) height = value;
  }
  if (width == 0 || height == 0) return std::nullopt;
  return Dims{width, height};
}

}  // namespace

const char* imghdr_type(std::string_view b) {
  if (starts(b, "JFIF", 6) || starts(b, "Exif", 6) || starts(b, "\xff\xd8\xff\xdb")) return "jpeg";
  if (starts(b, "\x89PNG\r\n\x1a\n")) return "png";
  if (starts(b, "RIFF") && starts(b, "WEBP", 8)) return "webp";
  return nullptr;
}

std::optional<DeclaredSize> declared_image_size(std::string_view b) {
  if (starts(b, "\xff\xd8")) return jpeg_dims(b);
  if (starts(b, "\x89PNG\r\n\x1a\n") && starts(b, "IHDR", 12) && b.size() >= 24) {
    return Dims{be(b, 16, 4), be(b, 20, 4)};
  }
  if (starts(b, "RIFF") && starts(b, "WEBP", 8)) return webp_dims(b);
  if ((starts(b, "GIF87a") || starts(b, "GIF89a")) && b.size() >= 10) {
    return Dims{le(b, 6, 2), le(b, 8, 2)};
  }
  if (starts(b, "BM") && b.size() >= 26) {
    constexpr uint32_t kCoreHeader = 12;  // OS/2 BITMAPCOREHEADER: 16-bit sizes
    if (le(b, 14, 4) == kCoreHeader) return Dims{le(b, 18, 2), le(b, 20, 2)};
    // Signed: a negative height means top-down rows.
    const int64_t width = static_cast<int32_t>(le(b, 18, 4));
    const int64_t height = static_cast<int32_t>(le(b, 22, 4));
    return Dims{static_cast<uint32_t>(std::llabs(width)),
                static_cast<uint32_t>(std::llabs(height))};
  }
  if (starts(b, "\x59\xa6\x6a\x95") && b.size() >= 12) return Dims{be(b, 4, 4), be(b, 8, 4)};
  return tiff_dims(b);
}

}  // namespace clipret::download
