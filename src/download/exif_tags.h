// download/exif_tags.h: img2dataset's `exif` field: the EXIF tags of the downloaded bytes as
// exifread 3 (details=False) names and prints them, serialised as a JSON object text
// ({"Image Make": "Canon", "EXIF ExposureTime": "1/200", ...}; values str(value).strip()).
// Reads EXIF from JPEG (APP1), TIFF, PNG (eXIf) and WebP (EXIF chunk). Bounded: a hostile IFD
// chain (loops, huge counts, offsets past the end) is cut, never followed forever.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace clipret::download {

// "{}" when the image has no EXIF; nullopt when its EXIF cannot be parsed (img2dataset stores
// null when exifread raises).
std::optional<std::string> exif_json(std::string_view image_bytes);

}  // namespace clipret::download
