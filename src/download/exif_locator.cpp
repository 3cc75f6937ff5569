#include "download/exif_locator.h"

#include <string>

#include "download/exif_python.h"

namespace clipret::download {
namespace {

using exif_python::byte_at;
using exif_python::IndexError;
using exif_python::NoExif;
using exif_python::PythonError;
using exif_python::slice;

// BytesIO's cursor: seeking past the end is allowed and reads there are empty.
class PyFile {
 public:
  explicit PyFile(std::string_view data) : data_(data) {}

  // n < 0 reads the rest, as read(-1).
  std::string_view read(int64_t n) {
    const auto size = static_cast<int64_t>(data_.size());
    if (pos_ >= size) return {};
    const int64_t end = n < 0 ? size : pos_ + std::min(n, size - pos_);
    std::string_view result = data_.substr(static_cast<size_t>(pos_), end - pos_);
    pos_ = end;
    return result;
  }
  void seek(int64_t position) {
    if (position < 0) throw PythonError{};  // ValueError: negative seek value
    pos_ = position;
  }
  int64_t tell() const { return pos_; }

 private:
  std::string_view data_;
  int64_t pos_ = 0;
};

ExifLocation found_at(PyFile& file) {
  ExifLocation location{file.tell(), 0};
  const std::string_view endian = file.read(1);
  if (endian.empty()) throw PythonError{};
  location.endian = endian[0];
  // process_file looks the byte up in a table of byte-order names while logging.
  if (std::string_view("IM\x01"
                       "d",
                       4)
          .find(location.endian) == std::string_view::npos) {
    throw PythonError{};
  }
  return location;
}

int segment_increment(std::string_view data, int64_t base) {
  return byte_at(data, base + 2) * 256 + byte_at(data, base + 3) + 2;
}

ExifLocation find_jpeg_exif(std::string_view bytes, PyFile& file, std::string_view head) {
  // Skip JFIF-like APP0 segments as exifread does, reading ahead through the stream.
  std::string data(head);
  int64_t base = 2;
  for (;;) {
    const std::string_view id = slice(data, 6, 10);
    if (byte_at(data, 2) != 0xFF ||
        (id != "JFIF" && id != "JFXX" && id != "OLYM" && id != "Phot")) {
      break;
    }
    const int length = byte_at(data, 4) * 256 + byte_at(data, 5);
    file.read(length - 8);
    data = std::string("\xFF\x00", 2);
    data += file.read(10);
    base = base > 2 ? base + length + 4 - 2 : length + 4;
  }
  // Then walk the segments within a window of base + 4000 bytes of the file.
  constexpr int64_t kWindow = 4000;
  const std::string_view window = slice(bytes, 0, base + kWindow);
  for (;;) {
    const std::string_view marker = slice(window, base, base + 2);
    if (marker == "\xFF\xE1") {
      if (slice(window, base + 4, base + 8) == "Exif") {
        base -= 2;
        break;
      }
      base += segment_increment(window, base);
    } else if (marker == "\xFF\xE0" || marker == "\xFF\xE2" || marker == "\xFF\xEE" ||
               marker == "\xFF\xD8" || marker == "\xFF\xEC") {
      base += segment_increment(window, base);
    } else if (marker == "\xFF\xDB") {
      break;
    } else {
      try {
        base += segment_increment(window, base);
      } catch (const IndexError&) {
        throw NoExif{};
      }
    }
  }
  file.seek(base + 12);
  if (byte_at(window, base + 2) == 0xFF && (slice(window, base + 6, base + 10) == "Exif" ||
                                            slice(window, base + 6, base + 11) == "Ducky" ||
                                            slice(window, base + 6, base + 11) == "Adobe")) {
    return found_at(file);
  }
  throw NoExif{};
}

ExifLocation find_webp_exif(PyFile& file) {
  const std::string_view header = file.read(5);
  if (slice(header, 0, 4) != "VP8X" || (byte_at(header, 4) & 8) == 0) throw NoExif{};
  constexpr int64_t kRestOfVp8x = 13;
  file.seek(file.tell() + kRestOfVp8x);
  for (;;) {
    const std::string_view chunk = file.read(8);
    if (chunk.size() != 8) throw NoExif{};
    if (chunk.substr(0, 4) == "EXIF") return found_at(file);
    uint32_t size = 0;
    for (int i = 3; i >= 0; --i) size = size << 8 | static_cast<uint8_t>(chunk[4 + i]);
    // No padding of odd sizes: exifread skips exactly `size`.
    file.seek(file.tell() + size);
  }
}

ExifLocation find_png_exif(PyFile& file) {
  file.seek(8);
  for (;;) {
    const std::string_view header = file.read(8);
    const std::string_view chunk = slice(header, 4, 8);
    // exifread logs the chunk name decoded as ASCII, which raises on other bytes.
    for (char c : chunk) {
      if (static_cast<uint8_t>(c) >= 0x80) throw PythonError{};
    }
    if (chunk.empty() || chunk == "IEND") throw NoExif{};
    if (chunk == "eXIf") return found_at(file);
    uint32_t size = 0;
    for (char c : slice(header, 0, 4)) size = size << 8 | static_cast<uint8_t>(c);
    file.seek(file.tell() + size + 4);
  }
}

}  // namespace

// exifread's _determine_type: where the TIFF header starts, or NoExif.
ExifLocation find_exif(std::string_view bytes) {
  PyFile file(bytes);
  const std::string_view head = file.read(12);
  const std::string_view magic = slice(head, 0, 2);
  if (magic == "II" || magic == "MM") {
    file.seek(0);
    return found_at(file);
  }
  // HEIC: exifread reads its Exif box, but OpenCV cannot decode HEIC, so img2dataset never
  // keeps such a sample and we never see one that succeeded.
  if (slice(head, 4, 12) == "ftypheic") throw NoExif{};
  if (slice(head, 0, 4) == "RIFF" && slice(head, 8, 12) == "WEBP") return find_webp_exif(file);
  if (magic == "\xFF\xD8") return find_jpeg_exif(bytes, file, head);
  if (slice(head, 0, 8) == "\x89PNG\r\n\x1a\n") return find_png_exif(file);
  throw NoExif{};
}

}  // namespace clipret::download
