// download/image_header.h: what an image's first bytes say, before any decoding: its format as
// Python's imghdr names it (img2dataset's skip_reencode test) and the size its header declares
// (our decompression-bomb check: a tiny file may declare gigapixels, and OpenCV would allocate
// them before failing).
//
// Both read only the given bytes, bounds-checked (they come from the network), never throw, and
// answer "don't know" (nullptr, nullopt) rather than guess.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace clipret::download {

// Python's imghdr.what() restricted to the three target formats, in imghdr's test order: "jpeg"
// (its test looks only at bytes 6-10 for JFIF/Exif, or a raw ff d8 ff db start), "png", "webp";
// nullptr for anything else.
const char* imghdr_type(std::string_view bytes);

// Width and height in pixels, as the header declares them.
struct DeclaredSize {
  uint32_t width = 0;
  uint32_t height = 0;
};

// The declared size of the formats OpenCV decodes that a tiny file can blow up from: JPEG (the
// first frame header, markers found as libjpeg finds them; jpeg_fast_decode.h's jpeg_frame_size
// asks libjpeg itself), PNG, WebP (VP8, VP8L, VP8X), GIF, BMP, Sun raster and TIFF (the first
// page, the one OpenCV decodes). nullopt for other formats (PNM, JPEG 2000, EXR, HDR only meet
// OpenCV's own limit of 2^30 pixels) and for headers cut short or malformed.
std::optional<DeclaredSize> declared_image_size(std::string_view bytes);

}  // namespace clipret::download
