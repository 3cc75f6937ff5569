// download/exif_locator.h: where an image's EXIF block (its TIFF header) starts, found as
// exifread 3.0's _determine_type finds it, quirks included: TIFF ("II"/"MM" at 0), JPEG (APP0
// segments skipped by reading ahead, then a segment walk within ~4000 bytes of them), PNG (the
// eXIf chunk) and WebP (the EXIF chunk of a VP8X file). HEIC and other formats have none here.
#pragma once

#include <cstdint>
#include <string_view>

namespace clipret::download {

struct ExifLocation {
  int64_t offset = 0;  // of the TIFF header in the file
  char endian = 0;     // its first byte: 'I' little-endian, 'M' big-endian (or 'd', '\x01')
};

// Throws exif_python::NoExif where exifread finds no EXIF (img2dataset: {}), and
// exif_python::PythonError where exifread raises (img2dataset: null).
ExifLocation find_exif(std::string_view bytes);

}  // namespace clipret::download
