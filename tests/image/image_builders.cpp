#include "image_builders.h"

#include <jpeglib.h>
#include <cstdio>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <memory>

namespace clipret::image::testing {
namespace {

uint32_t crc32(const std::string& bytes) {
  static const std::array<uint32_t, 256> table = [] {
    std::array<uint32_t, 256> t{};
    for (uint32_t i = 0; i < 256; ++i) {
      uint32_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  uint32_t c = 0xFFFFFFFFu;
  for (unsigned char b : bytes) c = table[(c ^ b) & 0xFF] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

void put_be32(std::string* out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out->push_back(static_cast<char>(v >> shift));
}
void put_le16(std::string* out, uint32_t v) {
  out->push_back(static_cast<char>(v));
  out->push_back(static_cast<char>(v >> 8));
}
void put_le32(std::string* out, uint32_t v) {
  put_le16(out, v & 0xFFFF);
  put_le16(out, v >> 16);
}

std::string chunk(const char* type, const std::string& payload) {
  std::string out;
  put_be32(&out, static_cast<uint32_t>(payload.size()));
  const std::string typed = std::string(type, 4) + payload;
  out += typed;
  put_be32(&out, crc32(typed));
  return out;
}

std::string ihdr(uint32_t width, uint32_t height, int bit_depth, int color_type, bool interlaced) {
  std::string p;
  put_be32(&p, width);
  put_be32(&p, height);
  p.push_back(static_cast<char>(bit_depth));
  p.push_back(static_cast<char>(color_type));
  p.push_back(0);
  p.push_back(0);
  p.push_back(interlaced ? 1 : 0);
  return chunk("IHDR", p);
}

// zlib stream of stored deflate blocks.
std::string zlib_stored(const std::string& raw) {
  std::string out = "\x78\x01";
  size_t pos = 0;
  do {
    const size_t n = std::min<size_t>(raw.size() - pos, 65535);
    out.push_back(pos + n == raw.size() ? 1 : 0);
    put_le16(&out, static_cast<uint32_t>(n));
    put_le16(&out, static_cast<uint32_t>(~n & 0xFFFF));
    out.append(raw, pos, n);
    pos += n;
  } while (pos < raw.size());
  uint32_t a = 1, b = 0;
  for (unsigned char c : raw) {
    a = (a + c) % 65521;
    b = (b + a) % 65521;
  }
  put_be32(&out, (b << 16) | a);
  return out;
}

const char kPngSignature[] = "\x89PNG\r\n\x1A\n";

}  // namespace

std::string make_png(uint32_t width, uint32_t height, int bit_depth, int color_type,
                     const std::vector<std::vector<uint8_t>>& scanlines,
                     const std::vector<uint8_t>& plte, const std::vector<uint8_t>& trns,
                     bool interlaced) {
  std::string raw;
  for (const auto& row : scanlines) {
    raw.push_back(0);
    raw.append(row.begin(), row.end());
  }
  std::string out(kPngSignature, 8);
  out += ihdr(width, height, bit_depth, color_type, interlaced);
  if (!plte.empty()) out += chunk("PLTE", std::string(plte.begin(), plte.end()));
  if (!trns.empty()) out += chunk("tRNS", std::string(trns.begin(), trns.end()));
  out += chunk("IDAT", zlib_stored(raw));
  out += chunk("IEND", "");
  return out;
}

std::string make_png_header(uint32_t width, uint32_t height, int bit_depth, int color_type) {
  return std::string(kPngSignature, 8) + ihdr(width, height, bit_depth, color_type, false);
}

std::string make_bmp(int32_t width, int32_t height, int bits,
                     const std::vector<std::vector<uint8_t>>& rows,
                     const std::vector<uint8_t>& palette, bool top_down, uint32_t compression) {
  const size_t stride = ((static_cast<size_t>(width) * bits + 31) / 32) * 4;
  std::string pixels;
  for (const auto& row : rows) {
    std::string padded(row.begin(), row.end());
    padded.resize(stride, '\0');
    pixels += padded;
  }
  const uint32_t offset = 14 + 40 + static_cast<uint32_t>(palette.size());
  std::string out = "BM";
  put_le32(&out, offset + static_cast<uint32_t>(pixels.size()));
  put_le32(&out, 0);
  put_le32(&out, offset);
  put_le32(&out, 40);
  put_le32(&out, static_cast<uint32_t>(width));
  put_le32(&out, static_cast<uint32_t>(top_down ? -height : height));
  put_le16(&out, 1);
  put_le16(&out, static_cast<uint32_t>(bits));
  put_le32(&out, compression);
  put_le32(&out, static_cast<uint32_t>(pixels.size()));
  put_le32(&out, 2835);
  put_le32(&out, 2835);
  put_le32(&out, static_cast<uint32_t>(palette.size() / 4));
  put_le32(&out, 0);
  out.append(palette.begin(), palette.end());
  return out + pixels;
}

std::string make_flat_jpeg(int width, int height, int components,
                           const std::vector<uint8_t>& pixel) {
  jpeg_compress_struct cinfo;
  jpeg_error_mgr errors;
  cinfo.err = jpeg_std_error(&errors);
  jpeg_create_compress(&cinfo);
  unsigned char* buffer = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = static_cast<JDIMENSION>(width);
  cinfo.image_height = static_cast<JDIMENSION>(height);
  cinfo.input_components = components;
  cinfo.in_color_space = components == 1 ? JCS_GRAYSCALE : components == 3 ? JCS_RGB : JCS_CMYK;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, 95, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  std::vector<uint8_t> row(static_cast<size_t>(width) * components);
  for (size_t i = 0; i < row.size(); ++i) row[i] = pixel[i % components];
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW rows[1] = {row.data()};
    jpeg_write_scanlines(&cinfo, rows, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  std::string out(reinterpret_cast<const char*>(buffer), size);
  std::free(buffer);  // libjpeg malloc()s the destination buffer
  return out;
}

}  // namespace clipret::image::testing
